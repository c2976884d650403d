// vkFlushMappedMemoryRanges / vkInvalidateMappedMemoryRanges take one VkMappedMemoryRange
// (`offset N size N`, or `whole`): its valid-usage rules (Vulkan spec, VkMappedMemoryRange) are
// checked, a range that breaks one is not simulated, and a valid range is the one synced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function vuids(lines: string[], allocation = '64KiB'): string[] {
  const text = [
    'scenario "r" {',
    '  strategy shadow-copy',
    `  m = vkAllocateMemory ${allocation} host-visible`,
    ...lines.map((l) => `  ${l}`),
    '}',
  ].join('\n');
  return analyseDocument(text).diagnostics.map((d) => `${d.code} ${d.message.split(':')[0]}`);
}

test('a flush or invalidate of memory that is not mapped breaks 00684', () => {
  assert.deepEqual(vuids(['vkFlushMappedMemoryRanges m']), [
    'vulkan-valid-usage VUID-VkMappedMemoryRange-memory-00684',
  ]);
  assert.deepEqual(
    vuids(['p = vkMapMemory m', 'vkUnmapMemory m', 'vkInvalidateMappedMemoryRanges m offset 0 size 64']),
    ['vulkan-valid-usage VUID-VkMappedMemoryRange-memory-00684'],
  );
});

test('a range outside the mapping breaks 00685 (a size) or 00686 (VK_WHOLE_SIZE)', () => {
  assert.deepEqual(
    vuids(['p = vkMapMemory m offset 0 size 32KiB', 'vkFlushMappedMemoryRanges m offset 0 size 64KiB']),
    ['vulkan-valid-usage VUID-VkMappedMemoryRange-size-00685'],
  );
  assert.deepEqual(
    vuids(['p = vkMapMemory m offset 32KiB', 'vkFlushMappedMemoryRanges m offset 0 size 64']),
    ['vulkan-valid-usage VUID-VkMappedMemoryRange-size-00685'],
  );
  assert.deepEqual(
    vuids(['p = vkMapMemory m offset 0 size 32KiB', 'vkInvalidateMappedMemoryRanges m offset 32KiB whole']),
    ['vulkan-valid-usage VUID-VkMappedMemoryRange-size-00686'],
  );
});

test('nonCoherentAtomSize (64 bytes): offset 00687, size 01390 unless the range ends at the end of the memory', () => {
  assert.deepEqual(vuids(['p = vkMapMemory m', 'vkFlushMappedMemoryRanges m offset 16 size 64']), [
    'vulkan-valid-usage VUID-VkMappedMemoryRange-offset-00687',
  ]);
  assert.deepEqual(vuids(['p = vkMapMemory m', 'vkFlushMappedMemoryRanges m offset 0 size 16']), [
    'vulkan-valid-usage VUID-VkMappedMemoryRange-size-01390',
  ]);
  // A size that runs to the end of the memory may be anything.
  assert.deepEqual(
    vuids(['p = vkMapMemory m', 'vkFlushMappedMemoryRanges m offset 64 size 1000'], '1064'),
    [],
  );
});

test('VK_WHOLE_SIZE: the end of the mapping must be atom-aligned or the end of the memory (01389)', () => {
  assert.deepEqual(vuids(['p = vkMapMemory m offset 0 size 100', 'vkFlushMappedMemoryRanges m']), [
    'vulkan-valid-usage VUID-VkMappedMemoryRange-size-01389',
  ]);
  assert.deepEqual(
    vuids(['p = vkMapMemory m', 'vkFlushMappedMemoryRanges m whole', 'vkFlushMappedMemoryRanges m']),
    [],
  );
  assert.deepEqual(vuids(['p = vkMapMemory m offset 0 size 100'], '100'), []);
});

test('a valid range is the one copied back; a broken one copies nothing', () => {
  const text = [
    'scenario "r" {',
    '  strategy shadow-copy',
    '  m = vkAllocateMemory 64KiB host-visible',
    '  p = vkMapMemory m',
    '  vkFlushMappedMemoryRanges m offset 0x40 size 0x80',
    '  vkFlushMappedMemoryRanges m offset 0x20000 size 64',
    '}',
  ].join('\n');
  const records = analyseDocument(text).scenarios[0]!.run.simulation.records;
  const calls = (i: number) => records[i]!.calls.map((c) => `${c.actor}: ${c.text}`);
  assert.deepEqual(calls(2), [
    'app: vkFlushMappedMemoryRanges(m, offset=0x40, size=0x80)',
    'wine: memcpy(0x7fff_f7fe_f040, 0x1_0040, 128)',
  ]);
  assert.deepEqual(calls(3), ['app: vkFlushMappedMemoryRanges(m, offset=0x2_0000, size=0x40)']);
  assert.match(
    records[3]!.outcome.kind === 'skipped' ? records[3]!.outcome.reason : '',
    /breaks VUID-VkMappedMemoryRange-size-00685/,
  );
});

