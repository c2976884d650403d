// `preset nvidia` is NVIDIA's Linux driver (placed maps with unmap reserve, external memory host);
// `preset proprietary` stays a closed driver without placed maps, which no longer claims to be
// NVIDIA's (facts vulkan-wine §2 note 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { TRAIT_BY_NAME } from '../../../server/src/engine/language/vocabulary';
import { PRESETS } from '../../../server/src/engine/model/driver';
import { codes } from './helpers';

const placed = (preset: string) => `scenario "placed" {
  driver gpu {
    preset ${preset}
  }
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
}`;

test('preset nvidia places maps with unmap reserve and has external memory host; proprietary has neither', () => {
  const driver = analyseDocument(placed('nvidia')).scenarios[0]!.run.drivers.get('gpu')!;
  assert.equal(driver.placed.supported, true);
  assert.equal(driver.placed.unmapReserve, true);
  assert.equal(driver.externalMemoryHost, true);
  assert.equal(driver.cachesPointer, false);
  assert.equal(driver.reuses, 'never');
  assert.equal(driver.kernelDriver, 'nvidia');
  assert.deepEqual(codes(placed('nvidia')), []);
  assert.deepEqual(codes(placed('proprietary')), ['placed-unsupported']);
});

test('the hover of each preset is the model’s list of presets, and proprietary’s no longer says it is NVIDIA’s', () => {
  const words = TRAIT_BY_NAME.get('preset')!.words!;
  assert.deepEqual(
    words.map((w) => w.name),
    Object.keys(PRESETS),
  );
  const doc = (name: string) => words.find((w) => w.name === name)!.doc;
  assert.doesNotMatch(doc('proprietary'), /NVIDIA's layout/);
  assert.match(doc('proprietary'), /Not NVIDIA's driver/);
  assert.match(doc('nvidia'), /NVIDIA's Linux driver/);
});
