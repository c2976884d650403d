// `reserve … by wine` is an application's MEM_RESERVE, and Wine refuses a fixed-address one over
// any of its views (map_fixed_area's find_view_range, wine-mirror/wine dlls/ntdll/unix/virtual.c):
// also a view whose pages the driver's placed map replaced, which drvmap read off the VMAs' owner
// and so mapped over with MAP_FIXED inside a reserved area (fixed-clobber, then a fault).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function problems(lines: readonly string[]): string[] {
  const text = `scenario "s" {\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;
  return analyseDocument(text)
    .diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => `${d.code}: ${d.message}`);
}

const codes = (lines: readonly string[]) => problems(lines).map((p) => p.slice(0, p.indexOf(':')));

const PLACED_MAP = ['mem = vkAllocateMemory 64KiB host-visible', 'p = vkMapMemory mem'];

test("a MEM_RESERVE over a placed map inside a reserved area conflicts with Wine's view: the map stays", () => {
  const found = problems([
    'reserve 0x67ff_0000 at 0x1_0000 by wine preloaded',
    'strategy placed',
    ...PLACED_MAP,
    'res = reserve 64KiB at 0x1_0000 by wine',
    'app writes p, 4',
  ]);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(found[0]!, /^kernel-refused: mmap\(0x1_0000, .*MAP_FIXED_NOREPLACE.* fails with EEXIST/);
});

test('box64 (mmap32): a MEM_RESERVE over a placed map in its start-up area conflicts, as outside one', () => {
  assert.deepEqual(
    codes([
      'strategy mmap32',
      ...PLACED_MAP,
      'res = reserve 64KiB at p by wine',
      'expect res == EEXIST',
      'app writes p, 4',
    ]),
    [],
  );
});

test('a remap strategy: a MEM_RESERVE over the moved pages conflicts with the reservation Wine made', () => {
  assert.deepEqual(
    codes([
      'reserve 0x67ff_0000 at 0x1_0000 by wine preloaded',
      'strategy remap-move',
      ...PLACED_MAP,
      'res = reserve 64KiB at p by wine',
      'expect res == EEXIST',
      'app writes p, 4',
    ]),
    [],
  );
});

test('a view Wine released is room again: a MEM_RESERVE after vkUnmapMemory takes it', () => {
  assert.deepEqual(
    codes([
      'reserve 0x67ff_0000 at 0x1_0000 by wine preloaded',
      'strategy placed',
      ...PLACED_MAP,
      'vkUnmapMemory mem',
      'res = reserve 64KiB at 0x1_0000 by wine',
      'expect res == 0x1_0000',
    ]),
    [],
  );
});

test('MEM_RESERVE rounds its base down to 64 KiB and its end up to the page', () => {
  assert.deepEqual(
    codes([
      'res = reserve 64KiB at 0x1000_0800 by wine',
      'expect res == 0x1000_0000',
      // The page-rounded end: 0x1001_0800 → 0x1001_1000, so 0x1001_0000 is reserved (PROT_NONE).
      'app writes 0x1001_0000, 4',
    ]),
    ['access-fault'],
  );
});

test("two MEM_RESERVEs in one 64 KiB block: the second's base rounds onto the first's view", () => {
  assert.deepEqual(
    codes([
      'a = reserve 4KiB at 0x1000_0000 by wine',
      'b = reserve 4KiB at 0x1000_1000 by wine',
      'expect a == 0x1000_0000',
      'expect b == EEXIST',
    ]),
    [],
  );
});

test("a MEM_RESERVE without an address is found in the 32-bit window, as Wine's other allocations", () => {
  assert.deepEqual(
    codes([
      'a = reserve 64KiB by wine',
      'b = reserve 4KiB by wine',
      'expect a == 0x1_0000',
      'expect b == 0x2_0000',
    ]),
    [],
  );
});

test('a MEM_RESERVE over KUSER_SHARED_DATA conflicts with its view, with no mmap made', () => {
  const found = problems(['res = reserve 64KiB at 0x7ffe_0000 by wine', 'expect res == EEXIST']);
  assert.deepEqual(found, []);
  const refused = problems(['res = reserve 64KiB at 0x7ffe_0000 by wine']);
  assert.equal(refused.length, 1, refused.join('\n'));
  assert.match(
    refused[0]!,
    /^kernel-refused: NtAllocateVirtualMemory\(0x7ffe_0000, .*STATUS_CONFLICTING_ADDRESSES/,
  );
});

test("another actor's reservation is the plain mmap: not rounded, not searched in the window", () => {
  assert.deepEqual(codes(['res = reserve 64KiB at 0x1000_0800 by app', 'expect res == EINVAL']), []);
});

test('a MEM_RESERVE whose rounded base lies in the low 64 KiB is STATUS_INVALID_PARAMETER, with no mmap', () => {
  // allocate_virtual_memory: `if (base < 0x10000 || wrap-around || is_beyond_limit( base, size,
  // address_space_limit )) return STATUS_INVALID_PARAMETER;` before map_view (facts linux-mm §7.2).
  for (const line of ['x = reserve 0x1000 at 0x8000 by wine', 'x = reserve 64KiB at 0x2000 by wine']) {
    const found = problems([line]);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(
      found[0]!,
      /^kernel-refused: NtAllocateVirtualMemory\(0x[0-9a-f_]+, .*MEM_RESERVE\) fails with EINVAL/,
    );
    assert.match(found[0]!, /STATUS_INVALID_PARAMETER/);
    assert.doesNotMatch(found[0]!, /mmap\(|EPERM|mmap_min_addr/);
    assert.deepEqual(problems([line, 'expect x == EINVAL']), []);
  }
  // 0x1_0000 itself is the lowest base Wine takes.
  assert.deepEqual(problems(['x = reserve 64KiB at 0x1_0000 by wine']), []);
});

test("a MEM_RESERVE past WOW64's address_space_limit (0x7fff_ffff_0000) is STATUS_INVALID_PARAMETER", () => {
  // dlls/ntdll/unix/virtual.c: `#ifdef _WIN64 … address_space_limit = (void *)0x7fffffff0000`, the
  // 64-bit ntdll WOW64 runs; its last 64 KiB below that limit is still Wine's to take.
  const beyond = problems(['x = reserve 128KiB at 0x7fff_fffe_0000 by wine']);
  assert.equal(beyond.length, 1, beyond.join('\n'));
  assert.match(beyond[0]!, /address_space_limit 0x7fff_ffff_0000.*STATUS_INVALID_PARAMETER/);
  assert.doesNotMatch(beyond[0]!, /mmap\(/);
});
