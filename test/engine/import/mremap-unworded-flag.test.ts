// An mremap flag bit with no drvmap word (review recheck, finding 5): check_mremap_params refuses
// it with EINVAL, so the import keeps it, as the number FLAGS may be, and the replay agrees with
// the capture instead of succeeding without the bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { importStrace } from './parsing-importers';

const MMAP = 'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000300000';

/** The imported scenario's errors and warnings: none when the replay agrees with the trace. */
function problems(scenario: string): string[] {
  return analyseDocument(scenario)
    .diagnostics.filter((d) => d.severity !== 'info')
    .map((d) => `${d.code}: ${d.message}`);
}

for (const [form, flags] of [
  ['default', 'MREMAP_MAYMOVE|0x8 /* MREMAP_??? */'],
  ['-X verbose', '0x9 /* MREMAP_MAYMOVE|0x8 */'],
  ['-X raw', '0x9'],
] as const) {
  test(`strace ${form}: MREMAP_MAYMOVE|0x8 is imported as FLAGS 0x9 and replays as EINVAL, clean against its trace`, () => {
    const { scenario } = importStrace(
      `${MMAP}\nmremap(0x7f0000300000, 8192, 16384, ${flags}) = -1 EINVAL (Invalid argument)\n`,
    );
    assert.match(scenario, /\n {2}m2 = mremap m1, 8192, 16384, 0x9\n {2}expect m2 == EINVAL\n/, scenario);
    assert.match(scenario, /# 0x8: no drvmap word, so FLAGS is written as the number/, scenario);
    assert.deepEqual(problems(scenario), []);
  });
}

test('an unworded bit beside MREMAP_FIXED keeps the new address as the fifth value', () => {
  const { scenario } = importStrace(
    `${MMAP}\nmremap(0x7f0000300000, 8192, 8192, MREMAP_MAYMOVE|MREMAP_FIXED|0x10, 0x7f0000400000) = -1 EINVAL (Invalid argument)\n`,
  );
  assert.match(
    scenario,
    /\n {2}m2 = mremap m1, 8192, 8192, 0x13, 0x7f00_0040_0000\n {2}expect m2 == EINVAL\n/,
    scenario,
  );
  assert.deepEqual(problems(scenario), []);
});

test('flags drvmap has words for are still imported as words', () => {
  const { scenario } = importStrace(
    `${MMAP}\nmremap(0x7f0000300000, 8192, 16384, MREMAP_MAYMOVE) = 0x7f0000500000\n`,
  );
  assert.match(scenario, /\n {2}m2 = mremap m1, 8192, 16384, maymove\n/, scenario);
  assert.doesNotMatch(scenario, /no drvmap word/);
});
