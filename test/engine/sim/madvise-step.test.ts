// The `madvise ADDRESS, LENGTH, ADVICE` step (G4: `madvise a, 64KiB, dontfork` was `unknown
// command`): it runs madvise(2) on the simulated kernel, its trace line is strace's, completion
// offers the advice words and hover explains them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { completionsAt } from '../../../server/src/engine/features/completion';
import { at, expectHover } from '../features/fixture';

const scenario = (body: string) => analyseDocument(`scenario "s" {\n${body}}\n`);

test('madvise dontfork splits the mapping; the call reads as strace prints it', () => {
  const analysis = scenario('  a = mmap 64KiB rw private anon\n  madvise a + 16KiB, 16KiB, dontfork\n');
  assert.deepEqual(analysis.diagnostics, []);
  const record = analysis.scenarios[0]!.run.simulation.records[1]!;
  assert.match(record.calls[0]!.text, /^madvise\(0x[0-9a-f_]+, 0x4000, MADV_DONTFORK\)$/);
  assert.equal(record.calls[0]!.result, '= 0');
  assert.equal(analysis.scenarios[0]!.run.simulation.space.kernelView().length, 3);
});

test('madvise dontneed: private anonymous memory reads zero again; a hole is kernel-refused ENOMEM', () => {
  const clean = scenario(
    '  a = mmap 8KiB rw private anon\n  write a, 8KiB, 0xAB\n  madvise a, 4KiB, dontneed\n  expect read a, 1 == 0x00\n  expect read a + 4KiB, 1 == 0xAB\n',
  );
  assert.deepEqual(clean.diagnostics, []);
  const hole = scenario('  a = mmap 8KiB rw private anon\n  madvise a, 64KiB, dontneed\n');
  assert.deepEqual(
    hole.diagnostics.map((d) => d.code),
    ['kernel-refused'],
  );
  assert.match(hole.diagnostics[0]!.message, /fails with ENOMEM: .*madvise_walk_vmas skips holes/);
});

test('madvise without an advice is a missing argument, not a call', () => {
  const analysis = scenario('  a = mmap 8KiB rw private anon\n  madvise a, 4KiB\n');
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['missing-argument'],
  );
  assert.equal(analysis.scenarios[0]!.run.simulation.records[1]!.calls.length, 0);
});

