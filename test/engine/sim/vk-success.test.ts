// `expect NAME == VK_SUCCESS`: a Vulkan call that succeeded returned VK_SUCCESS (the trace says
// `= VK_SUCCESS`), whatever its step's result is (a memory object, a pointer, an fd).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function diagnostics(body: string, code: string): string[] {
  return analyseDocument(`scenario "v" {\n  driver gpu { preset radv }\n${body}\n}`)
    .diagnostics.filter((d) => d.code === code)
    .map((d) => d.message);
}

test('every Vulkan call that returns a VkResult and succeeded is VK_SUCCESS', () => {
  const body = `  m = vkAllocateMemory 64KiB host-visible coherent exportable
  h = vkGetMemoryFdKHR m
  p = vkMapMemory2 m
  f = vkFlushMappedMemoryRanges m
  i = vkInvalidateMappedMemoryRanges m
  u = vkUnmapMemory2 m
  q = vkMapMemory m
  expect m == VK_SUCCESS
  expect h == VK_SUCCESS
  expect p == VK_SUCCESS
  expect f == VK_SUCCESS
  expect i == VK_SUCCESS
  expect u == VK_SUCCESS
  expect q == VK_SUCCESS
  expect m == ok`;
  assert.deepEqual(diagnostics(body, 'expectation-failed'), []);
  assert.deepEqual(diagnostics(body, 'wrong-kind'), []);
});

test('`!= VK_SUCCESS` after a successful Vulkan call fails, saying the call returned VK_SUCCESS', () => {
  // Not "m is ok": that read as if ok were not VK_SUCCESS. A pointer vkMapMemory handed over is
  // not what the call returned either.
  assert.deepEqual(
    diagnostics(
      '  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory m\n  expect m != VK_SUCCESS\n  expect p != VK_SUCCESS',
      'expectation-failed',
    ),
    [
      'expectation failed: m is VK_SUCCESS, expected anything but VK_SUCCESS',
      'expectation failed: p is VK_SUCCESS, expected anything but VK_SUCCESS',
    ],
  );
});

test('a Vulkan call that failed is not VK_SUCCESS', () => {
  const body = `  m = vkAllocateMemory 2TiB host-visible coherent
  expect m != VK_SUCCESS
  expect m == VK_SUCCESS`;
  const failed = diagnostics(body, 'expectation-failed');
  assert.equal(failed.length, 1);
  assert.match(failed[0]!, /^expectation failed: m is VK_ERROR_OUT_OF_DEVICE_MEMORY, expected VK_SUCCESS$/);
});

test('a raw syscall never returns VK_SUCCESS', () => {
  assert.deepEqual(
    diagnostics('  a = mmap 4KiB rw private anon\n  expect a == VK_SUCCESS', 'expectation-failed'),
    ['expectation failed: a is 0x7fff_f7ff_e000 (it succeeded), expected VK_SUCCESS'],
  );
});

test('vkFreeMemory and vkUnmapMemory return void: comparing them with VK_SUCCESS is a wrong-kind error', () => {
  const body = `  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m
  u = vkUnmapMemory m
  x = vkFreeMemory m
  expect u == VK_SUCCESS
  expect x == VK_SUCCESS`;
  assert.deepEqual(diagnostics(body, 'wrong-kind'), [
    'vkUnmapMemory returns void, not a VkResult: compare u with ok',
    'vkFreeMemory returns void, not a VkResult: compare x with ok',
  ]);
  assert.deepEqual(diagnostics(body, 'expectation-failed'), []);
});

test('`== VK_ERROR_…` after a successful Vulkan call fails, saying the call returned VK_SUCCESS, as the trace does', () => {
  // Not "m is ok" under a trace line `→ VK_SUCCESS`.
  assert.deepEqual(
    diagnostics(
      '  m = vkAllocateMemory 4MiB host-visible\n  p = vkMapMemory m\n  expect m == VK_ERROR_OUT_OF_DEVICE_MEMORY\n  expect p == VK_ERROR_MEMORY_MAP_FAILED\n  expect m != VK_ERROR_OUT_OF_DEVICE_MEMORY',
      'expectation-failed',
    ),
    [
      'expectation failed: m is VK_SUCCESS, expected VK_ERROR_OUT_OF_DEVICE_MEMORY',
      'expectation failed: p is VK_SUCCESS, expected VK_ERROR_MEMORY_MAP_FAILED',
    ],
  );
  // A void command returns no VkResult to compare, an error code no more than VK_SUCCESS.
  const body = `  m = vkAllocateMemory 64KiB host-visible
  x = vkFreeMemory m
  expect x == VK_ERROR_OUT_OF_DEVICE_MEMORY`;
  assert.deepEqual(diagnostics(body, 'wrong-kind'), [
    'vkFreeMemory returns void, not a VkResult: compare x with ok',
  ]);
  assert.deepEqual(diagnostics(body, 'expectation-failed'), []);
});

test('NULL, Mach and GL results are not VkResults: a pointer compared with NULL shows itself, a void command is not wrong-kind for them', () => {
  const body = `  m = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory m
  u = vkUnmapMemory m
  expect p == NULL
  expect u == NULL
  expect u == KERN_SUCCESS`;
  const failed = diagnostics(body, 'expectation-failed');
  assert.match(failed[0] ?? '', /^expectation failed: p is 0x[0-9a-f_]+ \(it succeeded\), expected NULL$/);
  assert.deepEqual(
    diagnostics(body, 'wrong-kind').filter((m) => m.includes('not a VkResult')),
    [],
  );
  // A memory object compared with another API's result: what the call returned, as the trace says.
  assert.deepEqual(
    diagnostics(
      '  m = vkAllocateMemory 64KiB host-visible coherent\n  expect m == KERN_SUCCESS',
      'expectation-failed',
    ),
    ['expectation failed: m is VK_SUCCESS, expected KERN_SUCCESS'],
  );
});
