// The scenario → harness program conversion and the comparison of the harness's output with the
// simulation (pure), then — where the machine allows — the same program on the real kernel
// through the extension's harness module (src/harness.ts, native/harness.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { syscallProgram, type HarnessStep } from '../../../server/src/engine/export/syscall-program';
import { compareKernelRun, parseHarnessOutput } from '../../../server/src/engine/export/kernel-compare';
import { formatHex } from '../../../server/src/engine/numbers';
import type { Step } from '../../fidelity/program';
import { kernelUnavailable } from '../../fidelity/env';
import { compileHarness, encodeHarnessInput, probeArenaBase, runHarness } from '../../../src/harness';

const ARENA = 0x7e00_0000_0000n;

function scenario(body: string) {
  const text = `scenario "s" {\n${body}}\n`;
  const analysis = analyseDocument(text);
  const s = analysis.scenarios[0]!;
  const steps = s.run.simulation.records.map((r) => ({
    stepIndex: r.index,
    start: r.node.start,
    end: r.node.end,
    text: r.node.text,
  }));
  return { run: s.run, steps };
}

const DONTUNMAP = `  kernel 6.6
  a = mmap 2MiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  read b + 0x1000, 4KiB
  c = mmap 4KiB r private anon fixed at 0x2000_0000
  munmap b, 2MiB
`;

test('raw syscalls become a harness program: references for names, arena-relative numbers', () => {
  const { run } = scenario(DONTUNMAP);
  const program = syscallProgram(run, ARENA);
  assert.equal(program.stoppedAt, undefined);
  // Structurally the differential tests' Step (test/fidelity/program.ts).
  const steps: readonly Step[] = program.steps.map((s) => s.step) satisfies readonly HarnessStep[];
  assert.deepEqual(steps, [
    { op: 'mmap', addr: null, length: 2 * 2 ** 20, prot: 3, flags: 0x22, fdRef: -1, offset: 0 },
    { op: 'write', addr: { ref: 0 }, length: 4096, byte: 0xab },
    { op: 'mremap', old: { ref: 0 }, oldSize: 2 * 2 ** 20, newSize: 2 * 2 ** 20, flags: 5, newAddr: null },
    { op: 'read', addr: { ref: 2, plus: 0x1000 }, length: 4096 },
    {
      op: 'mmap',
      addr: Number(0x2000_0000n - ARENA),
      length: 4096,
      prot: 1,
      flags: 0x32,
      fdRef: -1,
      offset: 0,
    },
    { op: 'munmap', addr: { ref: 2 }, length: 2 * 2 ** 20 },
  ]);
  assert.deepEqual(
    program.steps.map((s) => s.check),
    ['placement', 'outcome', 'remap', 'outcome', 'fixed', 'outcome'],
  );
  // The harness's line format.
  assert.match(
    encodeHarnessInput(steps),
    /^H all\nP\nM N 2097152 3 34 -1 0\nW S0:0 4096 171\nR S0:0 2097152 2097152 5 N\n/,
  );
});

test('the program stops at the first step the kernel cannot run, and says why', () => {
  const { run, steps } = scenario(`  a = mmap 4KiB rw private anon
  mem = vkAllocateMemory 1MiB host-visible coherent
  munmap a, 4KiB
`);
  const program = syscallProgram(run, ARENA);
  assert.equal(program.steps.length, 1);
  assert.equal(program.stoppedAt?.stepIndex, 1);
  assert.match(program.stoppedAt?.reason ?? '', /vkAllocateMemory.*not a raw syscall/);
  const compared = compareKernelRun(
    program,
    { arenaBase: Number(ARENA), steps: [{ op: 'M', ok: true, v: 0x10_0000_0000 - 4096, rel: true }] },
    steps,
  );
  assert.deepEqual(
    compared.map((c) => c.status),
    ['agree', 'not-run', 'not-run'],
  );
  assert.match(compared[2]!.detail, /stopped at step 2/);
});

test('a memfd name the kernel refuses is not sent to the harness under a shortened name', () => {
  const { run } = scenario(`  f = open memfd "${'y'.repeat(250)}" 8KiB\n  expect f == EINVAL\n`);
  const program = syscallProgram(run, ARENA);
  assert.equal(program.steps.length, 0);
  assert.match(program.stoppedAt?.reason ?? '', /memfd name over 249 bytes/);
});

