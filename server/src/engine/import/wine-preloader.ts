// Wine's preloader reservations in a /proc/PID/maps capture. Wine's 64-bit preloader, the one a
// WOW64 process runs (loader/preloader.c, wine-mirror/wine read at d556ee87; the x86-64 and
// aarch64 build share the `#else` table), maps each range of `preload_info` PROT_NONE,
// MAP_FIXED|MAP_PRIVATE|MAP_ANON|MAP_NORESERVE before Wine's code runs (wld_start), and hands the
// list to ntdll as wine_main_preload_info, whose virtual_init makes each a reserved area
// (mmap_add_reserved_area): room for Wine's own allocations, which map over it with MAP_FIXED
// (sim/wine-reserved-areas.ts). A `---p` anonymous line inside one of them is such a placeholder,
// or the rest of one after Wine took a part, or one Wine put back after a release (unmap_area) —
// or an application's MEM_RESERVE view there, which maps shows alike (a view is PROT_NONE and
// MAP_NORESERVE too): only Wine's view list tells them apart.
import { formatHex } from '../numbers';
import { withReservedArea, type ReservedArea } from '../sim/wine-reserved-areas';

/**
 * The 64-bit preloader's ranges, as [start, end). Older Wine reserved `0x7ff0_0000..0x7fff_0000`
 * for the shared user data instead of `0x7f00_0000..0x7fff_0000`: it lies inside, so a capture of
 * that Wine is read right too. Not known here: a WINEPRELOADRESERVE range (the environment's).
 */
export const WINE_PRELOADER_RANGES: readonly (readonly [bigint, bigint])[] = [
  [0x1_0000n, 0x11_0000n], // DOS area
  [0x11_0000n, 0x6800_0000n], // low memory area
  [0x7f00_0000n, 0x7fff_0000n], // 32-bit top-down allocations + shared user data
  [0x7fff_fe00_0000n, 0x7fff_ffff_0000n], // top-down allocations + virtual heap
];

/**
 * Whether a maps pathname is Wine's: the preloader (`wine-preloader`, `wine64-preloader`, what
 * Proton's and distributions' builds keep), ntdll's Unix side (`ntdll.so`, loaded in every Wine
 * process, with or without the preloader) or anything under a `/wine/` directory (Wine's
 * `lib/wine/x86_64-unix/…` modules). A capture with none of them is not a Wine process's, and its
 * PROT_NONE lines are no one's reserved areas.
 */
export function isWinePath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    base === 'wine-preloader' || base === 'wine64-preloader' || base === 'ntdll.so' || path.includes('/wine/')
  );
}

/**
 * The preloader's ranges as the kernel shows them: the DOS and low memory areas are adjacent
 * PROT_NONE MAP_NORESERVE anonymous VMAs the kernel merges at mmap (mm/vma.c vma_merge_new_range;
 * facts linux-mm §1.2 VMA merging), so maps has one line 00010000-68000000 for both, or a line
 * that straddles 0x11_0000 once Wine mapped over a part. Touching ranges are joined as ntdll joins
 * them into one reserved area (withReservedArea).
 */
const PRELOADER_SPANS: readonly ReservedArea[] = WINE_PRELOADER_RANGES.reduce<ReservedArea[]>(
  (spans, [start, end]) => withReservedArea(spans, start, end).areas,
  [],
);

/** Whether [start, end) lies wholly inside the preloader's reservation (adjacent ranges as one). */
export function inPreloaderRange(start: bigint, end: bigint): boolean {
  return PRELOADER_SPANS.some(([s, e]) => start >= s && end <= e);
}

/**
 * What the import says above a line it writes as `reserve … preloaded`: why, at the first such
 * line only (a capture has several, and the same three lines above each buried the scenario), and
 * at each the plain reservation to write instead.
 */
export function preloadedComment(start: bigint, end: bigint, binding: string, first: boolean): string[] {
  return [
    ...(first
      ? [
          `  # inside Wine's preloader reservation (loader/preloader.c): this line and each \`preloaded\` one below are`,
          `  # Wine's reserved areas, room for Wine's allocations. An application's MEM_RESERVE looks the same in maps;`,
          `  # if a line is one, write the plain reservation given above it instead.`,
        ]
      : []),
    `  # plain reservation: ${binding} = reserve ${formatHex(end - start)} at ${formatHex(start)} by wine`,
  ];
}
