// The Wine release a scenario runs under (`wine 10.15`), and the releases where what drvmap models
// of Wine's WOW64 Vulkan mapping (and, below, of its OpenGL maps) changes. Each boundary is read
// in Wine's source and release notes (wine-mirror/wine ANNOUNCE of the release, and the code it
// names):
//
// - 9.4: "winevulkan: Use VK_EXT_map_memory_placed for memory mapping on wow64" (MR !5128, with
//   "winevulkan: Rename wine_device_memory mapping to vm_map") is in Wine 9.4's changes. Before it,
//   winevulkan imports host memory for every host-visible allocation (VK_EXT_external_memory_host,
//   vulkan-wine §3.4) or maps directly (§3.5): there is no placed path.
// - 10.15: "win32u: Move device memory object wrapper from winevulkan" and "win32u: Move external
//   host memory allocation to a separate helper" are in Wine 10.15's changes. From then on
//   dlls/win32u/vulkan.c's allocate_external_host_memory puts the imported pointer only in the
//   import chain (import_info->pHostPointer), and win32u_vkAllocateMemory sets `memory->vm_map =
//   mapping` from its own `mapping`, which stays NULL; win32u_vkFreeMemory frees the range only
//   `if (memory->vm_map)`, so an import's window space is never released (a Wine bug). In
//   dlls/winevulkan/vulkan.c up to 10.14, wine_vkAllocateMemory's `mapping` is the imported
//   pointer, `memory->vm_map = mapping` keeps it, and wine_vkFreeMemory's NtFreeVirtualMemory
//   releases it.
//
// And of its WOW64 OpenGL buffer maps (dlls/opengl32/unix_wgl.c, facts vulkan-wine §3.6):
//
// - 10.15: "opengl32: Move copy buffer allocation to Unix lib", with "opengl32: Introduce a wow64
//   buffer wrapper" and "opengl32: Use generated PE thunks for memory mapping functions" (Jacek
//   Caban, MR !8907), are in Wine 10.15's changes. They bring the copy path drvmap models as
//   current: buffer_vm_alloc(length + (offset & 0xf)) in the Unix lib, reused while large enough.
//   Before them (the unix_wgl.c and wgl.c of Wine 9.0, §3.6 "Older"), wow64_map_buffer answers
//   STATUS_INVALID_ADDRESS, the PE side's glMapBufferRange allocates the shadow with
//   _aligned_malloc(length, 16) and calls again, and the second call copies into it and stashes
//   the 32-bit pointer in the first 4 bytes of the host mapping (`*(PTR32 *)ptr = *ret`, "we'll
//   overwrite it on unmap"), which wow64_unmap_buffer restores only with GL_MAP_WRITE_BIT. The
//   boundary is read from the ANNOUNCE's commit titles and the two versions of the file; no copy
//   of unix_wgl.c tagged 10.14 or 10.15 was read, so a change to the old path between 9.0 and
//   10.14 would be missed.
// - 10.18: "OpenGL memory mapping using Vulkan in WoW64 mode" is in Wine 10.18's release notes,
//   with "opengl32: Wrap buffer storage functions", "opengl32: Support wow64 buffer storage and
//   persistent memory mapping using Vulkan" and "opengl32: Hide GL versions larger than 4.3 on
//   wow64 in make_context_current" in its changes: create_buffer_storage, the vk_memory branch of
//   wow64_map_buffer. Before it filter_extensions_list hides GL_ARB_buffer_storage on every WOW64
//   context ("We do not support GL_MAP_PERSISTENT_BIT"), with no GL version cap, and a persistent
//   map that does not fit fails. In 10.18 itself create_buffer_storage takes any glBufferStorage
//   with a map bit; "opengl32: Use Vulkan-backed buffer storage only when GL_MAP_PERSISTENT_BIT is
//   specified" and the GL_CLIENT_STORAGE_BIT memory type came in 10.19: drvmap models 10.19's
//   choice for 10.18 too.
import type { KernelVersion } from '../kernel/types';
import { formatKernelVersion, versionAtLeast } from '../kernel/config';
import type { LanguageProblem } from './problems';

/** A Wine release, major.minor (`10.15`; the `.1` of a stable maintenance release is not read). */
export type WineVersion = KernelVersion;