test('guard regions (MADV_GUARD_INSTALL/REMOVE, Linux 6.13) are one kernel-unmodelled note at the advice, by number or name; the step is not run', () => {
  const body = (advice: string) =>
    `  kernel 6.13\n  a = mmap 16KiB rw private anon at 0x1000_0000 fixed\n  g = madvise a, 4KiB, ${advice}\n  write a, 4KiB, 0x11\n`;
  for (const [advice, name] of [
    ['102', 'MADV_GUARD_INSTALL'],
    ['0x66', 'MADV_GUARD_INSTALL'],
    ['MADV_GUARD_INSTALL', 'MADV_GUARD_INSTALL'],
    ['guard-install', 'MADV_GUARD_INSTALL'],
    ['103', 'MADV_GUARD_REMOVE'],
    ['guard-remove', 'MADV_GUARD_REMOVE'],
  ] as const) {
    const text = `scenario "s" {\n${body(advice)}}\n`;
    const analysis = analyseDocument(text);
    assert.deepEqual(
      analysis.diagnostics.map((d) => d.code),
      ['kernel-unmodelled'],
      advice,
    );
    const note = analysis.diagnostics[0]!;
    assert.equal(text.slice(note.range.start, note.range.end), advice, 'at the advice');
    assert.match(note.message, new RegExp(name));
    assert.match(note.message, /not model/);
    if (name === 'MADV_GUARD_INSTALL') assert.match(note.message, /zaps the range's pages/);
    assert.equal(analysis.scenarios[0]!.run.simulation.records[1]!.calls.length, 0, 'no call is made');
  }
});

test('any other numeric advice the kernel has is named; a modelled one asks for its word', () => {
  const one = (advice: string) => scenario(`  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, ${advice}\n`);
  const pageout = one('21');
  assert.deepEqual(
    pageout.diagnostics.map((d) => d.code),
    ['kernel-unmodelled'],
  );
  assert.match(pageout.diagnostics[0]!.message, /^`21` is MADV_PAGEOUT, an advice drvmap does not model/);
  assert.match(pageout.diagnostics[0]!.message, /Linux 6\.18 has it/);
  const dontneed = one('4');
  assert.deepEqual(
    dontneed.diagnostics.map((d) => d.code),
    ['syntax-error'],
  );
  assert.match(dontneed.diagnostics[0]!.message, /`4` is MADV_DONTNEED, written `dontneed`/);
  // A name the scenario binds is a value, not an advice: still the extra value it was.
  const bound = scenario(
    '  a = mmap 8KiB rw private anon\n  pageout = mmap 4KiB r private anon\n  madvise a, 4KiB, dontneed, pageout\n',
  );
  assert.deepEqual(
    bound.diagnostics.map((d) => d.code),
    ['syntax-error'],
  );
});

// Review recheck, finding 4: an advice the scenario's kernel does not have is no guess, so the
// step runs and madvise_behavior_valid's EINVAL is its value.
test('guard-install before Linux 6.13 runs and is EINVAL; from 6.13 it is the kernel-unmodelled note naming the kernel', () => {
  const text = (kernel: string) =>
    `scenario "s" {\n  kernel ${kernel}\n  a = mmap 16KiB rw private anon\n  g = madvise a, 4KiB, guard-install\n  expect g == EINVAL\n}\n`;
  for (const kernel of ['6.1', '6.12']) {
    const old = analyseDocument(text(kernel));
    assert.deepEqual(old.diagnostics, [], kernel);
    const call = old.scenarios[0]!.run.simulation.records[1]!.calls[0]!;
    assert.match(call.text, /^madvise\(0x[0-9a-f_]+, 0x1000, MADV_GUARD_INSTALL\)$/);
    assert.equal(call.result, '= -1 EINVAL');
  }
  // Without the expectation the refusal is reported as any refused call is, with why.
  const refused = analyseDocument(text('6.12').replace('  expect g == EINVAL\n', ''));
  assert.deepEqual(
    refused.diagnostics.map((d) => d.code),
    ['kernel-refused'],
  );
  assert.match(refused.diagnostics[0]!.message, /MADV_GUARD_INSTALL exists from Linux 6\.13/);
  for (const kernel of ['6.13', '6.15']) {
    const newer = analyseDocument(text(kernel).replace('  expect g == EINVAL\n', ''));
    assert.deepEqual(
      newer.diagnostics.map((d) => d.code),
      ['kernel-unmodelled'],
      kernel,
    );
    assert.match(newer.diagnostics[0]!.message, new RegExp(`Linux ${kernel.replace('.', '\\.')} has it`));
    assert.doesNotMatch(newer.diagnostics[0]!.message, /6\.18/);
    assert.equal(newer.scenarios[0]!.run.simulation.records[1]!.calls.length, 0, 'not run');
  }
});

test('a number no kernel has as advice (999) runs and is EINVAL; later advice on an older kernel too (MADV_PAGEOUT on 5.3)', () => {
  const none = scenario(
    '  a = mmap 8KiB rw private anon\n  g = madvise a, 4KiB, 999\n  expect g == EINVAL\n',
  );
  assert.deepEqual(none.diagnostics, []);
  const call = none.scenarios[0]!.run.simulation.records[1]!.calls[0]!;
  assert.match(call.text, /, 999\)$/);
  assert.equal(call.result, '= -1 EINVAL');
  const old = scenario(
    '  kernel 5.3\n  a = mmap 8KiB rw private anon\n  g = madvise a, 4KiB, 21\n  expect g == EINVAL\n',
  );
  assert.deepEqual(old.diagnostics, []);
  const newer = scenario('  kernel 5.4\n  a = mmap 8KiB rw private anon\n  g = madvise a, 4KiB, 21\n');
  assert.deepEqual(
    newer.diagnostics.map((d) => d.code),
    ['kernel-unmodelled'],
  );
  assert.match(newer.diagnostics[0]!.message, /MADV_PAGEOUT.*Linux 5\.4 has it/);
});