test("the atom is the driver's nonCoherentAtomSize: `non-coherent-atom 256` makes a 64-byte range break 00687 and 01390", () => {
  const text = (atom: string, range: string) =>
    [
      'scenario "r" {',
      '  strategy shadow-copy',
      '  driver d {',
      `    ${atom}`,
      '  }',
      '  m = vkAllocateMemory 64KiB host-visible',
      '  p = vkMapMemory m',
      `  vkFlushMappedMemoryRanges m ${range}`,
      '}',
    ].join('\n');
  const found = (atom: string, range: string) =>
    analyseDocument(text(atom, range)).diagnostics.map((d) => `${d.code} ${d.message}`);
  // 64 bytes is the default's atom, not the 256-byte driver's.
  assert.deepEqual(found('preset radv', 'offset 64 size 64'), []);
  const got = found('non-coherent-atom 256', 'offset 64 size 64');
  assert.equal(got.length, 2, got.join('\n'));
  assert.match(
    got[0]!,
    /^vulkan-valid-usage VUID-VkMappedMemoryRange-offset-00687: offset 0x40 is not a multiple of nonCoherentAtomSize \(256 bytes\)/,
  );
  assert.match(
    got[1]!,
    /^vulkan-valid-usage VUID-VkMappedMemoryRange-size-01390: size 64 is not a multiple of nonCoherentAtomSize \(256 bytes\)/,
  );
  assert.deepEqual(found('non-coherent-atom 256', 'offset 256 size 512'), []);
  // A smaller atom allows what 64 bytes does not.
  assert.deepEqual(found('non-coherent-atom 16', 'offset 16 size 48'), []);
});

test('`non-coherent-atom` is a power of two from 1 to 256 bytes; another value is said and the atom stays 64', () => {
  const text = (value: string) =>
    [
      'scenario "r" {',
      '  strategy shadow-copy',
      '  driver d {',
      `    non-coherent-atom ${value}`,
      '  }',
      '  m = vkAllocateMemory 64KiB host-visible',
      '  p = vkMapMemory m',
      '  vkFlushMappedMemoryRanges m offset 64 size 64',
      '}',
    ].join('\n');
  for (const bad of ['0', '48', '512'])
    assert.deepEqual(
      analyseDocument(text(bad)).diagnostics.map((d) => d.code),
      ['number-out-of-range'],
      bad,
    );
  assert.match(
    analyseDocument(text('48')).diagnostics[0]!.message,
    /nonCoherentAtomSize is a power of two from 1 to 256 bytes .*not 48 bytes/,
  );
  assert.deepEqual(analyseDocument(text('1')).diagnostics, []);
});

test('a trait takes one value: a second one is reported, not silently dropped (`non-coherent-atom 64 128`)', () => {
  const text = (traits: string) =>
    `scenario "x" {\n  driver gpu {\n${traits}\n  }\n  mem = vkAllocateMemory 1MiB host-visible coherent\n}\n`;
  const found = (traits: string) => {
    const source = text(traits);
    return analyseDocument(source).diagnostics.map(
      (d) => `${d.code} ${source.slice(d.range.start, d.range.end)}`,
    );
  };
  assert.deepEqual(found('    non-coherent-atom 64 128'), ['syntax-error 128']);
  assert.deepEqual(found('    non-coherent-atom 128 junk'), ['unknown-word junk']);
  assert.deepEqual(found('    pool-size 64MiB 128MiB'), ['syntax-error 128MiB']);
  assert.deepEqual(found('    internal-mappings 32MiB junk'), ['unknown-word junk']);
  assert.deepEqual(found('    maps at-map at-alloc'), ['unknown-word at-alloc']);
  assert.deepEqual(found('    backing device 3'), ['syntax-error 3']);
  assert.deepEqual(found('    placed-map 4096 8192'), ['syntax-error 8192']);
  // A word trait that stands alone means yes; a number there is not silently yes.
  assert.deepEqual(found('    caches-pointer 3'), ['unknown-word caches-pointer 3']);
  // One value, or `any`: nothing to say.
  assert.deepEqual(
    found(
      '    non-coherent-atom 128\n    pool-size 64MiB\n    maps at-map\n    caches-pointer\n    placed-map 4096 range-placed\n    backing any',
    ),
    [],
  );
});
