// `mseal ADDRESS, LENGTH` (kernel/mseal.ts): what a seal refuses afterwards, by kernel version,
// and the step Run on This Kernel sends the harness for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { syscallProgram } from '../../../server/src/engine/export/syscall-program';

const outcomes = (body: string, kernel = '6.18') => {
  const run = analyseDocument(`scenario "seal" {\n  kernel ${kernel}\n${body}}\n`).scenarios[0]!.run;
  return run.simulation.records.map((r) => r.resultText);
};

test('a sealed range refuses munmap, mprotect, mremap and a fixed map over it with EPERM; an unsealed one does not', () => {
  const body = (seal: string) => `  a = mmap 16KiB rw private anon at 0x4000_0000
${seal}  u = munmap a, 4KiB
  p = mprotect a + 4KiB, 4KiB, r
  m = mremap a + 8KiB, 4KiB, 8KiB, maymove
  f = mmap 4KiB rw private anon at 0x4000_3000 fixed
`;
  assert.deepEqual(outcomes(body('  mseal a, 16KiB\n')).slice(1), [
    '→ ok',
    '→ EPERM',
    '→ EPERM',
    '→ EPERM',
    '→ EPERM',
  ]);
  assert.deepEqual(outcomes(body('')).slice(1), ['→ ok', '→ ok', '→ 0x7fff_f7ff_d000', '→ 0x4000_3000']);
});

test('mseal is ENOSYS before Linux 6.10, ENOMEM over a hole (sealing nothing), and reported as a refusal', () => {
  assert.deepEqual(outcomes('  a = mmap 16KiB rw private anon\n  mseal a, 16KiB\n', '6.9').slice(1), [
    '→ ENOSYS',
  ]);
  const hole = outcomes(
    '  a = mmap 16KiB rw private anon at 0x4000_0000\n  mseal a, 32KiB\n  u = munmap a, 4KiB\n',
  );
  assert.deepEqual(hole.slice(1), ['→ ENOMEM', '→ ok']);
  const refused = analyseDocument(
    'scenario "s" {\n  a = mmap 16KiB rw private anon\n  mseal a, 32KiB\n}\n',
  ).diagnostics;
  assert.deepEqual(
    refused.map((d) => d.code),
    ['kernel-refused'],
  );
  assert.match(refused[0]!.message, /^mseal\(0x7fff_f7ff_b000, 0x8000, 0\) fails with ENOMEM: .*not mapped/);
});

test('Run on This Kernel runs an mseal step: mseal(2) of the same range, from the same name', () => {
  const run = analyseDocument(
    'scenario "s" {\n  a = mmap 16KiB rw private anon\n  mseal a + 4KiB, 8KiB\n  munmap a, 4KiB\n}\n',
  ).scenarios[0]!.run;
  const program = syscallProgram(run, 0x1000_0000_0000n);
  assert.equal(program.stoppedAt, undefined);
  assert.deepEqual(
    program.steps.map((s) => s.step),
    [
      { op: 'mmap', addr: null, length: 16384, prot: 3, flags: 0x22, fdRef: -1, offset: 0 },
      { op: 'mseal', addr: { ref: 0, plus: 4096 }, length: 8192 },
      { op: 'munmap', addr: { ref: 0 }, length: 4096 },
    ],
  );
});