test('comparison: outcomes, errnos and what a caller relies on about addresses', () => {
  const { run, steps } = scenario(DONTUNMAP);
  const program = syscallProgram(run, ARENA);
  const sim = run.simulation.records;
  assert.equal(sim[2]!.outcome.kind, 'address');
  const a = 0xf_c000_0000;
  const agree = parseHarnessOutput({
    arenaBase: Number(ARENA),
    steps: [
      { op: 'M', ok: true, v: a, rel: true },
      { op: 'W', ok: true },
      { op: 'R', ok: true, v: a - 0x20_0000, rel: true },
      { op: 'D', ok: true, bytes: [[0, 4096]] },
      { op: 'M', ok: true, v: 0x2000_0000, rel: false },
      { op: 'U', ok: true, v: 0, rel: false },
    ],
  });
  assert.ok(agree);
  const ok = compareKernelRun(program, agree, steps);
  assert.deepEqual(
    ok.map((c) => c.status),
    ['agree', 'agree', 'agree', 'agree', 'agree', 'agree'],
    ok.map((c) => c.detail).join('\n'),
  );
  assert.match(ok[0]!.detail, /not compared/);
  // The kernel refuses the remap, and puts the fixed mapping elsewhere.
  const differ = compareKernelRun(
    program,
    {
      arenaBase: Number(ARENA),
      steps: [
        { op: 'M', ok: true, v: a, rel: true },
        { op: 'W', ok: true },
        { op: 'R', ok: false, errno: 'EINVAL' },
        { op: 'D', ok: false, signal: 'SIGSEGV', v: 0, rel: false },
        { op: 'M', ok: true, v: 0x3000_0000, rel: false },
      ],
    },
    steps,
  );
  assert.deepEqual(
    differ.map((c) => c.status),
    ['agree', 'agree', 'differ', 'differ', 'differ', 'not-run'],
  );
  assert.match(differ[2]!.detail, /the kernel fails with EINVAL, the simulation → 0x/);
  assert.match(differ[4]!.detail, /asked for 0x2000_0000: the kernel returned 0x3000_0000/);
  assert.equal(parseHarnessOutput({ steps: [] }), undefined);
  assert.equal(parseHarnessOutput({ arenaBase: 1, steps: [{ op: 'M' }] }), undefined);
  // Malformed entries make a malformed run, never an exception later.
  const step = (extra: object) => ({ arenaBase: 1, steps: [{ op: 'write', ok: true, ...extra }] });
  assert.equal(parseHarnessOutput(step({ bytes: [null] })), undefined);
  assert.equal(parseHarnessOutput(step({ bytes: [5] })), undefined);
  assert.equal(parseHarnessOutput(step({ bytes: [[256, 1]] })), undefined);
  assert.equal(parseHarnessOutput(step({ v: Infinity })), undefined);
  assert.equal(parseHarnessOutput(step({ v: 'x' })), undefined);
  assert.deepEqual(parseHarnessOutput(step({ bytes: [[0xab, 4]] }))?.steps[0]?.bytes, [[0xab, 4]]);
});

