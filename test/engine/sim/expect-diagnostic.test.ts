// `expect diagnostic CODE` answers for the step above it and for the expect lines between that
// step and it: an `expect … reads` line makes an access of its own, whose hazard can only be
// documented below it. `drvmap check` and an exploration's verdict agree on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { scenarioDiagnostics } from '../../../server/src/engine/explore/explore';

const HAZARD_ON_AN_EXPECT_LINE = (after: string) => `scenario "hazard on an expect line" {
  strategy placed
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m
  vkUnmapMemory m
  m2 = vkAllocateMemory 64KiB host-visible
  q = vkMapMemory m2
  expect app reads p, 1 == zero
${after}
}`;

function shown(text: string): string[] {
  return analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`);
}

test('expect diagnostic matches a diagnostic raised on an expect line between its step and it', () => {
  const text = HAZARD_ON_AN_EXPECT_LINE('  expect diagnostic use-after-free');
  assert.deepEqual(shown(text), ['info use-after-free']);
  const analysis = analyseDocument(text);
  const [verdict] = [...analysis.scenarios[0]!.diagnosticVerdicts.values()];
  assert.equal(verdict, true);
  // An exploration classifies the run as check does: nothing left at error.
  const explored = scenarioDiagnostics(analysis.scenarios[0]!.run);
  assert.deepEqual(
    explored.map((d) => `${d.severity} ${d.code}`),
    ['info use-after-free'],
  );
});

test('without the expectation, or past a step in between, the hazard stays an error', () => {
  assert.deepEqual(shown(HAZARD_ON_AN_EXPECT_LINE('')), ['error use-after-free']);
  // A step between the read and the expectation: the expectation checks that step alone.
  assert.deepEqual(
    shown(HAZARD_ON_AN_EXPECT_LINE('  b = mmap 4KiB rw private anon\n  expect diagnostic use-after-free')),
    ['error use-after-free', 'error expectation-failed'],
  );
});

test("another expectation's failure is not made expected", () => {
  const text =
    'scenario "s" {\n  a = mmap 4KiB rw private anon\n  expect a == 0x1000\n  expect diagnostic expectation-failed\n}';
  assert.deepEqual(shown(text), ['error expectation-failed', 'error expectation-failed']);
});
