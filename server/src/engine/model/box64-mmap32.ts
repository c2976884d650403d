// box64's BOX64_MMAP32 (on by default): box64 exports its own `mmap` and `mmap64`, and while
// 32-bit code runs, every `mmap(NULL, …)` that resolves to that symbol gets MAP_32BIT; a call with
// an address (a hint, MAP_FIXED) goes to the kernel as it is (facts vulkan-wine §6 "Box64",
// `src/custommmap.c`: `if(!addr && running32bits && mmap32) box_mmap(…, flags | MAP_32BIT, …)`).
// What MAP_32BIT then means depends on the build: x86-64's is built with NOALIGN (box64
// docs/COMPILE.md, "-DLD80BITS=1 -DNOALIGN=1"), so box_mmap passes the flag to the kernel, which
// places it bottom-up in [1 GiB, 2 GiB) (linux-mm §1.3). arm64 builds have no NOALIGN: box_mmap
// drops the flag and asks find31bitBlockNearHint(NULL, length, 0) for a block, passed as a plain
// hint. Read in box64 src/custommem.c at 93fc3be: with a NULL hint that search starts at
// WINE_LOWEST (0x3000_0000) and walks up while its cursor is below 0xc000_0000, then wraps to
// LOWEST (0x1_0000) up to WINE_LOWEST, in 64 KiB steps (mask 0 means 0xffff). The facts sheet's
// "below 2 GiB" (vulkan-wine §6) is wrong for this: the block can be in [2 GiB, 3 GiB), outside a
// window without large-address-awareness. The search skips what box64 reserved for Wine at
// start-up (box64-prereserve.ts, mapped before the first search): WINE_LOWEST lies inside
// 0x11_0000..0x3011_0000, so the first block it can return is 0x3011_0000, and
// 0x7f00_0000..0x8200_0000 is skipped too.
import { MAP_32BIT } from '../kernel/types';
import { formatHex, formatSize, KiB } from '../numbers';
import type { Simulation } from '../sim/simulation';
import { BOX64_ACTOR } from './layer-actors';
import { box64PrereserveText } from './box64-prereserve';
import { mmapUnseen, type DriverModel } from './driver';

/** Where find31bitBlockNearHint starts for a NULL hint (box64 `custommem.c`, WINE_LOWEST). */
const BOX64_WINE_LOWEST = 0x3000_0000n;
/** The first walk goes on while its cursor is below this (`upper = 0xc0000000`): 3 GiB. */
const BOX64_FIRST_WALK_END = 0xc000_0000n;
/** Where the second walk starts (LOWEST); it stops where the first one started. */
const BOX64_LOWEST = 0x1_0000n;
/**
 * The walks of find31bitBlockNearHint(NULL), in order, as [first start, limit of the start): a
 * block only has to start below the limit, the search takes whatever free room follows it.
 */
const BOX64_NULL_HINT_WALKS: readonly (readonly [bigint, bigint])[] = [
  [BOX64_WINE_LOWEST, BOX64_FIRST_WALK_END],
  [BOX64_LOWEST, BOX64_WINE_LOWEST],
];
/** The end of the kernel's MAP_32BIT range on x86-64: 2 GiB (linux-mm §1.3). */
const MAP_32BIT_END = 0x8000_0000n;
/** box64's search step (`custommem.c`: "granularity 0x10000"), Wine's 64 KiB. */
const BOX64_GRANULARITY = 64n * KiB;

/** What box64's mmap symbol makes of a libc `mmap(NULL, length)`: a flag to add, or a hint. */
export interface Box64Placement {
  /** MAP_32BIT on x86-64; 0 on arm64, where box64 removes the flag. */
  readonly flags: number;
  /** arm64: the block find31bitBlockNearHint found (undefined: none, and the map stays mmap(NULL)). */
  readonly hint: bigint | undefined;
}

