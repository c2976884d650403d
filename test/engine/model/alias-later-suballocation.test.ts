// An alias is page granular (mremap(old_size = 0) on Linux, mach_vm_remap on macOS): a pool
// suballocation made after the map, in pages the alias duplicates, is exposed to 32-bit code as
// one made before it is (H1; review: hazards, finding 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from './helpers';

/** Each diagnostic with the source text it is on, and where its related information points. */
const found = (text: string) =>
  analyse(text).diagnostics.map((d) => ({
    code: d.code,
    message: d.message,
    at: text.slice(d.range.start, d.range.end),
    related: d.related.map((r) => `${text.slice(r.range.start, r.range.end)}: ${r.message}`),
  }));

const linux = (steps: string) => `scenario "s" {
  kernel 6.6
  driver d {
    maps pool
    backing shmem
  }
  strategy alias
  a = vkAllocateMemory 1KiB host-visible
  p = vkMapMemory a
${steps}
}
`;

test('Linux: a suballocation after the alias, in its page, is alias-exposes-neighbours at its allocation', () => {
  const text = linux(
    '  b = vkAllocateMemory 1KiB host-visible\n  w = driver writes b, 8\n  app reads p + 0x400, 8',
  );
  assert.deepEqual(found(text), [
    {
      code: 'alias-exposes-neighbours',
      message:
        'b lands in pages aliased into the window at step 2: mremap(old_size = 0) is page granular: the alias of a covers 0x7fff_f3ff_f000..0x7fff_f400_0000 (0 B before it and 3 KiB after it), so 32-bit code can read and write b (1 KiB at 0x1_0400..0x1_0800) through the low alias',
      at: 'b = vkAllocateMemory 1KiB host-visible',
      related: ['p = vkMapMemory a: the alias of a was made here'],
    },
  ]);
});

test('Linux: once the alias is unmapped, a later suballocation is not exposed', () => {
  assert.deepEqual(found(linux('  vkUnmapMemory a\n  b = vkAllocateMemory 1KiB host-visible')), []);
});

test('Linux: a suballocation outside the aliased pages is not exposed', () => {
  assert.deepEqual(
    found(linux('  b = vkAllocateMemory 3KiB host-visible\n  c = vkAllocateMemory 1KiB host-visible')).map(
      (d) => d.message.slice(0, 2),
    ),
    ['b '],
  );
});

test('macOS: the same with mach_vm_remap, and the expectation that proves the exposure still holds', () => {
  const text = `scenario "s" {
  platform macos
  driver gpu {
    maps pool
  }
  strategy alias
  a = vkAllocateMemory 1KiB host-visible
  pa = vkMapMemory a
  b = vkAllocateMemory 1KiB host-visible
  y = gpu writes b + 0x10, 16
  expect app reads pa + 0x410, 16 == y
}
`;
  const all = found(text);
  assert.deepEqual(
    all.map((d) => d.code),
    ['alias-exposes-neighbours'],
  );
  assert.match(
    all[0]!.message,
    /^b lands in pages aliased into the window at step 2: mach_vm_remap is page granular/,
  );
});