/** The first Wine with a placed path (VK_EXT_map_memory_placed on WOW64). */
export const WINE_PLACED_MAPS: WineVersion = { major: 9, minor: 4 };
/** The first Wine whose device memory wrapper and host import are win32u's (never frees an import). */
export const WINE_WIN32U_MEMORY: WineVersion = { major: 10, minor: 15 };
/** The first Wine whose GL copy path is buffer_vm_alloc in the Unix lib (no pointer stashed in the buffer). */
export const WINE_GL_UNIX_COPY: WineVersion = { major: 10, minor: 15 };
/** The first Wine with Vulkan-backed GL buffer storage on WOW64 (create_buffer_storage). */
export const WINE_GL_VULKAN_BUFFERS: WineVersion = { major: 10, minor: 18 };
/** The oldest Wine the facts describe: 9.0's winevulkan (`ea890c47`, vulkan-wine §3.1). */
const OLDEST_MODELLED: WineVersion = { major: 9, minor: 0 };
/**
 * The newest Wine whose changes drvmap's model was read against: 10.19's opengl32 (the GL
 * boundaries above; its release notes are the last read). A later release runs with the newest
 * behaviour drvmap knows, and says so (`wine-unmodelled`): it may have changed what is modelled.
 */
export const NEWEST_WINE_READ: WineVersion = { major: 10, minor: 19 };

/** Whether this Wine is newer than the source drvmap's Wine model was read against. */
export function wineNewerThanModel(version: WineVersion): boolean {
  return !wineAtLeast(NEWEST_WINE_READ, version);
}

/**
 * A scenario without a `wine` line runs under Wine 10.15, the newest behaviour the facts describe
 * (every later copy of dlls/win32u/vulkan.c read for drvmap still leaks an import's range): what a
 * current Wine does. docs/language.md, Settings, says why this and not the older default. It
 * predates Wine's Vulkan-backed GL buffers (10.18): a persistent GL map that does not fit fails
 * under it, and `wine 10.18` shows the Vulkan-backed route.
 */
export const DEFAULT_WINE: WineVersion = WINE_WIN32U_MEMORY;

export function wineAtLeast(version: WineVersion, than: WineVersion): boolean {
  return versionAtLeast(version, than.major, than.minor);
}

/** major.minor, as a kernel version is written (a Wine version is read the same way). */
export const formatWineVersion: (version: WineVersion) => string = formatKernelVersion;

/**
 * Where a scenario's Wine came from: its `wine` line, a default given for every scenario without
 * one (`--wine`, drvmap.defaultWine), or the engine's own (DEFAULT_WINE).
 */
export type WineSource = 'line' | 'given' | 'default';

/** `Wine 10.15`, saying where the version came from when no `wine` line gave it. */
export function wineText(version: WineVersion, source: WineSource): string {
  const from =
    source === 'line'
      ? ''
      : source === 'given'
        ? ' (given by --wine or drvmap.defaultWine: the scenario has no `wine` line)'
        : ' (the default: the scenario has no `wine` line)';
  return `Wine ${formatWineVersion(version)}${from}`;
}

/**
 * Whether an import's address is this Wine's vm_map (winevulkan, before 10.15): what its
 * vkMapMemory returns without calling the driver, and what its vkFreeMemory releases.
 */
export function wineImportIsVmMap(version: WineVersion): boolean {
  return !wineAtLeast(version, WINE_WIN32U_MEMORY);
}

/** Whether this Wine releases an import's window range at vkFreeMemory (winevulkan, before 10.15). */
export function wineFreesImports(version: WineVersion): boolean {
  return wineImportIsVmMap(version);
}

/**
 * The file that holds this Wine's WOW64 Vulkan memory code (init_physical_device, vkAllocateMemory,
 * vkMapMemory2KHR): winevulkan's until 10.14, win32u's from 10.15 (the move above).
 */
export function wineVulkanSource(version: WineVersion): string {
  return wineAtLeast(version, WINE_WIN32U_MEMORY) ? 'dlls/win32u/vulkan.c' : 'dlls/winevulkan/vulkan.c';
}

/** Whether this Wine has the placed path at all (9.4 and later). */
export function wineHasPlacedMaps(version: WineVersion): boolean {
  return wineAtLeast(version, WINE_PLACED_MAPS);
}

/** Whether this Wine's GL copy is buffer_vm_alloc's (10.15 and later), not the pointer stash. */
export function wineCopiesGlInUnixLib(version: WineVersion): boolean {
  return wineAtLeast(version, WINE_GL_UNIX_COPY);
}