/** The placement for a `length`-byte mmap(NULL), with a trace line saying what box64 did. */
export function box64Placement(sim: Simulation, length: bigint): Box64Placement {
  if (sim.platform.kernel.arch === 'x86_64') {
    sim.note(BOX64_ACTOR, 'BOX64_MMAP32: mmap(NULL) gets MAP_32BIT', '', true);
    return { flags: MAP_32BIT, hint: undefined };
  }
  const hint = find31bitBlockWithoutHint(sim, length);
  sim.note(
    BOX64_ACTOR,
    `BOX64_MMAP32: no MAP_32BIT on arm64; find31bitBlockNearHint(NULL, ${formatSize(length)})`,
    hint !== undefined
      ? `hint ${formatHex(hint)}`
      : `no free block starts in ${box64WalksText()}: mmap(NULL) as it is`,
    hint !== undefined,
  );
  return { flags: 0, hint };
}

/**
 * box64's find31bitBlockNearHint(NULL, length, 0): the first walk that finds a free 64 KiB-aligned
 * block. box64 searches its own record of the mappings (mapallmem: /proc/self/maps read at start,
 * its Wine reservation, then every mmap through its symbols, re-read when the kernel did not take
 * a hint); drvmap searches the simulated address space, the same when that record is current. Its
 * Wine reservation is there as the box64 VMAs box64-prereserve.ts maps at start-up, so the search
 * skips it as box64's does, without a list of its own.
 */
function find31bitBlockWithoutHint(sim: Simulation, length: bigint): bigint | undefined {
  for (const [start, startEnd] of BOX64_NULL_HINT_WALKS) {
    const block = sim.findSpaceStartingIn(start, startEnd, length, BOX64_GRANULARITY);
    if (block !== undefined) return block;
  }
  return undefined;
}

/** The walks as text, in box64's order: `0x3000_0000..0xc000_0000, then 0x1_0000..0x3000_0000`. */
function box64WalksText(): string {
  return BOX64_NULL_HINT_WALKS.map(([start, end]) => `${formatHex(start)}..${formatHex(end)}`).join(
    ', then ',
  );
}

/**
 * `window-exhausted` for a mapping box64 could not put low: the kernel's MAP_32BIT range is full
 * (ENOMEM), or on arm64 no free block starts where find31bitBlockNearHint looks and the mapping
 * went high. Who holds the range is the point of H9: the driver's own pools and slabs are there too.
 */
export function reportBox64NoRoom(sim: Simulation, driver: string, length: bigint): void {
  const x86 = sim.platform.kernel.arch === 'x86_64';
  const start = x86 ? sim.platform.kernel.map32bitBegin : BOX64_LOWEST;
  const end = x86 ? MAP_32BIT_END : BOX64_FIRST_WALK_END;
  const holders = sim.holdersIn(start, end);
  // x86-64 names its range in the sentence; arm64's two walks are not one range, so name it here.
  const holder = x86 ? 'it' : `${formatHex(start)}..${formatHex(end)}`;
  const where = x86
    ? `the kernel's MAP_32BIT range ${formatHex(start)}..${formatHex(end)} (1 GiB, linux-mm §1.3) has no free ${formatSize(length)} block, so the mmap fails with ENOMEM`
    : `box64's find31bitBlockNearHint found no free ${formatSize(length)} block starting in ${box64WalksText()} outside its own reservation for Wine (${box64PrereserveText()}), so the mmap went where mmap(NULL) goes, above 4 GiB`;
  sim.finding(
    'window-exhausted',
    `box64 forced ${driver}'s mmap(NULL) low (BOX64_MMAP32), but ${where}${holders ? `; ${holder} holds ${holders}` : ''} — every mmap(NULL) of the driver, its internal pools and slabs included, competes for it (H9)`,
  );
}

/** Why box64 never saw the driver's mappings, when it did not (box64#1946: "libc mmap or syscall mmap"). */
export function box64MissedMapping(model: DriverModel): string | undefined {
  return model.mmapVia !== 'libc'
    ? `${model.name} ${mmapUnseen(model.mmapVia)}, not box64's mmap symbol, so the mapping lands where mmap(NULL) does`
    : undefined;
}
