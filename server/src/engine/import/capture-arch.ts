// A capture that maps at or above x86-64's TASK_SIZE (0x7fff_ffff_f000) came from an arm64
// process: its TASK_SIZE is 1 << 48 (TASK_SIZE_64 = 1 << vabits_actual, 48 bits on Apple's CPUs
// and the defconfigs; arch/arm64/include/asm/processor.h), and its mmap_base sits just below
// that. Replayed on the default x86-64 model every such map is ENOMEM, so both importers write
// `arch arm64` and say why, as they write `privileged` (min-addr.ts). An x86-64 capture stays
// below TASK_SIZE (its [vsyscall] line, at 0xffff_ffff_ff60_0000, is above 1 << 48), so its
// import is unchanged; only 5-level paging maps x86-64 memory higher, and only at a hint above
// 47 bits (arch/x86/mm/mmap.c), which such a capture would have to be told apart by hand. The page size is nowhere in a capture (4, 16 and 64 KiB kernels
// print the same lines), so it is named, not guessed: 16 KiB on Asahi Linux and Apple M1.
import { formatHex, formatSize, KiB } from '../numbers';
import { ARM64_TASK_SIZE, X86_64_TASK_SIZE } from '../kernel/config';

/** The page sizes an arm64 kernel may have beyond the 4 KiB the model assumes. */
const LARGER_PAGES: readonly bigint[] = [16n * KiB, 64n * KiB];

/** Whether a mapping at `address` exists on arm64 only. */
export function isArm64Only(address: bigint): boolean {
  return address >= X86_64_TASK_SIZE && address < ARM64_TASK_SIZE;
}

/** The highest of `addresses` that only arm64 has, or undefined when none. */
export function highestArm64Address(addresses: Iterable<bigint>): bigint | undefined {
  let highest: bigint | undefined;
  for (const a of addresses) if (isArm64Only(a) && (highest === undefined || a > highest)) highest = a;
  return highest;
}

/** The setting (and its reason) for a capture that maps at `highest`, above x86-64's TASK_SIZE. */
export function arm64Capture(highest: bigint): string[] {
  return [
    `  # the capture maps at ${formatHex(highest)}, above x86-64's TASK_SIZE ${formatHex(X86_64_TASK_SIZE)}: an arm64 process (TASK_SIZE 1 << 48), where x86-64's every map there is ENOMEM`,
    `  # its page size is not in the capture, and 4 KiB is simulated: on 16 KiB pages (Asahi Linux, Apple M1) add \`page-size 16KiB\`, on 64 KiB \`page-size 64KiB\``,
    '  arch arm64',
  ];
}

/**
 * A comment on what the importer computed with 4 KiB pages (`what`) is on the larger pages
 * (`of(page)`): on an arm64 capture the page size is unknown, so each is named.
 */
export function onLargerPages(what: string, of: (pageSize: bigint) => string): string {
  const others = LARGER_PAGES.map(
    (page) => `${of(page)} with \`page-size ${formatSize(page).replace(' ', '')}\``,
  );
  return `  # ${what} assumes 4 KiB pages: ${others.join(', ')}`;
}
