// The shadow copy puts its bytes back over the device memory at flush and unmap. Bytes the device
// wrote since the last sync (copy-in, flush, invalidate), and 32-bit code did not, are destroyed:
// reported as shadow-copy-clobbers, and explore calls such a scenario unsafe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { explore } from '../../../server/src/engine/explore/explore';

function scenario(steps: string[], driver = 'preset nvk', properties = 'host-visible'): string {
  return [
    'scenario "s" {',
    '  strategy shadow-copy',
    '  driver nvk {',
    `    ${driver}`,
    '  }',
    `  mem = vkAllocateMemory 64KiB ${properties}`,
    '  p = vkMapMemory mem',
    ...steps.map((s) => `  ${s}`),
    '}',
  ].join('\n');
}

function diagnostics(text: string): string[] {
  return analyseDocument(text).diagnostics.map((d) => `${d.code}@${d.range.start}`);
}

function codes(text: string): string[] {
  return analyseDocument(text).diagnostics.map((d) => d.code);
}

test('a whole-range flush over a GPU write made while mapped destroys it, and says so at the flush', () => {
  const text = scenario([
    'g = nvk writes mem + 0x1000, 16',
    'app writes p, 16',
    'vkFlushMappedMemoryRanges mem',
    'expect nvk reads mem + 0x1000, 16 == g',
  ]);
  const found = analyseDocument(text).diagnostics;
  assert.deepEqual(
    found.map((d) => d.code),
    ['shadow-copy-clobbers', 'expectation-failed'],
  );
  const clobber = found[0]!;
  assert.equal(text.slice(clobber.range.start, clobber.range.end), 'vkFlushMappedMemoryRanges mem');
  assert.match(
    clobber.message,
    /over mem\+0x1000\.\.0x1010 and destroys what nvk wrote there at step 3 \(g\)/,
  );
  assert.equal(clobber.severity, 'error');
});

test('a flush of just the range 32-bit code wrote keeps the GPU write; the unmap then destroys it', () => {
  const flushed = scenario([
    'g = nvk writes mem + 0x1000, 16',
    'app writes p, 16',
    'vkFlushMappedMemoryRanges mem offset 0 size 64',
    'expect nvk reads mem + 0x1000, 16 == g',
  ]);
  assert.deepEqual(codes(flushed), []);
  const unmapped = scenario([
    'g = nvk writes mem + 0x1000, 16',
    'app writes p, 16',
    'vkFlushMappedMemoryRanges mem offset 0 size 64',
    'vkUnmapMemory mem',
  ]);
  const found = analyseDocument(unmapped).diagnostics;
  assert.deepEqual(
    found.map((d) => d.code),
    ['shadow-copy-clobbers'],
  );
  assert.match(found[0]!.message, /^At unmap Wine copies the whole shadow back over mem\+0x1000\.\.0x1010/);
});

test('no report when the device wrote nothing since the sync, or an invalidate brought its write in', () => {
  assert.deepEqual(
    codes(scenario(['app writes p, 16', 'vkFlushMappedMemoryRanges mem', 'vkUnmapMemory mem'])),
    [],
  );
  // The device writes before the map: the copy-in brings it into the shadow.
  const before = [
    'scenario "s" {',
    '  strategy shadow-copy',
    '  driver nvk {',
    '    preset nvk',
    '  }',
    '  mem = vkAllocateMemory 64KiB host-visible',
    '  g = nvk writes mem + 0x1000, 16',
    '  p = vkMapMemory mem',
    '  vkFlushMappedMemoryRanges mem',
    '  vkUnmapMemory mem',
    '  expect nvk reads mem + 0x1000, 16 == g',
    '}',
  ].join('\n');
  assert.deepEqual(codes(before), []);
  const invalidated = scenario([
    'g = nvk writes mem + 0x1000, 16',
    'vkInvalidateMappedMemoryRanges mem offset 0x1000 size 64',
    'app writes p, 16',
    'vkFlushMappedMemoryRanges mem',
    'vkUnmapMemory mem',
    'expect nvk reads mem + 0x1000, 16 == g',
  ]);
  assert.deepEqual(codes(invalidated), []);
});

test('32-bit code overwriting the bytes the device wrote is its own race, not a loss the layer causes', () => {
  const text = scenario([
    'nvk writes mem + 0x1000, 16',
    'app writes p + 0x1000, 16',
    'vkFlushMappedMemoryRanges mem',
    'vkUnmapMemory mem',
  ]);
  assert.deepEqual(codes(text), []);
});

test("the driver's cached pointer counts as the device: its writes are destroyed too", () => {
  const text = scenario(['w = nvk writes mem + 0x100, 16', 'vkUnmapMemory mem'], 'caches-pointer');
  assert.deepEqual(
    diagnostics(text).map((d) => d.split('@')[0]),
    ['shadow-copy-clobbers'],
  );
});

test('explore: the flush over a GPU write is unsafe for every driver behaviour (not "safe under all")', () => {
  const text = scenario(
    ['gpu writes mem + 0x1000, 16', 'app writes p, 16', 'vkFlushMappedMemoryRanges mem', 'vkUnmapMemory mem'],
    'any',
  ).replace('driver nvk', 'driver gpu');
  const result = explore(text).scenarios[0]!;
  assert.equal(result.counts.safe, 0);
  assert.equal(result.counts.unsafe, result.total);
  assert.ok(
    result.classes.every((c) => c.hazard === 'shadow-copy-clobbers'),
    JSON.stringify(result.classes.map((c) => c.hazard)),
  );
});
