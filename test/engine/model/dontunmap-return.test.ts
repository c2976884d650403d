// fixed-clobber and remap-dontunmap of private anonymous memory: moving the pages back over the
// range their own MREMAP_DONTUNMAP emptied loses nothing while that range has no pages of its
// own (facts linux-mm §3.5 a); once something faulted pages into it, they are lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';

const remapped = (between: string) => `scenario "remap unmap" {
  kernel 6.6
  driver d {
    preset lavapipe
    backing anon
  }
  strategy remap-dontunmap
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 16, 0xab
${between}
  vkUnmapMemory mem
  expect d reads mem, 1 == 0xab
}
`;

test('pages moved back over their own emptied DONTUNMAP source: no fixed-clobber', () => {
  assert.deepEqual(codes(remapped('')), []);
  // A read maps the zero page: the range still has no pages of its own (stale-pointer says the read was wrong).
  assert.deepEqual(codes(remapped('  d reads mem + 32, 4')), ['stale-pointer']);
});

test('pages moved back over an emptied source that something wrote into since: fixed-clobber', () => {
  const diagnostics = analyse(remapped('  d writes mem + 32, 4')).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['stale-pointer', 'fixed-clobber'],
  );
  assert.match(diagnostics[1]!.message, /silently replaced 64 KiB of mem made by d; its contents are gone/);
});

test('one of two allocations in one merged anonymous VMA, moved and moved back: no fixed-clobber', () => {
  const text = `scenario "two" {
  kernel 6.6
  driver d {
    preset lavapipe
    backing anon
  }
  strategy remap-dontunmap
  a = vkAllocateMemory 64KiB host-visible coherent
  b = vkAllocateMemory 64KiB host-visible coherent
  d writes a, 16
  w = d writes b, 16
  p = vkMapMemory a
  vkUnmapMemory a
  expect d reads b, 16 == w
}
`;
  assert.deepEqual(codes(text), []);
});

const raw = (back: string) => `scenario "raw" {
  kernel 6.6
  actor gpu
  a = mmap 64KiB rw private anon by gpu
  gpu writes a, 16
  res = reserve 64KiB by wine
  m = mremap a, 64KiB, 64KiB, maymove | fixed | dontunmap, res by wine
  o = mmap 64KiB rw private anon by wine
  wine writes o, 16
  mremap ${back}, 64KiB, 64KiB, maymove | fixed, a by wine
}
`;

test('raw mremaps: the moved pages back over their emptied source are fine; other pages over it are a clobber', () => {
  assert.deepEqual(codes(raw('m')), []);
  assert.deepEqual(codes(raw('o')), ['fixed-clobber']);
});

test("a MAP_FIXED over another actor's never-written mapping: reported, saying nothing is lost yet", () => {
  const text = (write: string) => `scenario "fixed over" {
  actor gpu
  a = mmap 64KiB rw private anon by gpu
${write}  b = mmap 16KiB rw private anon at a fixed
}
`;
  const [unwritten] = analyse(text('')).diagnostics.filter((d) => d.code === 'fixed-clobber');
  assert.match(
    unwritten?.message ?? '',
    /silently replaced 16 KiB of a made by gpu; it held no pages of its own \(emptied by a move, or never written\), so nothing is lost yet, but gpu does not know: its own later unmap or move of that range would take host's mapping/,
  );
  // A shared mapping's pages are its object's: replacing its only mapping loses them.
  const [shared] = analyse(
    text('  gpu writes a, 16\n').replace('rw private anon by gpu', 'rw shared anon by gpu'),
  ).diagnostics.filter((d) => d.code === 'fixed-clobber');
  assert.match(shared?.message ?? '', /its contents are gone and gpu does not know/);
  const [written] = analyse(text('  gpu writes a, 16\n')).diagnostics.filter(
    (d) => d.code === 'fixed-clobber',
  );
  assert.match(
    written?.message ?? '',
    /silently replaced 16 KiB of a made by gpu; its contents are gone and gpu does not know/,
  );
});
