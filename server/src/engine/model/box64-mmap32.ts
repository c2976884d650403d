// box64's BOX64_MMAP32 (on by default): box64 exports its own `mmap` and `mmap64`, and while
// 32-bit code runs, every `mmap(NULL, …)` that resolves to that symbol gets MAP_32BIT; a call with
// an address (a hint, MAP_FIXED) goes to the kernel as it is (facts vulkan-wine §6 "Box64",
// `src/custommmap.c`: `if(!addr && running32bits && mmap32) box_mmap(…, flags | MAP_32BIT, …)`).
// What MAP_32BIT then means depends on the host: x86-64's kernel places it bottom-up in
// [1 GiB, 2 GiB) (linux-mm §1.3); arm64 has no MAP_32BIT, so box64 drops the flag and picks a
// free block below 2 GiB itself (`find31bitBlockNearHint`, vulkan-wine §6), passed as a hint.
import { MAP_32BIT } from '../kernel/types';
import { formatHex, formatSize, KiB } from '../numbers';
import type { Simulation } from '../sim/simulation';
import type { DriverModel } from './driver';

/** Where find31bitBlockNearHint starts without a hint (box64 `custommem.c`, LOWEST). */
const BOX64_LOWEST = 0x1_0000n;
/** Both MAP_32BIT's end on x86-64 and box64's emulated limit: 2 GiB. */
const BELOW_2GIB = 0x8000_0000n;
/** box64's search granularity (`custommem.c`: "granularity 0x10000"), Wine's 64 KiB. */
const BOX64_GRANULARITY = 64n * KiB;

/** What box64's mmap symbol makes of a libc `mmap(NULL, length)`: a flag to add, or a hint. */
export interface Box64Placement {
  /** MAP_32BIT on x86-64; 0 on arm64, where box64 removes the flag. */
  readonly flags: number;
  /** arm64: the block box64 found below 2 GiB (undefined: none, and the map stays mmap(NULL)). */
  readonly hint: bigint | undefined;
}

/** The placement for a `length`-byte mmap(NULL), with a trace line saying what box64 did. */
export function box64Placement(sim: Simulation, length: bigint): Box64Placement {
  if (sim.platform.kernel.arch === 'x86_64') {
    sim.note('box64', 'BOX64_MMAP32: mmap(NULL) gets MAP_32BIT', '', true);
    return { flags: MAP_32BIT, hint: undefined };
  }
  const hint = sim.findSpaceIn(BOX64_LOWEST, BELOW_2GIB, length, BOX64_GRANULARITY);
  sim.note(
    'box64',
    `BOX64_MMAP32: no MAP_32BIT on arm64; find31bitBlockNearHint(${formatSize(length)})`,
    hint !== undefined ? `hint ${formatHex(hint)}` : 'nothing free below 2 GiB: mmap(NULL) as it is',
    hint !== undefined,
  );
  return { flags: 0, hint };
}

/**
 * `window-exhausted` for a mapping box64 could not put low: the kernel's MAP_32BIT range is full
 * (ENOMEM), or on arm64 box64 found no block below 2 GiB and the mapping went high. Who holds the
 * range is the point of H9: the driver's own pools and slabs are there too.
 */
export function reportBox64NoRoom(sim: Simulation, driver: string, length: bigint): void {
  const x86 = sim.platform.kernel.arch === 'x86_64';
  const start = x86 ? sim.platform.kernel.map32bitBegin : BOX64_LOWEST;
  const range = `${formatHex(start)}..${formatHex(BELOW_2GIB)}`;
  const holders = sim.holdersIn(start, BELOW_2GIB);
  const where = x86
    ? `the kernel's MAP_32BIT range ${range} (1 GiB, linux-mm §1.3) has no free ${formatSize(length)} block, so the mmap fails with ENOMEM`
    : `box64 found no free ${formatSize(length)} block below 2 GiB (${range}), so the mmap went where mmap(NULL) goes, above 4 GiB`;
  sim.finding(
    'window-exhausted',
    `box64 forced ${driver}'s mmap(NULL) low (BOX64_MMAP32), but ${where}${holders ? `; it holds ${holders}` : ''} — every mmap(NULL) of the driver, its internal pools and slabs included, competes for it (H9)`,
  );
}

/** Why box64 never saw the driver's mappings, when it did not (box64#1946: "libc mmap or syscall mmap"). */
export function box64MissedMapping(model: DriverModel): string | undefined {
  return model.mmapVia === 'syscall'
    ? `${model.name} calls the mmap syscall directly, not box64's mmap symbol, so the mapping lands where mmap(NULL) does`
    : undefined;
}
