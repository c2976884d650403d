import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../server/src/cli/args';
import { runCli } from '../../../server/src/cli/cli';
import { formatMappingLine, formatTraceText } from '../../../server/src/cli/formats/text';
import { formatTraceJson, traceJson } from '../../../server/src/cli/formats/json';
import { examplesOf } from '../doc-examples';
import { memoryIo } from '../../../server/src/cli/io';
import { printable } from '../../../server/src/engine/printable';
import { buildTrace } from '../../../server/src/cli/trace';
import { CLEAN, ERRORS } from './fixtures';

test('trace: each step with its line, text, calls, result and the mappings after it', () => {
  const trace = buildTrace('a.drvmap', CLEAN);
  assert.equal(trace.scenarios.length, 1);
  const s = trace.scenarios[0]!;
  assert.equal(s.name, 'DONTUNMAP keeps the old range, but empty');
  assert.equal(s.kernel, '6.6');
  assert.equal(s.steps.length, 6);
  const [mmap, write, remap, unmap, fixed, protect] = s.steps;
  assert.equal(mmap?.step, 1);
  assert.equal(mmap?.line, 3);
  assert.equal(mmap?.text, 'a = mmap 2MiB rw private anon');
  assert.match(
    mmap?.calls[0]?.text ?? '',
    /^mmap\(NULL, 0x20_0000, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0x0\)$/,
  );
  assert.equal(mmap?.calls[0]?.ok, true);
  assert.equal(mmap?.outcome.kind, 'address');
  assert.equal(mmap?.mappings.length, 1);
  assert.equal(mmap?.mappings[0]?.perms, 'rw-p');
  assert.equal(mmap?.mappings[0]?.createdStep, 1);
  assert.equal(write?.mappings.length, 1);
  // DONTUNMAP: both ranges mapped after step 3, and both expectations checked right after it.
  assert.equal(remap?.mappings.length, 2);
  assert.deepEqual(
    remap?.expectations.map((e) => [e.line, e.passed]),
    [
      [6, true],
      [7, true],
    ],
  );
  // munmap a: one mapping left, the moved one, made at step 3.
  assert.equal(unmap?.mappings.length, 1);
  assert.equal(unmap?.mappings[0]?.createdStep, 3);
  const shared = fixed?.mappings.find((m) => m.startPlain === '10000000');
  assert.ok(shared);
  assert.equal(shared.perms, 'r--s');
  assert.equal(shared.endPlain, '10001000');
  assert.equal(protect?.mappings.find((m) => m.startPlain === '10000000')?.perms, 'rw-s');
});

test('trace: a failing call carries its errno and the step its diagnostics', () => {
  const trace = buildTrace('e.drvmap', ERRORS);
  const first = trace.scenarios[0]?.steps[0];
  assert.equal(first?.failed, true);
  assert.equal(first?.result, 'EINVAL');
  assert.equal(first?.calls[0]?.ok, false);
  assert.equal(first?.calls[0]?.errno, 'EINVAL');
  assert.ok(first?.diagnostics.some((d) => d.code === 'kernel-refused' && d.severity === 'error'));
  assert.equal(first?.mappings.length, 0);
});

