// H7 for the application's placed map (vulkan-wine §4, Appendix A.1): the driver maps the BO
// rounded up to whole pages with MAP_FIXED, so a smaller reservation is overrun.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from './helpers';

const placed = (reservations: string, size: string) => `scenario "spill" {
${reservations}
  m = vkAllocateMemory ${size} host-visible
  p = vkMapMemory2 m placed at 0x2000_0000
}
`;

function clobbers(text: string): string[] {
  return analyse(text)
    .diagnostics.filter((d) => d.code === 'fixed-clobber')
    .map((d) => d.message);
}

test('a BO larger than its reservation replaces the next reservation (fires)', () => {
  const two = '  r1 = reserve 64KiB at 0x2000_0000 by wine\n  r2 = reserve 64KiB at 0x2001_0000 by host';
  assert.deepEqual(clobbers(placed(two, '68KiB')), [
    'the driver maps 68 KiB with MAP_FIXED at 0x2000_0000 (the BO rounded up to whole pages), 4 KiB past the reservation r1 that ends at 0x2001_0000: it replaces r2 of host (H7)',
  ]);
});

test('a BO larger than its reservation maps over unreserved space (fires)', () => {
  const [message] = clobbers(placed('  r1 = reserve 64KiB at 0x2000_0000 by wine', '68KiB'));
  assert.match(message ?? '', /4 KiB past the reservation r1 .*: it maps over space nobody reserved/);
});

test('a BO that fits, or fills, its reservation: nothing spills (does not fire)', () => {
  const two = '  r1 = reserve 64KiB at 0x2000_0000 by wine\n  r2 = reserve 64KiB at 0x2001_0000 by wine';
  assert.deepEqual(clobbers(placed(two, '64KiB')), []);
  assert.deepEqual(clobbers(placed('  r1 = reserve 1MiB at 0x2000_0000 by wine', '68KiB')), []);
});

test("a spill over another actor's ordinary mapping is reported once, by fixed-clobber's own check", () => {
  const mapped =
    '  r1 = reserve 64KiB at 0x2000_0000 by wine\n  d = mmap 64KiB rw private anon at 0x2001_0000 fixed by app';
  const messages = clobbers(placed(mapped, '68KiB'));
  assert.equal(messages.length, 1, messages.join(' | '));
  assert.match(messages[0]!, /silently replaced 4 KiB of d made by app/);
});

test('a placed map whose MAP_FIXED mmap fails (unaligned address) spills nothing (does not fire)', () => {
  const text = `scenario "fc" {
  res = reserve 64KiB at 0x2000_0000 by wine
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0100
}
`;
  const codes = analyse(text).diagnostics.map((d) => d.code);
  assert.ok(codes.includes('kernel-refused'), codes.join(', '));
  assert.deepEqual(clobbers(text), []);
});

test('a spill says where each reservation it spills from and into was made, and the allocation whose size spilled', () => {
  const text = `scenario "a 68 KiB BO placed in a 64 KiB reservation" {
  r1 = reserve 64KiB at 0x2000_0000 by wine
  r2 = reserve 64KiB at 0x2001_0000 by wine
  m = vkAllocateMemory 68KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000
}
`;
  const found = analyse(text).diagnostics.filter((d) => d.code === 'fixed-clobber');
  assert.equal(found.length, 1);
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  assert.deepEqual(
    found[0]!.related.map((r) => [lineOf(r.range.start), r.message]),
    [
      [2, 'r1 reserved here (step 1, by wine)'],
      [3, 'r2 reserved here (step 2, by wine)'],
      [4, 'm allocated here (68 KiB)'],
    ],
  );
});