/**
 * Whether a refused GL copy-path map (GL_MAP_PERSISTENT_BIT, or under 4 bytes) still hands 32-bit
 * code the truncated host pointer: Wine 9.0's unix_wgl.c wow64_map_buffer sets
 * `*ret = PtrToUlong(ptr)` in the "we're lucky" test before it returns STATUS_NOT_SUPPORTED or
 * STATUS_BUFFER_TOO_SMALL, wow64_ext_glMapBufferRange unmaps on the host, and wgl.c
 * glMapBufferRange handles only STATUS_INVALID_ADDRESS before `return args.ret`. Only 9.0's pair
 * of files was read for this. A later pre-10.15 unix_wgl.c (ad129ee3) returns 0 but leaves the
 * truncated value in *client_ptr, and its PE side then calls _aligned_malloc with that value as a
 * size: what 32-bit code gets there depends on the generated thunk, not read, so 9.1 to 10.14
 * keep NULL and are uncertain.
 */
export function wineGlRefusedMapKeepsPointer(version: WineVersion): boolean {
  return version.major === 9 && version.minor === 0;
}

/**
 * Whether glUnmapBuffer of a buffer that is not mapped returns GL_FALSE without calling the host
 * GL: Wine 9.0's unix_wgl.c wow64_gl_unmap_buffer starts with `if (!(ptr = get_buffer_pointer(
 * … ))) return STATUS_SUCCESS;`, leaving the result 0 and raising no GL error. The later
 * pre-10.15 file (ad129ee3) and 10.15 always call the host glUnmapBuffer, which raises
 * GL_INVALID_OPERATION; the versions between were not read (as wineGlRefusedMapKeepsPointer).
 */
export function wineGlUnmapSkipsUnmapped(version: WineVersion): boolean {
  return version.major === 9 && version.minor === 0;
}

/** Whether this Wine backs persistent GL buffer storage with Vulkan memory (10.18 and later). */
export function wineHasGlVulkanBuffers(version: WineVersion): boolean {
  return wineAtLeast(version, WINE_GL_VULKAN_BUFFERS);
}

/**
 * Why drvmap cannot answer for this Wine, or undefined: before 9.0 the facts have no source read
 * (the external-memory-host patches of late 2022 are not modelled), and no Wine major release is
 * above 99. A `wine` line runs such a scenario as 9.0 (wineVersionProblem); `--wine` and
 * drvmap.defaultWine, which apply to every scenario, refuse it (sim/version-text.ts).
 */
export function wineVersionRefusal(version: WineVersion, text: string): string | undefined {
  if (version.major > 99) return `Wine ${text} does not exist`;
  if (!wineAtLeast(version, OLDEST_MODELLED))
    return `drvmap models Wine 9.0 and later (its Wine facts start with Wine 9.0's winevulkan, vulkan-wine §3.1), not ${text}`;
  return undefined;
}

/**
 * A `wine` line's version drvmap cannot answer for (`number-out-of-range`; one before 9.0 runs as
 * 9.0, as the message says), or one newer than its Wine model (`wine-unmodelled`: it runs with
 * the newest behaviour drvmap knows).
 */
export function wineVersionProblem(
  version: WineVersion,
  text: string,
): Omit<LanguageProblem, 'range'> | undefined {
  const refusal = wineVersionRefusal(version, text);
  if (refusal === undefined) {
    if (!wineNewerThanModel(version)) return undefined;
    const newest = formatWineVersion(NEWEST_WINE_READ);
    return {
      code: 'wine-unmodelled',
      message: `drvmap's Wine model follows Wine's source up to Wine ${newest}; ${text} is simulated with ${newest}'s behaviour, so a change made after it (to winevulkan's or win32u's placed maps and host imports, or opengl32's WOW64 buffer maps) is not shown`,
    };
  }
  return {
    code: 'number-out-of-range',
    message: version.major > 99 ? refusal : `${refusal}; the scenario runs as Wine 9.0`,
  };
}

/**
 * What happens to a host import's window range at vkFreeMemory under this Wine, and why, for the
 * messages that report an import (placed-unsupported under `placed`) and a range it leaked.
 */
export function importReleaseText(version: WineVersion, source: WineSource): string {
  const wine = wineText(version, source);
  return wineFreesImports(version)
    ? `${wine} releases it at vkFreeMemory (dlls/winevulkan: wine_vkAllocateMemory keeps the imported pointer as vm_map, which wine_vkFreeMemory frees); from Wine 10.15 it never does`
    : `${wine} never releases it: from Wine 10.15 the import is dlls/win32u's (allocate_external_host_memory), win32u_vkAllocateMemory leaves vm_map NULL, so win32u_vkFreeMemory skips NtFreeVirtualMemory and every import leaks its window space until the process ends (a Wine bug; before 10.15, dlls/winevulkan, \`wine 10.14\`, Wine released it)`;
}
