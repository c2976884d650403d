// mprotect's PROT_GROWSDOWN / PROT_GROWSUP have no word in the step's PROT (docs/language.md), and
// they change the call (K:mm/mprotect.c do_mprotect_pkey): dropping them replayed another call (a
// capture's EINVAL as ok, an extension to vm_start as a one-page change). The step is left as a
// comment, as a map flag without a word that may decide a failure is (docs/cli.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { importStrace } from './parsing-importers';

// Captured on Linux 6.18 (a MAP_GROWSDOWN mapping, then a plain one).
const CAPTURE = `mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_GROWSDOWN, -1, 0) = 0x7f61c5a68000
mprotect(0x7f61c5a6a000, 4096, PROT_READ|PROT_GROWSDOWN) = 0
mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f61c587d000
mprotect(0x7f61c587d000, 4096, PROT_READ|PROT_GROWSDOWN) = -1 EINVAL (Invalid argument)
`;

function problems(scenario: string): string[] {
  return analyseDocument(scenario)
    .diagnostics.filter((d) => d.severity !== 'info')
    .map((d) => `${d.code}: ${d.message}`);
}

test('PROT_GROWSDOWN: the successful and the refused mprotect are comments, never steps without the flag', () => {
  const { scenario } = importStrace(CAPTURE);
  assert.doesNotMatch(scenario, /\n {2}m\d+ = mprotect/, scenario);
  assert.match(scenario, /\n {2}# m2 = mprotect m1 \+ 0x2000, 4096, r\n {2}# PROT_GROWSDOWN \(/, scenario);
  assert.match(scenario, /left as a comment\n/, scenario);
  assert.match(
    scenario,
    /\n {2}# m4 = mprotect m3, 4096, r\n {2}# expect m4 == EINVAL\n {2}# PROT_GROWSDOWN \(.*may be why the call failed with EINVAL/,
    scenario,
  );
  assert.doesNotMatch(scenario, /\n {2}expect m4/, scenario);
  assert.deepEqual(problems(scenario), []);
});

for (const [form, prot] of [
  ['-X raw', '0x1000001'],
  ['-X verbose', '0x1000001 /* PROT_READ|PROT_GROWSDOWN */'],
] as const) {
  test(`strace ${form}: PROT_GROWSDOWN as a number is left as a comment too`, () => {
    const { scenario } = importStrace(CAPTURE.replace('PROT_READ|PROT_GROWSDOWN) = 0', `${prot}) = 0`));
    assert.match(scenario, /\n {2}# m2 = mprotect m1 \+ 0x2000, 4096, r\n {2}# PROT_GROWSDOWN \(/, scenario);
  });
}

test('PROT_GROWSUP and an unknown bit are comments; PROT_SEM, which the kernel ignores, is left out', () => {
  const mmap = 'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000300000';
  const { scenario } = importStrace(
    [
      mmap,
      'mprotect(0x7f0000300000, 4096, PROT_READ|PROT_GROWSUP) = -1 EINVAL (Invalid argument)',
      'mprotect(0x7f0000300000, 4096, PROT_READ|0x10) = -1 EINVAL (Invalid argument)',
      'mprotect(0x7f0000300000, 4096, PROT_READ|PROT_SEM) = 0',
      '',
    ].join('\n'),
  );
  assert.match(
    scenario,
    /\n {2}# m2 = mprotect m1, 4096, r\n {2}# expect m2 == EINVAL\n {2}# PROT_GROWSUP \(/,
  );
  assert.match(
    scenario,
    /\n {2}# m3 = mprotect m1, 4096, r\n {2}# expect m3 == EINVAL\n {2}# 0x10 \(an unknown bit/,
  );
  assert.match(
    scenario,
    /\n {2}# PROT_SEM: no drvmap word, left out \(the kernel ignores it\)\n {2}m4 = mprotect m1, 4096, r\n/,
  );
  assert.deepEqual(problems(scenario), []);
});

test('read, write and exec alone are still steps', () => {
  const { scenario } = importStrace(CAPTURE.replace('PROT_READ|PROT_GROWSDOWN) = 0', 'PROT_READ) = 0'));
  assert.match(scenario, /\n {2}m2 = mprotect m1 \+ 0x2000, 4096, r\n/, scenario);
});
