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
    /^H final\nP\nM N 2097152 3 34 -1 0\nW S0:0 4096 171\nR S0:0 2097152 2097152 5 N\n/,
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