test('on the running kernel, the docs example agrees step by step', { timeout: 120_000 }, async (t) => {
  const why = kernelUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-harness-'));
  try {
    const root = join(__dirname, '..', '..', '..', '..');
    const cc = process.env.CC ?? 'cc';
    const { bin } = await compileHarness(join(root, 'native', 'harness.c'), dir, cc, cc);
    const arenaBase = await probeArenaBase(bin);
    const { run, steps } = scenario(`  a = mmap 2MiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  read b, 4KiB
  munmap a, 2MiB
  munmap a, 2MiB
  c = mremap b, 2MiB, 4MiB, 0
`);
    const program = syscallProgram(run, arenaBase);
    const output = parseHarnessOutput(
      await runHarness(
        bin,
        program.steps.map((s) => s.step),
      ),
    );
    assert.ok(output);
    const compared = compareKernelRun(program, output, steps);
    assert.deepEqual(
      compared.filter((c) => c.status !== 'agree').map((c) => `${c.text}: ${c.detail}`),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mremap with numeric flags sends those flags and the fifth value as the new address', () => {
  const { run, steps } = scenario(`  a = mmap 64KiB rw private anon
  b = mremap a, 64KiB, 64KiB, 3, 0x2000_0000
  c = mremap b, 64KiB, 128KiB, 1
`);
  const sim = run.simulation.records;
  assert.deepEqual(sim[1]!.outcome, { kind: 'address', value: 0x2000_0000n, step: 1 });
  const program = syscallProgram(run, ARENA);
  assert.equal(program.stoppedAt, undefined);
  assert.deepEqual(program.steps[1]!.step, {
    op: 'mremap',
    old: { ref: 0 },
    oldSize: 0x1_0000,
    newSize: 0x1_0000,
    flags: 3,
    newAddr: Number(0x2000_0000n - ARENA),
  });
  assert.equal(program.steps[1]!.check, 'fixed');
  assert.deepEqual(program.steps[1]!.anchor, Number(0x2000_0000n - ARENA));
  assert.deepEqual(program.steps[2]!.step, {
    op: 'mremap',
    old: { ref: 1 },
    oldSize: 0x1_0000,
    newSize: 0x2_0000,
    flags: 1,
    newAddr: null,
  });
  assert.equal(program.steps[2]!.check, 'remap');
  // The kernel moves it to 0x2000_0000 as asked: an agreement.
  const simC = (sim[2]!.outcome as { value: bigint }).value;
  const compared = compareKernelRun(
    program,
    {
      arenaBase: Number(ARENA),
      steps: [
        { op: 'M', ok: true, v: 0xf_ffff_0000, rel: true },
        { op: 'R', ok: true, v: 0x2000_0000, rel: false },
        // In place when the simulation resized in place, moved when it moved.
        simC === 0x2000_0000n
          ? { op: 'R', ok: true, v: 0x2000_0000, rel: false }
          : { op: 'R', ok: true, v: 0xf_fff0_0000, rel: true },
      ],
    },
    steps,
  );
  assert.deepEqual(
    compared.map((c) => `${c.status}: ${c.detail}`),
    [`agree: ${compared[0]!.detail}`, 'agree: both succeed', 'agree: both succeed'],
  );
});

test('an app access above 4 GiB is sent to the address the app reaches: the low 32 bits', () => {
  const { run, steps } = scenario(`  a = mmap 4KiB rw private anon
  app writes a, 1, 0x5
  write a + 0x10, 1, 0x6
  r1 = read a, 1
`);
  const records = run.simulation.records;
  const a = (records[0]!.outcome as { value: bigint }).value;
  assert.ok(a > 0xffff_ffffn);
  assert.equal(records[1]!.outcome.kind, 'fault');
  const program = syscallProgram(run, ARENA);
  assert.deepEqual(program.steps[1]!.step, {
    op: 'write',
    addr: Number((a & 0xffff_ffffn) - ARENA),
    length: 1,
    byte: 5,
  });
  // The host is 64-bit: its access keeps the name.
  assert.deepEqual(program.steps[2]!.step, { op: 'write', addr: { ref: 0, plus: 0x10 }, length: 1, byte: 6 });
  // The kernel faults at the truncated address as the simulation did: no mismatch.
  const compared = compareKernelRun(
    program,
    {
      arenaBase: Number(ARENA),
      steps: [
        { op: 'M', ok: true, v: 0xf_ffff_f000, rel: true },
        { op: 'W', ok: false, signal: 'SIGSEGV', v: Number(a & 0xffff_ffffn), rel: false },
        { op: 'W', ok: true },
        { op: 'D', ok: true, bytes: [[0, 1]] },
      ],
    },
    steps,
  );
  assert.deepEqual(
    compared.map((c) => c.status),
    ['agree', 'agree', 'agree', 'agree'],
    compared.map((c) => c.detail).join('\n'),
  );
});

const READ_AFTER_DONTUNMAP = `  kernel 6.6
  a = mmap 4KiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 4KiB, 4KiB, maymove | dontunmap
  r1 = read a, 1
  r2 = read b, 2
  write b + 2, 2
  r3 = read b, 8
`;

test('a read is compared by the bytes it returns, tagged data by the byte its write sent', () => {
  const { run, steps } = scenario(READ_AFTER_DONTUNMAP);
  const program = syscallProgram(run, ARENA);
  assert.equal(program.stoppedAt, undefined);
  const tagged = program.steps[5]!.step;
  assert.equal(tagged.op, 'write');
  const t = tagged.op === 'write' ? tagged.byte : -1;
  assert.deepEqual(
    program.steps.map((s) => s.readBytes),
    [
      undefined,
      undefined,
      undefined,
      [[0, 1]],
      [[0xab, 2]],
      undefined,
      [
        [0xab, 2],
        [t, 2],
        [0xab, 4],
      ],
    ],
  );
  const output = (r1: number, r2: number) => ({
    arenaBase: Number(ARENA),
    steps: [
      { op: 'M', ok: true, v: 0xf_ffff_f000, rel: true },
      { op: 'W', ok: true },
      { op: 'R', ok: true, v: 0xf_ffff_e000, rel: true },
      { op: 'D', ok: true, bytes: [[r1, 1]] as [number, number][] },
      {
        op: 'D',
        ok: true,
        bytes: [
          [r2, 1],
          [r2, 1],
        ] as [number, number][],
      },
      { op: 'W', ok: true },
      {
        op: 'D',
        ok: true,
        bytes: [
          [0xab, 2],
          [t, 2],
          [0xab, 4],
        ] as [number, number][],
      },
    ],
  });
  const agree = compareKernelRun(program, output(0, 0xab), steps);
  assert.deepEqual(
    agree.map((c) => c.status),
    ['agree', 'agree', 'agree', 'agree', 'agree', 'agree', 'agree'],
    agree.map((c) => c.detail).join('\n'),
  );
  assert.equal(agree[3]!.detail, 'both succeed and read the same bytes');
  assert.equal(agree[3]!.simulation, 'ok (read 1×0x00)');
  // A kernel that kept the old range's data: the read differs, and says how.
  const differ = compareKernelRun(program, output(0xab, 0), steps);
  assert.deepEqual(
    differ.map((c) => c.status),
    ['agree', 'agree', 'agree', 'differ', 'differ', 'agree', 'agree'],
  );
  assert.equal(differ[3]!.detail, "the kernel's read returns 1×0xab, the simulation's 1×0x00");
  assert.equal(differ[4]!.detail, "the kernel's read returns 2×0x00, the simulation's 2×0xab");
});

test('an open memfd step shows ok on the kernel side, not the fd reference as an address', () => {
  const { run, steps } = scenario(`  f = open memfd "buf" 8KiB
  a = mmap 8KiB rw shared fd f
  munmap a, 8KiB
`);
  const program = syscallProgram(run, ARENA);
  const compared = compareKernelRun(
    program,
    {
      arenaBase: Number(ARENA),
      steps: [
        { op: 'F', ok: true, v: 0, rel: false },
        { op: 'M', ok: true, v: 0xf_ffff_e000, rel: true },
        { op: 'U', ok: true, v: 0, rel: false },
      ],
    },
    steps,
  );
  assert.deepEqual(
    compared.map((c) => [c.status, c.kernel, c.simulation]),
    [
      ['agree', 'ok', 'ok'],
      ['agree', `→ ${formatHex(ARENA + 0xf_ffff_e000n)}`, compared[1]!.simulation],
      ['agree', 'ok', 'ok'],
    ],
  );
});

test('with maps from the harness, the ranges a step changed are compared relative to their start', () => {
  const { run, steps } = scenario(`  a = mmap 8KiB rw private anon
  mprotect a + 4KiB, 4KiB, r
`);
  const program = syscallProgram(run, ARENA);
  const a = 0xf_ffff_e000;
  // The kernel's /proc/self/maps lines: the program's mapping plus a harness mapping elsewhere.
  const harness = (secondPerms: string) =>
    parseHarnessOutput({
      arenaBase: Number(ARENA),
      steps: [
        {
          op: 'M',
          ok: true,
          v: a,
          rel: true,
          maps: [
            [-0x1000_0000, -0xfff_f000, 'r-xp', 0, '/usr/lib/libc.so.6'],
            [a, a + 0x2000, 'rw-p', 0, ''],
          ],
        },
        {
          op: 'X',
          ok: true,
          v: 0,
          rel: false,
          maps: [
            [a, a + 0x1000, 'rw-p', 0, ''],
            [a + 0x1000, a + 0x2000, secondPerms, 0, ''],
          ],
        },
      ],
    })!;
  const agree = compareKernelRun(program, harness('r--p'), steps);
  assert.deepEqual(
    agree.map((c) => `${c.status}: ${c.detail}`),
    [
      'agree: both succeed and map the same; where the kernel put it is not compared (the harness runs in an arena of its own)',
      'agree: both succeed and map the same',
    ],
  );
  const differ = compareKernelRun(program, harness('rw-p'), steps);
  assert.equal(differ[1]!.status, 'differ');
  assert.equal(
    differ[1]!.detail,
    'after the step, the range maps differently: the kernel shows +0x0..+0x1000 rw-p, the simulation +0x0..+0x1000 r--p',
  );
  // Malformed maps make a malformed run.
  const withMaps = (maps: unknown) => ({ arenaBase: 1, steps: [{ op: 'M', ok: true, maps }] });
  assert.equal(parseHarnessOutput(withMaps([[0, 1, 'rw-p', 0]])), undefined);
  assert.equal(parseHarnessOutput(withMaps([[0, 1, 'rwzp', 0, '']])), undefined);
  assert.equal(parseHarnessOutput(withMaps([[0, 1, 'rw-p', -1, '']])), undefined);
  assert.equal(parseHarnessOutput(withMaps([[0, 1.5, 'rw-p', 0, '']])), undefined);
  assert.ok(parseHarnessOutput(withMaps([[0, 4096, 'rw-p', 0, '']])));
});

test('a read or write longer than the harness does is not run, rather than reported as EINVAL', () => {
  const { run } = scenario(`  a = mmap 128MiB rw private anon\n  read a, 65MiB\n`);
  const program = syscallProgram(run, ARENA);
  assert.equal(program.steps.length, 1);
  assert.match(
    program.stoppedAt?.reason ?? '',
    /step 2 cannot run on the kernel: the harness reads and writes at most 64 MiB/,
  );
});

test('madvise becomes a harness step with its MADV_* number, and its line is `A ADDR LEN ADVICE`', () => {
  const { run } = scenario(`  a = mmap 16KiB rw private anon
  madvise a + 4KiB, 8KiB, dontfork
  madvise a, 4KiB, dontneed
  madvise a + 12KiB, 4KiB, free
`);
  const program = syscallProgram(run, ARENA);
  assert.equal(program.stoppedAt, undefined);
  const steps = program.steps.map((s) => s.step);
  assert.deepEqual(steps.slice(1), [
    { op: 'madvise', addr: { ref: 0, plus: 0x1000 }, length: 8192, advice: 10 },
    { op: 'madvise', addr: { ref: 0 }, length: 4096, advice: 4 },
    { op: 'madvise', addr: { ref: 0, plus: 0x3000 }, length: 4096, advice: 8 },
  ]);
  assert.deepEqual(
    program.steps.slice(1).map((s) => s.check),
    ['outcome', 'outcome', 'outcome'],
  );
  assert.match(encodeHarnessInput(steps), /\nA S0:4096 8192 10\nA S0:0 4096 4\nA S0:12288 4096 8\n/);
});

test('a grow in place that reaches the top of the harness arena is not comparable, and neither is what follows from it (review: kernel run, finding 1)', () => {
  const { run, steps } = scenario(`  a = mmap 4KiB rw private anon
  b = mremap a, 4KiB, 8KiB, 0
  write b, 8KiB, 0x5
  c = mmap 4KiB rw private anon at 0x2000_0000 fixed
`);
  const program = syscallProgram(run, ARENA);
  // What the harness prints: `a` right under its arena top, where its filler starts.
  const top = 0x10_0000_0000;
  const compared = compareKernelRun(
    program,
    {
      arenaBase: Number(ARENA),
      arenaSize: top,
      steps: [
        { op: 'M', ok: true, v: top - 4096, rel: true },
        { op: 'R', ok: false, errno: 'ENOMEM' },
        { op: 'W', ok: false, signal: 'SIGSEGV', v: 0, rel: false },
        { op: 'M', ok: true, v: 0x2000_0000, rel: false },
      ],
    },
    steps,
  );
  assert.deepEqual(
    compared.map((c) => c.status),
    ['agree', 'not-comparable', 'not-comparable', 'agree'],
    compared.map((c) => c.detail).join('\n'),
  );
  assert.equal(
    compared[1]!.detail,
    `not comparable: on the kernel its growth in place (${formatHex(ARENA + BigInt(top))}, 0x1000 bytes) reaches past the top of the harness's arena (${formatHex(ARENA + BigInt(top))}), where the harness keeps fillers, its libraries and its stack; the simulated process has its own layout there (the kernel fails with ENOMEM, the simulation → 0x7fff_f7ff_e000)`,
  );
  assert.match(
    compared[2]!.detail,
    /^not comparable: it may follow from step 2, which the harness's layout decided \(/,
  );
});

test('an absolute address inside a mapping the two sides placed apart is not comparable (review: kernel run, finding 2)', () => {
  const { run, steps } = scenario(`  mmap-base 0x2000_0000
  a = mmap 4KiB rw private anon
  write 0x1fff_f000, 1, 1
`);
  const program = syscallProgram(run, ARENA);
  const compared = compareKernelRun(
    program,
    {
      arenaBase: Number(ARENA),
      steps: [
        { op: 'M', ok: true, v: 0x10_0000_0000 - 4096, rel: true },
        { op: 'W', ok: false, signal: 'SIGSEGV', v: 0x1fff_f000, rel: false },
      ],
    },
    steps,
  );
  assert.deepEqual(
    compared.map((c) => c.status),
    ['agree', 'not-comparable'],
  );
  assert.equal(
    compared[1]!.detail,
    `not comparable: 0x1fff_f000 is in step 1's mapping as the simulation placed it; the kernel placed that mapping at ${formatHex(ARENA + 0x10_0000_0000n - 4096n)} (in the harness's arena), so there the number names other memory (the kernel SIGSEGV, the simulation ok)`,
  );
});

test('a read or write length of 2^63 or more is not sent to the harness (review: kernel run, finding 3)', () => {
  for (const access of [
    'write a, 0xffff_ffff_ffff_f000, 1',
    'read a, 0xffff_ffff_ffff_ffff',
    'read a, 0x8000_0000_0000_0000',
  ]) {
    const { run } = scenario(`  a = mmap 4KiB rw private anon\n  ${access}\n`);
    const program = syscallProgram(run, ARENA);
    assert.equal(program.steps.length, 1, access);
    assert.equal(
      program.stoppedAt?.reason,
      'step 2 cannot run on the kernel: the harness reads and writes at most 64 MiB at a time',
    );
  }
});

test('a scenario of another architecture or page size is not run on the x86-64 kernel (review: kernel run, finding 4)', () => {
  for (const [setting, reason] of [
    ['page-size 16KiB', 'the scenario models arm64 with 16 KiB pages'],
    ['page-size 64KiB', 'the scenario models arm64 with 64 KiB pages'],
    ['arch arm64', 'the scenario models arm64 with 4 KiB pages'],
  ] as const) {
    const { run, steps } = scenario(
      `  ${setting}\n  a = mmap 64KiB rw private anon\n  munmap a + 4KiB, 4KiB\n`,
    );
    const program = syscallProgram(run, ARENA);
    assert.equal(program.steps.length, 0, setting);
    assert.equal(
      program.stoppedAt?.reason,
      `${reason}, and Run on This Kernel runs on x86-64 with 4 KiB pages: no step runs on this kernel`,
    );
    const compared = compareKernelRun(program, { arenaBase: Number(ARENA), steps: [] }, steps);
    assert.deepEqual(
      compared.map((c) => c.status),
      ['not-run', 'not-run'],
    );
  }
});

test('a harness child that died keeps the steps it ran: they are compared, the rest say it died (review: kernel run, finding 5)', () => {
  const { run, steps } = scenario(`  a = mmap 4KiB rw private anon
  write a, 4KiB, 0x5
  read a, 4KiB
`);
  const program = syscallProgram(run, ARENA);
  const output = parseHarnessOutput({
    arenaBase: Number(ARENA),
    arenaSize: 0x10_0000_0000,
    steps: [{ op: 'M', ok: true, v: 0xf_ffff_f000, rel: true }],
    crash: 9,
  });
  assert.ok(output);
  assert.deepEqual(
    compareKernelRun(program, output, steps).map((c) => [c.status, c.detail]),
    [
      [
        'agree',
        'both succeed; the address the kernel picked is not compared (the harness runs in an arena of its own)',
      ],
      ['not-run', 'not run to the end: the harness child died (signal 9) in this step'],
      ['not-run', 'not run: the harness child died at step 2'],
    ],
  );
});
