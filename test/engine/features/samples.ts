// Example scenarios the feature tests run over (formatting must not change their diagnostics,
// quick fixes must remove theirs). Files in examples/ are added when present.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REMAP_VULKAN = `scenario "remap a Vulkan mapping below 4 GiB" {
  kernel 5.15
  driver mesa {
    maps at-alloc
    backing device
    caches-pointer
  }
  strategy remap-dontunmap
  mem = vkAllocateMemory 16MiB host-visible coherent
  p   = vkMapMemory mem
  app writes p + 0x100, 64
  w = driver writes mem + 0x100, 64
  expect app reads p + 0x100, 64 == w
}
`;

export const DONTUNMAP = `scenario "DONTUNMAP keeps the old range, but empty" {
  kernel 6.6
  a = mmap 2MiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  expect read a, 1 == 0x00
  expect read b, 1 == 0xAB
}
`;

export const NO_STRATEGY = `scenario "the driver's pointer, as it is" {
  mem = vkAllocateMemory 16MiB host-visible coherent
  p = vkMapMemory mem
  app writes p + 0x100, 64
}
`;

export const PLACED_MISALIGNED = `scenario "placed at an odd address" {
  driver mesa {
    placed-map 64KiB
  }
  res = reserve 64MiB at 0x1000_0000 by wine
  mem = vkAllocateMemory 16MiB host-visible
  p = vkMapMemory2 mem placed at 0x1000_1000
}
`;

export const MESSY = `# a comment before everything
scenario   "messy"{
kernel    6.6
	driver mesa{
	    maps   at-map
  backing device   # trailing comment
 }
a=mmap 2MiB rw private anon
   b = mremap a,2MiB ,2MiB,maymove|dontunmap
q = mmap 4 KiB rw private anon at ( a + 0x20_0000 )
munmap a + -0x0 + 4KiB , 4KiB
  // another comment
expect read b,1 == 0x00
}
`;

export const RAW_SYSCALLS = `scenario "raw syscalls" {
  kernel 6.18
  window 0x1_0000 .. 0xffff_0000
  f = open memfd "wow64buf" 20KiB
  a = mmap 20KiB rw shared fd f
  b = mremap a, 0, 20KiB, maymove
  write a, 4KiB, 0x11
  expect read b, 1 == 0x11
  c = mmap 4KiB rw private anon at 0x1234 fixed
  expect c == EINVAL
  munmap a, 20KiB
  expect unmapped a
}
`;

export const WINDOW_EXHAUSTED = `scenario "too big for 2 GiB" {
  strategy placed
  mem = vkAllocateMemory 2GiB host-visible
  p = vkMapMemory mem
}
`;

export const TYPO = `scenario "typo" {
  a = mmap 4KiB rw private anon
  Munmap a, 4KiB
}
`;

export const SAMPLES: Readonly<Record<string, string>> = {
  REMAP_VULKAN,
  DONTUNMAP,
  NO_STRATEGY,
  PLACED_MISALIGNED,
  MESSY,
  RAW_SYSCALLS,
  WINDOW_EXHAUSTED,
  TYPO,
  ALL: [REMAP_VULKAN, DONTUNMAP, NO_STRATEGY, PLACED_MISALIGNED, RAW_SYSCALLS].join('\n'),
};

/** The samples above plus every examples/*.drvmap of the repository. */
export function allSamples(): [string, string][] {
  const out = Object.entries(SAMPLES);
  for (const dir of ['examples', 'test/e2e/fixtures/workspace']) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir))
      if (name.endsWith('.drvmap')) out.push([join(dir, name), readFileSync(join(dir, name), 'utf8')]);
  }
  return out;
}