test('trace text: a /proc/PID/maps-like listing with owner and step', () => {
  const trace = buildTrace('a.drvmap', CLEAN);
  const text = formatTraceText(trace, { color: false, maps: 'all' });
  assert.match(text, /^scenario 1 "DONTUNMAP keeps the old range, but empty"/);
  assert.match(text, /step 3 {2}line 5 {2}b = mremap a, 2MiB, 2MiB, maymove \| dontunmap/);
  assert.match(text, /\n {4}[0-9a-f]+-[0-9a-f]+ rw-p 00000000 \[anon:a\] {2}\(\w+, step 1\)\n/);
  assert.match(text, /\n {4}10000000-10001000 r--s 00000000 \/dev\/zero \(deleted\) {2}\(\w+, step 5, c\)\n/);
  const mapping = trace.scenarios[0]!.steps[0]!.mappings[0]!;
  assert.equal(
    formatMappingLine(mapping),
    `${mapping.startPlain}-${mapping.endPlain} rw-p 00000000 [anon:a]  (${mapping.owner}, step 1)`,
  );
  assert.doesNotMatch(formatTraceText(trace, { color: false, maps: 'none' }), /mappings \(/);
});

test('trace: a mapping madvise split off says which fork flag it carries', () => {
  const text =
    'scenario "m" {\n  a = mmap 64KiB rw private anon at 0x1000_0000\n  madvise a + 16KiB, 16KiB, dontfork\n  madvise a + 32KiB, 16KiB, wipeonfork\n}\n';
  const last = buildTrace('m.drvmap', text).scenarios[0]!.steps[2]!;
  assert.deepEqual(
    last.mappings.map((m) => m.forkFlags),
    [[], ['VM_DONTCOPY'], ['VM_WIPEONFORK'], []],
  );
  assert.deepEqual(
    last.mappings.map((m) => formatMappingLine(m)),
    [
      '10000000-10004000 rw-p 00000000 [anon:a]  (host, step 1)',
      '10004000-10008000 rw-p 00000000 [anon:a]  (host, step 1, VM_DONTCOPY)',
      '10008000-1000c000 rw-p 00000000 [anon:a]  (host, step 1, VM_WIPEONFORK)',
      '1000c000-10010000 rw-p 00000000 [anon:a]  (host, step 1)',
    ],
  );
});

test("trace: a dontneed step's result gives the range whose pages it dropped, in text and JSON", () => {
  const text =
    'scenario "m" {\n  a = mmap 64KiB rw private anon at 0x1000_0000\n  madvise a, 4KiB, dontneed\n  madvise a, 8KiB, dontfork\n}\n';
  const trace = buildTrace('m.drvmap', text);
  const [, dontneed, dontfork] = trace.scenarios[0]!.steps;
  const dropped = 'ok; private pages 0x1000_0000..0x1000_1000 dropped (they read zero again)';
  assert.equal(dontneed?.result, dropped);
  assert.equal(dontfork?.result, 'ok');
  assert.ok(formatTraceText(trace, { color: false, maps: 'none' }).includes(`  → ${dropped}\n`));
  assert.ok(JSON.stringify(traceJson(trace)).includes(`"result":"${dropped}"`));
});

test("trace: a dontneed of a file's private mapping says its dropped pages read the file again, not zero", () => {
  const text = `scenario "pf" {
  f = open file "data" 16KiB
  c = mmap 16KiB rw private fd f at 0x1000_0000 fixed
  a = mmap 16KiB rw private anon at 0x1000_4000 fixed
  write c, 4KiB, 0xAB
  madvise c, 4KiB, dontneed
  madvise c + 0x3000, 8KiB, dontneed
}
`;
  const steps = buildTrace('pf.drvmap', text).scenarios[0]!.steps;
  assert.equal(
    steps[4]?.result,
    'ok; private pages 0x1000_0000..0x1000_1000 dropped (they read the file again)',
  );
  assert.equal(
    steps[5]?.result,
    'ok; private pages 0x1000_3000..0x1000_5000 dropped (they read zero, or the file, again)',
  );
  // A page past the file's end read a private copy until now; dropped, it refaults from the file: SIGBUS.
  const past = `scenario "eof" {
  f = open file "data" 4KiB
  c = mmap 8KiB rw private fd f at 0x1000_0000 fixed
  write c, 4KiB, 0xAB
  madvise c, 8KiB, dontneed
  read c + 0x1000, 1
}
`;
  const eof = buildTrace('eof.drvmap', past).scenarios[0]!.steps;
  assert.equal(
    eof[3]?.result,
    'ok; private pages 0x1000_0000..0x1000_2000 dropped (they read the file (SIGBUS past its end) again)',
  );
  assert.match(eof[4]?.result ?? '', /SIGBUS/);
});

test("trace: a free step's result names the pages it freed lazily (those holding data, as they were then), in text and JSON", () => {
  const text = `scenario "f" {
  a = mmap 16KiB rw private anon at 0x1000_0000 fixed
  write a, 4KiB, 0xAB
  write a + 0x2000, 1, 0xCD
  madvise a, 16KiB, free
  write a, 1, 0x01
  b = mremap a, 16KiB, 16KiB, maymove
  madvise b, 16KiB, dontneed
  madvise b, 16KiB, free
  madvise 0x2000_0000, 4KiB, free
}
`;
  const trace = buildTrace('f.drvmap', text);
  const steps = trace.scenarios[0]!.steps;
  // Page 0x1000_1000 and 0x1000_3000 were never written: nothing to free there. The later write
  // and the move change neither what the step did nor where it said it did it.
  const freed =
    'ok; pages 0x1000_0000..0x1000_1000, 0x1000_2000..0x1000_3000 freed lazily (they keep their data until reclaim takes them, then read zero)';
  assert.equal(steps[3]?.result, freed);
  assert.equal(
    steps[7]?.result,
    'ok; no page in the range held data (nothing to free lazily: its pages read zero)',
  );
  assert.equal(steps[8]?.result, 'ENOMEM', 'a call that advised no mapping says nothing of pages');
  assert.ok(formatTraceText(trace, { color: false, maps: 'none' }).includes(`  → ${freed}\n`));
  assert.ok(JSON.stringify(traceJson(trace)).includes(`"result":"${freed}"`));
});

test('trace: a free step names a page once when it held two written runs (they round to the same page)', () => {
  const text = `scenario "f" {
  a = mmap 16KiB rw private anon at 0x1000_0000 fixed
  write a, 4, 0x01
  write a + 100, 4, 0x02
  write a + 0x2000, 4, 0x03
  write a + 0x2ff0, 4, 0x04
  write a + 0x3000, 4, 0x05
  madvise a, 16KiB, free
}
`;
  const trace = buildTrace('f.drvmap', text);
  const freed =
    'ok; pages 0x1000_0000..0x1000_1000, 0x1000_2000..0x1000_4000 freed lazily (they keep their data until reclaim takes them, then read zero)';
  assert.equal(trace.scenarios[0]!.steps[6]?.result, freed);
  assert.ok(JSON.stringify(traceJson(trace)).includes(`"result":"${freed}"`));
});

test('trace: a diagnostic an `expect` line draws (a stale pointer it reads through) is listed with the step before it', () => {
  const text = `scenario "e" {
  strategy placed
  m1 = vkAllocateMemory 64KiB host-visible
  p1 = vkMapMemory m1
  vkFreeMemory m1
  expect app reads p1, 4 == SIGSEGV
}
`;
  const free = buildTrace('e.drvmap', text).scenarios[0]!.steps[2]!;
  // The expectation asserts the fault, so what explains it is information, marked expected.
  assert.deepEqual(
    free.diagnostics.map((d) => [d.code, d.line, d.severity]),
    [['use-after-free', 6, 'info']],
  );
  // A diagnostic of an `expect` line above the first step is listed below the scenario header.
  const early = buildTrace(
    'q.drvmap',
    'scenario "e" {\n  expect read q, 1 == 0\n  a = mmap 4KiB rw private anon\n}\n',
  );
  assert.deepEqual(
    early.scenarios[0]!.diagnostics.map((d) => [d.code, d.line]),
    [['unknown-name', 2]],
  );
});

test('trace: mappings the kernel merged are marked, and the kernel VMA count is given when it differs', () => {
  const text =
    'scenario "merge" {\n  a = mmap 8KiB rw private anon at 0x1000_0000 fixed\n  b = mmap 4KiB rw private anon at 0x1000_2000 fixed\n  c = mmap 4KiB r private anon at 0x1000_3000 fixed\n}\n';
  const trace = buildTrace('m.drvmap', text);
  const last = trace.scenarios[0]!.steps[2]!;
  assert.deepEqual(
    last.mappings.map((m) => [m.label, m.mergedWithPrevious]),
    [
      ['a', false],
      ['b', true], // same flags, adjacent: one VMA with a
      ['c', false], // read-only: a VMA of its own
    ],
  );
  assert.equal(last.kernelVmas, 2);
  assert.equal(trace.scenarios[0]!.steps[0]!.kernelVmas, 1);
  const shown = formatTraceText(trace, { color: false, maps: 'all' });
  assert.match(shown, /mappings \(3; 2 kernel VMAs, as \/proc\/PID\/maps lists them\):/);
  assert.match(shown, /\[anon:b\] {2}\(host, step 2; one VMA with the line above\)/);
  // Nothing merged: the count is not repeated.
  assert.match(shown, /\n {2}mappings \(1\):\n/);
  // `--maps changed` lists b without the line above it: no merge mark there, and a mapping whose
  // only change is that mark is not listed as removed and added again.
  const changed = formatTraceText(trace, { color: false, maps: 'changed' });
  assert.doesNotMatch(changed, /one VMA with the line above/);
  assert.doesNotMatch(changed, /\n {2}- /);
  // Top-down, b lands below a and a becomes the merged one: still only `+ b` at step 2.
  const below = buildTrace(
    'b.drvmap',
    'scenario "m" {\n  a = mmap 64KiB rw private anon\n  b = mmap 64KiB rw private anon\n}\n',
    { maps: 'changed' },
  );
  const step2 = formatTraceText(below, { color: false, maps: 'changed' }).split('step 2  line')[1]!;
  assert.deepEqual(
    step2
      .split('\n')
      .filter((l) => /^ {2}[-+] /.test(l))
      .map((l) => `${l.slice(2, 3)} ${/\[anon:\w+\]/.exec(l)?.[0]}`),
    ['+ [anon:b]'],
  );
});

test('trace: what is mapped before step 1 (device creation, the strategy) is listed as the set-up', () => {
  const text =
    'scenario "s" {\n  driver radv {\n    preset radv\n  }\n  mem = vkAllocateMemory 1MiB host-visible\n}\n';
  const trace = buildTrace('s.drvmap', text);
  const setup = trace.scenarios[0]!.setupMappings;
  assert.deepEqual(
    setup.map((m) => [m.label, m.owner, m.createdStep]),
    [['radv internal pools', 'radv', 0]],
  );
  for (const maps of ['all', 'changed'] as const)
    assert.match(
      formatTraceText(trace, { color: false, maps }),
      /\nset-up {2}before step 1.*\n {2}radv +mmap\(NULL, 0x200_0000, .*\n {2}mappings \(1\):\n {4}[0-9a-f]+-[0-9a-f]+ rw-p 00000000 \[anon:radv internal pools\] {2}\(radv, set-up\)\n/,
    );
  // Nothing before step 1: no set-up section.
  assert.doesNotMatch(
    formatTraceText(buildTrace('c.drvmap', CLEAN), { color: false, maps: 'all' }),
    /set-up/,
  );
});

test('trace JSON: exact addresses as strings, round-trips', () => {
  const json = traceJson(buildTrace('a.drvmap', CLEAN)) as {
    scenarios: { steps: { outcome: { kind: string; value?: string } }[] }[];
  };
  const outcome = json.scenarios[0]?.steps[0]?.outcome;
  assert.equal(outcome?.kind, 'address');
  assert.match(outcome?.value ?? '', /^0x[0-9a-f_]+$/);
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
});

test('trace: scenario chosen by name or number; a wrong one is a usage error', () => {
  const text = CLEAN + '\n' + ERRORS;
  assert.equal(buildTrace('x', text).scenarios.length, 2);
  assert.equal(buildTrace('x', text, { scenario: 'unaligned' }).scenarios[0]?.index, 2);
  assert.equal(
    buildTrace('x', text, { scenario: '1' }).scenarios[0]?.name,
    'DONTUNMAP keeps the old range, but empty',
  );
  assert.throws(
    () => buildTrace('x', text, { scenario: '3' }),
    (e) => e instanceof UsageError && /no scenario 3/.test(e.message),
  );
  assert.throws(
    () => buildTrace('x', text, { scenario: 'nope' }),
    (e) => e instanceof UsageError && /"unaligned"/.test(e.message),
  );
});

test('runCli trace: exit 0 when traced, 2 for a missing file or scenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  writeFileSync(join(dir, 'a.drvmap'), CLEAN);
  let io = memoryIo(dir);
  assert.equal(runCli(['trace', 'a.drvmap', '--format', 'json'], io), 0);
  assert.equal((JSON.parse(io.stdout) as { scenarios: unknown[] }).scenarios.length, 1);
  io = memoryIo(dir);
  assert.equal(runCli(['trace', 'missing.drvmap'], io), 2);
  assert.match(io.stderr, /cannot read missing\.drvmap/);
  io = memoryIo(dir);
  assert.equal(runCli(['trace', 'a.drvmap', '--scenario', 'nope'], io), 2);
  assert.match(io.stderr, /no scenario is called "nope"/);
});

test('trace text: a step that could not run shows its diagnostic and no empty result arrow', () => {
  const text = [
    'scenario "unrun" {',
    '  kernel 6.6',
    '  a = mmap 4KiB rw private anon at 0x10_0000 fixed-noreplace',
    '  b = mmap 4KiB rw private anon at 0x10_0000 fixed-noreplace',
    '  write b, 4, 0x11',
    '}',
  ].join('\n');
  const out = formatTraceText(buildTrace('u.drvmap', text), { color: false, maps: 'none' });
  const lines = out.split('\n');
  const write = lines.findIndex((l) => l.includes('write b, 4, 0x11'));
  assert.ok(write > 0, out);
  assert.match(lines[write + 1] ?? '', /use-of-failed-result/);
  assert.ok(!lines.some((l) => /^\s*→\s*$/.test(l)), out);
  // A step with a result still shows it.
  assert.ok(
    lines.some((l) => /^\s*→ 0x10_0000$/.test(l)),
    out,
  );
});

test('trace: `expect diagnostic` shows whether the step before it had the diagnostic', () => {
  const text = [
    'scenario "faults" {',
    '  expect diagnostic access-fault',
    '  a = mmap 8KiB rw private anon',
    '  mprotect a + 4KiB, 4KiB, r',
    '  write a + 4KiB, 1, 0x1',
    '  expect diagnostic access-fault',
    '  write a, 1, 0x1',
    '  expect diagnostic access-fault',
    '}',
  ].join('\n');
  const s = buildTrace('d.drvmap', text).scenarios[0]!;
  assert.deepEqual(
    s.expectationsBeforeSteps.map((e) => e.passed),
    [false],
  );
  const verdicts = s.steps.flatMap((step) => step.expectations.map((e) => [e.line, e.passed, e.detail]));
  assert.deepEqual(verdicts, [
    [6, true, 'diagnostic access-fault on step 3'],
    [8, false, 'diagnostic access-fault on step 4'],
  ]);
  const printed = formatTraceText(buildTrace('d.drvmap', text), { color: false, maps: 'none' });
  assert.doesNotMatch(printed, /\[object Object\]|\? line/);
  assert.match(printed, /✓ line 6: expect diagnostic access-fault/);
  assert.match(printed, /✗ line 8: expect diagnostic access-fault/);
  assert.match(printed, /→ 1 byte written/);
});

test('trace --maps changed: each step lists only the mappings it added (+) and removed (-)', () => {
  const text = [
    'scenario "moves" {',
    '  a = mmap 8KiB rw private anon',
    '  b = mmap 4KiB rw private anon at 0x1000_0000',
    '  mprotect a, 4KiB, r',
    '  munmap b, 4KiB',
    '  read a, 1',
    '}',
  ].join('\n');
  const all = buildTrace('m.drvmap', text).scenarios[0]!.steps;
  const changed = buildTrace('m.drvmap', text, { maps: 'changed' }).scenarios[0]!.steps;
  const starts = (list: readonly { startPlain: string }[] | undefined) =>
    (list ?? []).map((m) => m.startPlain);
  // Step 1 adds a; step 2 adds b; step 3 splits a (one removed, two added); step 4 removes b;
  // step 5 changes nothing.
  assert.deepEqual(
    changed.map((s) => [starts(s.mappings).length, starts(s.removedMappings).length]),
    [
      [1, 0],
      [1, 0],
      [2, 1],
      [0, 1],
      [0, 0],
    ],
  );
  assert.deepEqual(starts(changed[1]?.mappings), ['10000000']);
  assert.deepEqual(starts(changed[3]?.removedMappings), ['10000000']);
  // Replaying the changes from nothing gives every step's full listing.
  let live: string[] = [];
  changed.forEach((step, i) => {
    const removed = new Set(step.removedMappings?.map((m) => formatMappingLine(m)));
    live = live.filter((line) => !removed.has(line)).concat(step.mappings.map((m) => formatMappingLine(m)));
    assert.deepEqual([...live].sort(), all[i]!.mappings.map((m) => formatMappingLine(m)).sort());
  });
  const printed = formatTraceText(buildTrace('m.drvmap', text, { maps: 'changed' }), {
    color: false,
    maps: 'changed',
  });
  assert.match(printed, /step 4 .*\n(.*\n)*? {2}- 10000000-10001000 rw-p/);
  assert.doesNotMatch(printed, /mappings \(/);
});

test('trace --maps changed never lists a mapping as both removed and added (on every example)', () => {
  const dir = join(__dirname, '..', '..', '..', '..', 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.drvmap'));
  assert.ok(files.length >= 10);
  let steps = 0;
  for (const f of files) {
    const trace = buildTrace(f, readFileSync(join(dir, f), 'utf8'), { maps: 'changed' });
    for (const s of trace.scenarios)
      for (const step of s.steps) {
        steps++;
        const removed = new Set((step.removedMappings ?? []).map((m) => formatMappingLine(m)));
        for (const m of step.mappings)
          assert.ok(!removed.has(formatMappingLine(m)), `${f} step ${step.step}`);
      }
  }
  assert.ok(steps > 100);
});

/** A scenario of `n` mmaps that stay mapped: `--maps all` lists n(n+1)/2 mappings. */
function manyMmaps(n: number): string {
  const lines = ['scenario "many" {'];
  for (let i = 0; i < n; i++) lines.push(`  a${i} = mmap 4KiB rw private anon`);
  lines.push('}');
  return lines.join('\n');
}

test('a --maps all trace past a million listed mappings is refused with the count; --maps changed is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  writeFileSync(join(dir, 'many.drvmap'), manyMmaps(1500));
  const all = memoryIo(dir);
  assert.equal(runCli(['trace', 'many.drvmap'], all), 2);
  assert.equal(all.stdout, '');
  assert.match(
    all.stderr,
    /^drvmap: many\.drvmap: the trace would list 1,125,750 mappings .*use --maps changed/,
  );
  const changed = memoryIo(dir);
  assert.equal(runCli(['trace', '--maps', 'changed', 'many.drvmap'], changed), 0);
  assert.match(changed.stdout, /step 1500 {2}line 1501 {2}a1499 = mmap 4KiB rw private anon/);
});

test('--maps changed and none read each step from the timeline: the same as comparing whole listings', () => {
  // A scenario whose steps split, merge, move and unmap mappings (what the walk must net out).
  const lines = ['scenario "churn" {'];
  for (let i = 0; i < 40; i++) {
    lines.push(`  a${i} = mmap 64KiB rw private anon`);
    if (i % 3 === 0) lines.push(`  mprotect a${i} + 0x4000, 4KiB, r`);
    if (i % 4 === 1) lines.push(`  b${i} = mremap a${i}, 64KiB, 128KiB, maymove`);
    if (i % 5 === 2) lines.push(`  munmap a${i} + 0x8000, 8KiB`);
    if (i % 7 === 3) lines.push(`  c${i} = mremap a${i}, 64KiB, 64KiB, maymove | dontunmap`);
  }
  lines.push('}');
  const text = lines.join('\n');
  const all = buildTrace('c.drvmap', text).scenarios[0]!;
  const changed = buildTrace('c.drvmap', text, { maps: 'changed' }).scenarios[0]!;
  const none = buildTrace('c.drvmap', text, { maps: 'none' }).scenarios[0]!;
  const key = (m: { start: string; end: string }) => `${m.start}-${m.end}`;
  let before = new Map(
    all.setupMappings.map((m) => [JSON.stringify({ ...m, mergedWithPrevious: undefined }), m]),
  );
  all.steps.forEach((step, i) => {
    const after = new Map(
      step.mappings.map((m) => [JSON.stringify({ ...m, mergedWithPrevious: undefined }), m]),
    );
    const added = [...after.keys()].filter((k) => !before.has(k)).map((k) => key(after.get(k)!));
    const removed = [...before.keys()].filter((k) => !after.has(k)).map((k) => key(before.get(k)!));
    assert.deepEqual(changed.steps[i]!.mappings.map(key), added, `step ${i + 1} added`);
    assert.deepEqual((changed.steps[i]!.removedMappings ?? []).map(key), removed, `step ${i + 1} removed`);
    assert.equal(changed.steps[i]!.kernelVmas, step.kernelVmas);
    assert.equal(none.steps[i]!.kernelVmas, step.kernelVmas);
    before = after;
  });
});

// Every ESC the text output holds is one of its own colours (SGR `ESC [ n m`); no BEL, no C1.
const SGR = new RegExp(String.raw`\x1b\[\d+m`, 'g');
const CONTROL = new RegExp(String.raw`[\x00-\x08\x0b-\x1f\x7f-\x9f]`, 'g');
const onlyOwnEscapes = (text: string) => assert.deepEqual(text.replace(SGR, '').match(CONTROL), null);

test('printable: control characters of user text are shown as \\xNN; tab, newline and other text are kept', () => {
  assert.equal(
    printable('A\u001b[31mRED\u001b]0;t\u0007\r\u009b2J'),
    'A\\x1b[31mRED\\x1b]0;t\\x07\\x0d\\x9b2J',
  );
  assert.equal(printable('a\tb\nc é ✓ 0x7fff_f000'), 'a\tb\nc é ✓ 0x7fff_f000');
  assert.equal(printable('\u007f\u0000'), '\\x7f\\x00');
  // Bidirectional controls and line separators are shown too: they reorder or break the line.
  assert.equal(printable('a\u202eb\u2066c\u2028d\u200f'), 'a\\u202eb\\u2066c\\u2028d\\u200f');
});

test('trace text: escapes in the scenario name, memfd name and step text never reach the terminal', () => {
  const hostile = `scenario "A\u001b[31mRED\u001b]0;pwned-title\u0007\u001b[2K" {
  f = open memfd "B\u001b[32mGREEN" 8KiB
  m = mmap 8KiB rw shared fd f
  x = mmap 8KiB rw private fd f at 0x1001 fixed
  expect reads m, 1 == 0
}
`;
  const trace = buildTrace('e\u001b[1m.drvmap', hostile);
  for (const color of [false, true]) {
    const text = formatTraceText(trace, { color, maps: 'all' });
    onlyOwnEscapes(text);
    assert.match(text, /scenario 1 "A\\x1b\[31mRED\\x1b\]0;pwned-title\\x07\\x1b\[2K"/);
    assert.match(text, /memfd_create\("B\\x1b\[32mGREEN"\)/);
    assert.match(text, /\/memfd:B\\x1b\[32mGREEN \(deleted\)/);
  }
  // Errors quote the scenario the user asked for.
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  writeFileSync(join(dir, 'a.drvmap'), hostile);
  const io = memoryIo(dir);
  assert.equal(runCli(['trace', 'a.drvmap', '--scenario', 'n\u001b]0;t\u0007'], io), 2);
  onlyOwnEscapes(io.stderr);
  assert.match(io.stderr, /no scenario is called "n\\x1b\]0;t\\x07"; the scenarios are: "A\\x1b/);
});

test('trace: a userfaultfd fault an `expect` line caused is listed with that expectation, not as the step above it', () => {
  const text = `scenario "uffd" {
  kernel 6.6
  a = mmap 8KiB rw private anon
  write a, 8KiB, 0xAB
  b = mremap a, 8KiB, 8KiB, maymove | dontunmap
  uffd a, 8KiB copy-from b
  expect read a, 1 == 0xAB
  write b, 1, 0xCD
  expect read a + 4KiB, 1 == 0xAB
}
`;
  const steps = buildTrace('u.drvmap', text).scenarios[0]!.steps;
  const [, , , register, write] = steps;
  for (const step of [register, write])
    assert.ok(!step!.calls.some((c) => /userfaultfd: /.test(c.text)), `step ${step!.step} made no fault`);
  assert.equal(register!.expectations[0]?.line, 7);
  assert.match(register!.expectations[0]?.calls[0]?.text ?? '', /1 fault\(s\) on missing page\(s\)/);
  assert.equal(write!.expectations[0]?.line, 9);
  assert.match(write!.expectations[0]?.calls[0]?.result ?? '', /2 fault\(s\) serviced so far/);
  // Text: the fault is indented under its expectation, after the step's result.
  const out = formatTraceText(buildTrace('u.drvmap', text), { color: false, maps: 'none' });
  assert.match(
    out,
    /→ 1 byte written\n.*\n {2}✓ line 9: [^\n]*\n {6}host \(uffd handler\) userfaultfd: 1 fault/,
  );
});

test('trace: a diagnostic on a setting line is shown before step 1, and a language error there makes trace exit 1', () => {
  const scenario = (kernel: string) => `scenario "w" {
  kernel ${kernel}
  a = mmap 2MiB rw shared anon
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
}
`;
  // `kernel v5.10` is not read: the default kernel runs, and the error says why.
  const tagged = buildTrace('w.drvmap', scenario('v5.10')).scenarios[0]!;
  assert.equal(tagged.kernel, '6.18');
  assert.deepEqual(
    tagged.diagnostics.map((d) => [d.code, d.severity, d.line]),
    [['syntax-error', 'error', 2]],
  );
  assert.equal(tagged.languageErrors, 1);
  const text = formatTraceText(buildTrace('w.drvmap', scenario('v5.10')), { color: false, maps: 'none' });
  assert.match(
    text,
    /^scenario 1 "w" {2}line 1; kernel 6\.18; [^\n]*\n {2}error \[syntax-error\] line 2: write the version without the `v`/,
  );
  const missing = buildTrace('w.drvmap', scenario('5.25')).scenarios[0]!;
  assert.deepEqual(
    missing.diagnostics.map((d) => d.code),
    ['number-out-of-range'],
  );
  // 7.2: a note, not an error; the header says which rules run.
  const later = buildTrace('w.drvmap', scenario('7.2')).scenarios[0]!;
  assert.equal(later.kernel, '7.2');
  assert.equal(later.rulesKernel, '6.19');
  assert.deepEqual(
    later.diagnostics.map((d) => d.code),
    ['kernel-unmodelled'],
  );
  assert.equal(later.languageErrors, 0);
  assert.match(
    formatTraceText(buildTrace('w.drvmap', scenario('7.2')), { color: false, maps: 'none' }),
    /kernel 7\.2 \(simulated as 6\.19\);/,
  );
  // Exit codes: 1 with an error of the language (on stderr too), 0 with only the note.
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  writeFileSync(join(dir, 'tagged.drvmap'), scenario('v5.10'));
  writeFileSync(join(dir, 'later.drvmap'), scenario('7.2'));
  const io = memoryIo(dir);
  assert.equal(runCli(['trace', 'tagged.drvmap', '--format', 'json'], io), 1);
  assert.match(io.stderr, /scenario 1 "w" has 1 language error: it was traced, but not as written/);
  assert.equal(runCli(['trace', 'later.drvmap'], memoryIo(dir)), 0);
  // A failed expectation stays its ✓/✗ line, not a diagnostic before step 1.
  const failed = buildTrace(
    'f.drvmap',
    CLEAN.replace('expect read a, 1 == 0x00', 'expect read a, 1 == 0x01'),
  );
  assert.deepEqual(failed.scenarios[0]!.diagnostics, []);
});

test('trace on arm64: MAP_32BIT is printed as the number strace there prints, said to be ignored; the header gives the page size', () => {
  const text = `scenario "asahi" {
  kernel 6.6
  page-size 16KiB
  raw = mmap 16KiB rw private anon 32bit
}
`;
  const s = buildTrace('a.drvmap', text).scenarios[0]!;
  assert.equal(s.pageSize, '16384');
  const call = s.steps[0]!.calls[0]!.text;
  assert.match(
    call,
    /MAP_PRIVATE\|MAP_ANONYMOUS\|0x40 \/\* MAP_32BIT \(0x40\): x86 only, ignored on arm64 \*\//,
  );
  assert.doesNotMatch(call, /\|MAP_32BIT/);
  assert.match(
    formatTraceText(buildTrace('a.drvmap', text), { color: false, maps: 'none' }),
    /; kernel 6\.6 arm64, 16 KiB pages; /,
  );
  // x86-64 keeps the name, and its header stays as it was.
  const x86 = buildTrace('x.drvmap', text.replace('  page-size 16KiB\n', '')).scenarios[0]!;
  assert.match(x86.steps[0]!.calls[0]!.text, /MAP_PRIVATE\|MAP_ANONYMOUS\|MAP_32BIT, /);
  assert.match(
    formatTraceText(buildTrace('x.drvmap', text.replace('  page-size 16KiB\n', '')), {
      color: false,
      maps: 'none',
    }),
    /; kernel 6\.6; window/,
  );
});

test('trace: the set-up before step 1 lists its calls (a strategy hook, internal pools), in text and JSON', () => {
  const text = `scenario "box64" {
  driver gpu {
    preset radv
  }
  strategy mmap32
  mem = vkAllocateMemory 16MiB host-visible coherent
}
`;
  const trace = buildTrace('b.drvmap', text);
  const calls = trace.scenarios[0]!.setupCalls;
  assert.ok(
    calls.some((c) => c.actor === 'box64' && /BOX64_MMAP32/.test(c.text)),
    JSON.stringify(calls),
  );
  assert.ok(
    calls.some((c) => c.actor === 'gpu' && /MAP_32BIT/.test(c.text)),
    JSON.stringify(calls),
  );
  const out = formatTraceText(trace, { color: false, maps: 'none' });
  // box64's start-up reservation for Wine comes first, its three mmaps after the summary line
  // (box64 src/tools/wine_tools.c, src/core.c).
  assert.match(
    out,
    /^set-up {2}before step 1.*\n {2}box64 +wine_prereserve: .*(?:\n {2}box64 +mmap\(.*PROT_NONE.*){3}\n {2}box64 +BOX64_MMAP32/m,
  );
  assert.ok(JSON.stringify(traceJson(trace)).includes('"setupCalls":[{"actor":"box64"'));
});

test('trace: a dontneed over shared and private memory gives only the private pages as dropped, the shared ones as kept', () => {
  const result = (body: string) =>
    buildTrace('d.drvmap', `scenario "d" {\n${body}\n}\n`).scenarios[0]!.steps.at(-1)?.result;
  assert.equal(
    result(
      '  b = mmap 4KiB rw shared anon at 0x1000_1000 fixed\n  c = mmap 4KiB rw private anon at 0x1000_2000 fixed\n  madvise b, 8KiB, dontneed',
    ),
    'ok; private pages 0x1000_2000..0x1000_3000 dropped (they read zero again); shared ones (0x1000_1000..0x1000_2000) kept',
  );
  assert.equal(
    result(
      '  a = mmap 4KiB rw private anon at 0x1000_0000 fixed\n  b = mmap 4KiB rw shared anon at 0x1000_1000 fixed\n  c = mmap 4KiB rw private anon at 0x1000_2000 fixed\n  madvise a, 12KiB, dontneed',
    ),
    'ok; private pages 0x1000_0000..0x1000_1000, 0x1000_2000..0x1000_3000 dropped (they read zero again); shared ones (0x1000_1000..0x1000_2000) kept',
  );
});

test('trace: a dontneed that fails with ENOMEM after a hole still says which pages it dropped', () => {
  const text = `scenario "hole" {
  a = mmap 4KiB rw private anon at 0x1000_0000 fixed
  b = mmap 4KiB rw private anon at 0x1000_2000 fixed
  madvise a, 12KiB, dontneed
}
`;
  const result = buildTrace('h.drvmap', text).scenarios[0]!.steps.at(-1)?.result ?? '';
  assert.match(result, /^ENOMEM/);
  assert.ok(
    result.endsWith(
      '; private pages 0x1000_0000..0x1000_1000, 0x1000_2000..0x1000_3000 dropped (they read zero again)',
    ),
    result,
  );
});

test('trace --format json: a read of several byte runs gives its segments as hex strings (it threw on their bigints)', () => {
  const text = 'scenario "r" {\n  a = mmap 4KiB rw private anon\n  write a + 0x10, 4, 0x1\n  read a, 32\n}\n';
  const json = JSON.parse(formatTraceJson(buildTrace('r.drvmap', text)));
  assert.deepEqual(json.scenarios[0].steps[2].outcome.segments, [
    { offset: '0x0', length: '0x10', datum: 0 },
    { offset: '0x10', length: '0x4', datum: 1 },
    { offset: '0x14', length: '0xc', datum: 0 },
  ]);
});

test('trace --format json works on every example and every docs example', () => {
  const dir = join(__dirname, '..', '..', '..', '..', 'examples');
  const texts = [
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.drvmap'))
      .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') })),
    ...['docs/language.md', 'docs/rules.md'].flatMap((file) =>
      examplesOf(file).map((e) => ({ name: `${file}:${e.line}`, text: e.text })),
    ),
  ];
  assert.ok(texts.length > 100);
  for (const { name, text } of texts)
    assert.doesNotThrow(() => JSON.parse(formatTraceJson(buildTrace(name, text, { maps: 'changed' }))), name);
});

test('trace: an error the parser or the document finds in a scenario (syntax, a number out of range, an unclosed scenario, a duplicate name) makes trace exit 1, listed under the header', () => {
  const cases: [string, string, string][] = [
    ['syntax.drvmap', 'scenario "x" {\n  a = mmap 2MiB rw private anon )\n}\n', 'syntax-error'],
    [
      'range.drvmap',
      'scenario "x" {\n  a = mmap 99999999999999999999999TiB rw private anon\n}\n',
      'number-out-of-range',
    ],
    ['unclosed.drvmap', 'scenario "x" {\n  a = mmap 2MiB rw private anon\n', 'syntax-error'],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  for (const [name, text, code] of cases) {
    const s = buildTrace(name, text).scenarios[0]!;
    assert.equal(s.languageErrors, 1, name);
    const all = [...s.diagnostics, ...s.steps.flatMap((step) => step.diagnostics)];
    assert.deepEqual(
      all.map((d) => [d.code, d.severity]),
      [[code, 'error']],
      name,
    );
    writeFileSync(join(dir, name), text);
    const io = memoryIo(dir);
    assert.equal(runCli(['trace', name], io), 1, name);
    assert.match(io.stderr, /scenario 1 "x" has 1 language error: it was traced, but not as written/, name);
    const json = memoryIo(dir);
    assert.equal(runCli(['trace', '--format', 'json', name], json), 1, name);
    assert.equal(
      (JSON.parse(json.stdout) as { scenarios: { languageErrors: number }[] }).scenarios[0]?.languageErrors,
      1,
    );
  }
  // The unclosed scenario's error is on its first line: under the header.
  const unclosed = buildTrace('u.drvmap', cases[2]![1]).scenarios[0]!;
  assert.deepEqual(
    unclosed.diagnostics.map((d) => [d.code, d.line, d.column]),
    [['syntax-error', 1, 1]],
  );
  // An error outside every scenario is no traced scenario's.
  const outside = buildTrace('o.drvmap', `${cases[0]![1].replace(' )', '')})\n`).scenarios[0]!;
  assert.equal(outside.languageErrors, 0);
});

test('trace: an error outside every scenario (a mistyped scenario line, a stray line) is named on stderr, in JSON, and exits 1; not with --scenario', () => {
  const typo =
    'scenario "a" {\n  a = mmap 4KiB rw private anon\n}\nscenaro "b" {\n  b = mmap 4KiB rw private anon\n}\n';
  const stray =
    'scenario "a" {\n  a = mmap 4KiB rw private anon\n}\nbogus line here\nscenario "b" {\n  b = mmap 4KiB rw private anon\n}\n';
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  for (const [name, text, line] of [
    ['typo.drvmap', typo, 4],
    ['stray.drvmap', stray, 4],
  ] as const) {
    writeFileSync(join(dir, name), text);
    const trace = buildTrace(name, text);
    assert.ok(trace.outsideScenarios.length > 0, name);
    assert.equal(trace.outsideScenarios[0]!.line, line, name);
    assert.ok(
      trace.scenarios.every((s) => s.languageErrors === 0),
      name,
    );
    const io = memoryIo(dir);
    assert.equal(runCli(['trace', '--no-maps', name], io), 1, name);
    assert.match(
      io.stderr,
      new RegExp(
        `^drvmap: ${name}:${line}:1: error \\[syntax-error\\] .*\\(outside every scenario: a scenario may be missing from the trace\\)$`,
        'm',
      ),
      name,
    );
    const json = memoryIo(dir);
    assert.equal(runCli(['trace', '--format', 'json', name], json), 1, name);
    const out = JSON.parse(json.stdout) as { outsideScenarios: { code: string; line: number }[] };
    assert.equal(out.outsideScenarios[0]?.line, line, name);
    // The scenario asked for is traced whole, whatever lies outside it.
    const one = memoryIo(dir);
    assert.equal(runCli(['trace', '--scenario', '1', name], one), 0, name);
    assert.equal(one.stderr, '', name);
  }
  // A clean file has none.
  assert.deepEqual(
    buildTrace('c.drvmap', 'scenario "a" {\n  a = mmap 4KiB rw private anon\n}\n').outsideScenarios,
    [],
  );
});

test('trace: a file whose one scenario line is mistyped names the error at FILE:LINE:COL and exits 2; JSON still prints its document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  for (const header of ['scenaro "b" {', 'Scenario "a" {']) {
    writeFileSync(join(dir, 'typo.drvmap'), `${header}\n  a = mmap 4KiB rw private anon\n}\n`);
    const io = memoryIo(dir);
    assert.equal(runCli(['trace', 'typo.drvmap'], io), 2, header);
    assert.equal(io.stdout, '', header);
    assert.match(
      io.stderr,
      // The parser reads each line after the mistyped one as a stray line: `check` lists them too.
      /^drvmap: typo\.drvmap:1:1: error \[syntax-error\] expected `scenario "name" \{`, found `\w+` \(outside every scenario: a scenario may be missing from the trace\)\n(.*\n)*drvmap: typo\.drvmap has no scenario \(the errors above may have hidden one\)\n$/,
      header,
    );
    const json = memoryIo(dir);
    assert.equal(runCli(['trace', '--format', 'json', 'typo.drvmap'], json), 2, header);
    const out = JSON.parse(json.stdout) as {
      scenarios: unknown[];
      outsideScenarios: { code: string; line: number; column: number }[];
    };
    assert.deepEqual(out.scenarios, [], header);
    assert.deepEqual(
      out.outsideScenarios.map((d) => [d.code, d.line, d.column]),
      [
        ['syntax-error', 1, 1],
        ['syntax-error', 2, 3],
        ['syntax-error', 3, 1],
      ],
      header,
    );
  }
  // A file with nothing in it says only that.
  const empty = memoryIo(dir, { stdin: '# nothing yet\n' });
  assert.equal(runCli(['trace', '-'], empty), 2);
  assert.equal(empty.stderr, 'drvmap: <stdin> has no scenario\n');
});

test('trace: the `drvmap check` it suggests for language errors can be pasted: a path quoted for the shell, `-` for standard input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  const text = 'scenario "r" {\n  kernel v5.10\n  r = mmap 4KiB rw private anon\n}\n';
  const hint = (args: string[], stdin?: string) => {
    const io = memoryIo(dir, stdin === undefined ? {} : { stdin });
    assert.equal(runCli(['trace', '--no-maps', ...args], io), 1, args.join(' '));
    return /\((drvmap check .*) lists them\)$/m.exec(io.stderr)?.[1];
  };
  for (const [name, command] of [
    ['plain.drvmap', 'drvmap check plain.drvmap'],
    ['my file.drvmap', "drvmap check 'my file.drvmap'"],
    ["it's $HOME.drvmap", "drvmap check 'it'\\''s $HOME.drvmap'"],
    ['-dash.drvmap', 'drvmap check -- -dash.drvmap'],
  ] as const) {
    writeFileSync(join(dir, name), text);
    assert.equal(hint(['--', name]), command, name);
  }
  assert.equal(hint(['-'], text), 'drvmap check -');
});

test('trace: an error right after a closing `}` is outside the scenario, as once formatted; a missing `}` at the end is inside', () => {
  for (const glued of ['}*', '} *']) {
    const trace = buildTrace('g.drvmap', `scenario "s" {\n  a = mmap 4KiB rw private anon\n${glued}\n`);
    assert.equal(trace.scenarios[0]!.languageErrors, 0, glued);
    assert.deepEqual(
      trace.outsideScenarios.map((d) => [d.code, d.line]),
      [['syntax-error', 3]],
      glued,
    );
  }
  const unclosed = buildTrace('u.drvmap', 'scenario "s" {\n  a = mmap 4KiB rw private anon\n');
  assert.deepEqual(unclosed.outsideScenarios, []);
  assert.equal(unclosed.scenarios[0]!.languageErrors, 1);
});

test('trace: two scenarios of one name: the second has the duplicate-name error, and --scenario NAME is refused as ambiguous', () => {
  const text =
    'scenario "x" {\n  a = mmap 2MiB rw private anon\n}\nscenario "x" {\n  b = mmap 4KiB rw private anon\n}\n';
  const trace = buildTrace('d.drvmap', text);
  assert.deepEqual(
    trace.scenarios.map((s) => s.languageErrors),
    [0, 1],
  );
  assert.deepEqual(
    trace.scenarios[1]!.diagnostics.map((d) => [d.code, d.line]),
    [['duplicate-name', 4]],
  );
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-trace-'));
  writeFileSync(join(dir, 'd.drvmap'), text);
  const io = memoryIo(dir);
  assert.equal(runCli(['trace', 'd.drvmap'], io), 1);
  assert.match(io.stderr, /scenario 2 "x" has 1 language error/);
  const named = memoryIo(dir);
  assert.equal(runCli(['trace', '--scenario', 'x', 'd.drvmap'], named), 2);
  assert.equal(named.stdout, '');
  assert.match(
    named.stderr,
    /2 scenarios are called "x" \(1 and 2\): give its number, --scenario 1 or --scenario 2/,
  );
  // By number, each is reachable.
  const first = memoryIo(dir);
  assert.equal(runCli(['trace', '--scenario', '1', 'd.drvmap'], first), 0);
  assert.match(first.stdout, /^scenario 1 "x"/);
  assert.doesNotMatch(first.stdout, /scenario 2/);
});