test('completion offers the advice words after madvise; hover explains one', () => {
  const c = at('scenario "s" {\n  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, ⟨|⟩\n}\n');
  const labels = completionsAt(c.analysis, c.offset).map((i) => i.label);
  for (const word of ['dontneed', 'free', 'dontfork', 'dofork', 'wipeonfork', 'keeponfork'])
    assert.ok(labels.includes(word), `missing ${word} in ${labels.join(', ')}`);
  assert.ok(!labels.includes('rw'), 'no protection words');
  expectHover(
    'scenario "s" {\n  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, wipe⟨|⟩onfork\n}\n',
    'MADV_WIPEONFORK',
    '4.14',
  );
  expectHover(
    'scenario "s" {\n  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, fr⟨|⟩ee\n}\n',
    'MADV_FREE (Linux 4.5+)',
    'lazy-freed-read',
  );
});

test('a misspelt advice is one unknown-word, not also "needs an advice"', () => {
  const misspelt = scenario('  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, dontned\n');
  assert.deepEqual(
    misspelt.diagnostics.map((d) => d.code),
    ['unknown-word'],
  );
  assert.match(misspelt.diagnostics[0]!.message, /did you mean `dontneed`/);
  const cName = scenario('  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, MADV_FREE\n');
  assert.match(cName.diagnostics[0]!.message, /drvmap writes `MADV_FREE` as `free`/);
  const prot = scenario('  a = mmap 8KiB rw private anon\n  mprotect a, 4KiB, rwq\n');
  assert.deepEqual(
    prot.diagnostics.map((d) => d.code),
    ['unknown-word'],
  );
});

const FREED = '  a = mmap 8KiB rw private anon\n  write a, 8KiB, 0xAB\n  madvise a, 8KiB, free\n';

test('madvise free: a read returns the old data and warns that reclaim may zero it, naming the madvise', () => {
  const text = `scenario "s" {\n${FREED}  read a, 16\n  expect read a + 4KiB, 1 == 0xAB\n}\n`;
  const analysis = analyseDocument(text);
  const record = analysis.scenarios[0]!.run.simulation.records[2]!;
  assert.match(record.calls[0]!.text, /^madvise\(0x[0-9a-f_]+, 0x2000, MADV_FREE\)$/);
  assert.equal(record.calls[0]!.result, '= 0');
  assert.deepEqual(
    analysis.diagnostics.map((d) => [d.code, d.severity, text.slice(d.range.start, d.range.end)]),
    [
      ['lazy-freed-read', 'warning', 'read a, 16'],
      ['lazy-freed-read', 'warning', 'a + 4KiB'],
    ],
  );
  const [read] = analysis.diagnostics;
  assert.match(
    read!.message,
    /^host reads 0x[0-9a-f_]+, on a page step 3's madvise\(MADV_FREE\) freed lazily/,
  );
  assert.match(read!.message, /may reclaim it at any time .* the read returns zero\./);
  const related = read!.related[0]!.range;
  assert.equal(text.slice(related.start, related.end), 'madvise a, 8KiB, free', 'points at the madvise step');
});

test('madvise free: a write keeps its page (no warning there) while the page next to it still warns', () => {
  const written = scenario(`${FREED}  write a, 1, 0x01\n  read a + 1, 16\n`);
  assert.deepEqual(written.diagnostics, []);
  const neighbour = scenario(`${FREED}  write a, 1, 0x01\n  read a + 4KiB, 16\n`);
  assert.deepEqual(
    neighbour.diagnostics.map((d) => d.code),
    ['lazy-freed-read'],
  );
  const both = scenario(`${FREED}  write a, 1, 0x01\n  read a, 8KiB\n`);
  assert.equal(both.diagnostics.length, 1);
  assert.doesNotMatch(both.diagnostics[0]!.message, /such pages/, 'only the unwritten page counts');
});

