// An expectation that names a step's failure, and holds, makes it intended: a raw refusal is not
// reported; what explains a Vulkan or GL failure is shown as information, "(expected) …".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function shown(text: string): string[] {
  return analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code} ${d.message.slice(0, 11)}`);
}

const ALIAS_OF_A_BO = (expectation: string) => `scenario "s" {
  driver radv {
    preset radv
  }
  strategy alias
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
${expectation}
}`;

test('a Vulkan failure the scenario expects: its kernel refusal is information', () => {
  assert.deepEqual(shown(ALIAS_OF_A_BO('  expect p == VK_ERROR_MEMORY_MAP_FAILED')), [
    'info kernel-refused (expected) ',
  ]);
});

test('not expected, or expected otherwise: the refusal stays an error', () => {
  assert.deepEqual(shown(ALIAS_OF_A_BO('')), ["error kernel-refused wine's mrem"]);
  assert.deepEqual(shown(ALIAS_OF_A_BO('  expect p == VK_ERROR_OUT_OF_HOST_MEMORY')), [
    "error kernel-refused wine's mrem",
    'error expectation-failed expectation',
  ]);
});

test('a GL error the scenario expects is information', () => {
  const text = (expectation: string) => `scenario "gl" {
  b = glBufferData 64KiB
  p = glMapBufferRange b, 60KiB, 8KiB write
${expectation}
}`;
  assert.deepEqual(shown(text('  expect p == GL_INVALID_VALUE')), ['info gl-error (expected) ']);
  assert.deepEqual(shown(text('')), ['error gl-error GL_INVALID_']);
});

test('a raw syscall refusal the scenario expects is not reported at all', () => {
  assert.deepEqual(shown('scenario "r" {\n  a = mmap 0 rw private anon\n  expect a == EINVAL\n}'), []);
  assert.deepEqual(shown('scenario "r" {\n  a = mmap 0 rw private anon\n}'), [
    'error kernel-refused mmap(NULL, ',
  ]);
});

test('an expected failure that an `expect diagnostic` also names is marked once', () => {
  const text = ALIAS_OF_A_BO('  expect p == VK_ERROR_MEMORY_MAP_FAILED\n  expect diagnostic kernel-refused');
  const [only] = analyseDocument(text).diagnostics;
  assert.match(only?.message ?? '', /^\(expected\) wine's mremap/);
  assert.doesNotMatch(only?.message ?? '', /\(expected\) \(expected\)/);
});

test('an expected fault: the access-fault that explains it is information', () => {
  assert.deepEqual(shown('scenario "f" {\n  w = host writes 0x1000, 4\n  expect w == SIGSEGV\n}'), [
    'info access-fault (expected) ',
  ]);
  assert.deepEqual(shown('scenario "f" {\n  w = host writes 0x1000, 4\n}'), [
    'error access-fault host gets S',
  ]);
});

test('a GL client-pointer map the scenario expects to fail: the range that is too small is information', () => {
  const text = (expectation: string) => `scenario "gl" {
  driver mesa {
    gl-client-pointer
  }
  low = mmap 16KiB rw private anon at 0x1000_0000 by wine
  glAddClientPointerRangeMESA low, 16KiB by wine
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0, 64KiB write
${expectation}
}`;
  assert.deepEqual(shown(text('  expect p == GL_OUT_OF_MEMORY')), [
    'info gl-client-range-too-small (expected) ',
  ]);
  assert.deepEqual(shown(text('')), ['error gl-client-range-too-small no room for']);
});

test('a run cut short (maxSteps) still takes an `expect NAME == FAILURE` past the cut: its steps are judged as in the whole run', () => {
  const text = (far: string) =>
    `scenario "s" {\n  x = munmap 0x1001, 4KiB\n  munmap 0x1000_0000, 4KiB\n  munmap 0x1000_0000, 4KiB\n${far}}\n`;
  const cut = (t: string) =>
    analyseDocument(t, { maxSteps: 2 }).diagnostics.map((d) => `${d.severity} ${d.code}`);
  // Whole, the munmap's EINVAL is intended; cut after step 2, it was reported as if nothing expected it.
  assert.ok(!shown(text('  expect x == EINVAL\n')).some((d) => d.includes('kernel-refused')));
  assert.ok(!cut(text('  expect x == EINVAL\n')).includes('error kernel-refused'));
  // Only one that holds excuses: another errno does not, and the step still fails within the cut.
  assert.ok(cut(text('  expect x == ENOMEM\n')).includes('error kernel-refused'));
  assert.ok(cut(text('')).includes('error kernel-refused'));
});