test('madvise free then dontneed: zero for certain, no warning; a never-written page draws none', () => {
  const dropped = scenario(`${FREED}  madvise a, 8KiB, dontneed\n  expect read a, 8KiB == 0x00\n`);
  assert.deepEqual(dropped.diagnostics, []);
  const empty = scenario(
    '  a = mmap 8KiB rw private anon\n  madvise a, 8KiB, free\n  expect read a, 8KiB == 0x00\n',
  );
  assert.deepEqual(empty.diagnostics, []);
});

test('madvise free before Linux 4.5 is kernel-refused; before 4.12 the warning names swapless systems', () => {
  const old = scenario(`  kernel 4.4\n${FREED}`);
  assert.deepEqual(
    old.diagnostics.map((d) => d.code),
    ['kernel-refused'],
  );
  assert.match(old.diagnostics[0]!.message, /MADV_FREE exists from Linux 4\.5/);
  const swapless = scenario(`  kernel 4.9\n${FREED}  read a, 1\n`);
  assert.match(
    swapless.diagnostics[0]!.message,
    /before Linux 4\.12, a system without swap frees MADV_FREE pages at once/,
  );
  const shared = scenario('  a = mmap 8KiB rw shared anon\n  madvise a, 8KiB, free\n');
  assert.match(shared.diagnostics[0]!.message, /EINVAL: .*only private anonymous memory/);
});

test('madvise free by a driver: its own reads of the memory object warn, in steps and expectations (lavapipe: the device too)', () => {
  const text = `scenario "s" {
  driver lvp {
    preset lavapipe
    backing anon
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  w = lvp writes mem, 16
  madvise mem, 64KiB, free by lvp
  x = lvp reads mem, 16
  device reads mem, 16
  expect lvp reads mem, 16 == w
  expect device reads mem + 8, 8 == w
  lvp reads mem + 0x1000, 16
}
`;
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)]),
    [
      ['lazy-freed-read', 'x = lvp reads mem, 16'],
      ['lazy-freed-read', 'device reads mem, 16'],
      ['lazy-freed-read', 'mem'],
      ['lazy-freed-read', 'mem + 8'],
    ],
    'the page never written (mem + 0x1000) was not freed lazily: no warning there',
  );
  assert.match(
    analysis.diagnostics[0]!.message,
    /^lvp reads 0x[0-9a-f_]+, on a page step 3's madvise\(MADV_FREE\)/,
  );
  // The driver writing its memory again keeps the page: its read then is certain.
  const rewritten = analyseDocument(
    text
      .replace(
        '  x = lvp reads mem, 16\n  device reads mem, 16\n',
        '  lvp writes mem, 16\n  x = lvp reads mem, 16\n',
      )
      .replaceAll('== w', '!= zero'),
  );
  assert.deepEqual(rewritten.diagnostics, []);
});

test('madvise free: a userfaultfd handler copying from a lazily freed page warns where the copy is made', () => {
  const text = `scenario "s" {
  a = mmap 8KiB rw private anon
  write a, 8KiB, 0xAB
  b = mremap a, 8KiB, 8KiB, maymove | dontunmap
  madvise b, 8KiB, free
  uffd a, 8KiB copy-from b
  expect read a, 1 == 0xAB
  read a, 8KiB
}
`;
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)]),
    [
      ['lazy-freed-read', 'expect read a, 1 == 0xAB'],
      ['lazy-freed-read', 'read a, 8KiB'],
    ],
  );
  const [expectation, step] = analysis.diagnostics;
  assert.match(
    expectation!.message,
    /^the userfaultfd handler's UFFDIO_COPY \(registered at step 5\) reads 0x[0-9a-f_]+, on a page step 4's madvise\(MADV_FREE\) freed lazily.*so the copy made at 0x[0-9a-f_]+ may be zero/,
  );
  assert.doesNotMatch(expectation!.message, /such pages/);
  assert.match(step!.message, /reads 0x[0-9a-f_]+, on a page .*freed lazily/);
  // A write to the source before the fault keeps its page: the copy is certain.
  const kept = analyseDocument(text.replace('  uffd a', '  write b, 8KiB, 0xAB\n  uffd a'));
  assert.deepEqual(kept.diagnostics, []);
});
