// What a pointer below 4 GiB but outside the process's window means, said the same way for
// Vulkan and OpenGL: Wine refuses a pointer only when it has bits above 32 (vulkan-wine §3.3 step
// 5; GL's "we're lucky" test, §3.6), so one that fits is handed over unchanged. Under
// `strategy reserve-high` no Wine stands between: FEX's 32-bit thunk hands the host pointer over
// (to_guest), keeping only its low 32 bits (fexThunkHandOverText).
import { formatHex, formatSize } from '../numbers';
import type { Platform } from '../sim/platform';

export const FOUR_GIB = 1n << 32n;
const TWO_GIB = 1n << 31n;
/** The 64 KiB Windows keeps out of the user range below its limit (linux-mm §7.1). */
const USER_RANGE_GAP = 0x1_0000n;
/** Where Windows' user range starts (lpMinimumApplicationAddress, linux-mm §7.1). */
const USER_RANGE_START = 0x1_0000n;

/**
 * `32-bit code gets 0x…, outside the window A..B` for a pointer to `size` bytes that 32-bit code
 * cannot use, or undefined when it lies inside the window. A pointer inside the window whose
 * memory runs past its end is not called outside: the message names the part that is.
 */
export function outsideWindow(platform: Platform, pointer: bigint, size: bigint): string | undefined {
  const { start, end } = platform.window;
  if (pointer >= start && pointer + size <= end) return undefined;
  const window = `the window ${formatHex(start)}..${formatHex(end)}`;
  if (pointer >= start && pointer < end)
    return `32-bit code gets ${formatHex(pointer)}, inside ${window}, but the memory runs to ${formatHex(pointer + size)}, past the window's end: its last ${formatSize(pointer + size - end)} (${formatHex(end)}..${formatHex(pointer + size)}) lie outside`;
  return `32-bit code gets ${formatHex(pointer)}, outside ${window}`;
}

export function fitsButOutsideWindow(platform: Platform, pointer: bigint, size: bigint): string {
  // A pointer inside the window whose memory runs past its end: the part outside starts there.
  const { start, end } = platform.window;
  const inside = pointer >= start && pointer < end;
  const outside = inside ? end : pointer;
  const handed = `It fits in 32 bits, so ${handsOver(platform)} it over unchanged`;
  // Memory that runs past 4 GiB: no window, however it is set, gives 32-bit code those bytes.
  if (inside && pointer + size > FOUR_GIB) return `${handed}, but ${beyondFourGibText()}`;
  return `${handed}, but the process's 32-bit code is not given addresses outside its window${notGivenReason(platform, outside)}`;
}

/** Why bytes from 4 GiB on are out of 32-bit code's reach, whatever the window says. */
export function beyondFourGibText(): string {
  return '32-bit addresses end at 0xffff_ffff, so its bytes from 0x1_0000_0000 on are beyond what 32-bit code can address';
}

/** Who hands the driver's pointer to 32-bit code: FEX's thunk under reserve-high, Wine otherwise. */
function handsOver(platform: Platform): string {
  return platform.strategy === 'reserve-high' ? "FEX's thunk hands" : 'Wine hands';
}

/**
 * What FEX's 32-bit library-forwarding thunk does with a host pointer it returns to the guest
 * (`reserve-high`): it stores the pointer in a 32-bit guest_layout without a check, so one above
 * 4 GiB arrives truncated (ThunkLibs/include/common/Host.h, guest_layout<T*>::operator=, "TODO:
 * Assert upper 32 bits are zero"; libvulkan's vkMapMemory and libGL's generated thunks alike).
 */
export function fexThunkHandOverText(truncated: bigint): string {
  return `FEX's 32-bit thunk hands it over unchecked (to_guest stores it in a 32-bit guest_layout: "TODO: Assert upper 32 bits are zero", ThunkLibs/include/common/Host.h), so 32-bit code gets ${formatHex(truncated)}`;
}

/**
 * Why 32-bit code is not given `address`, which fits in 32 bits but lies outside the window, as a
 * parenthesis. A window someone wrote (a `window` line, the drvmap.defaultWindow setting) is the
 * reason itself, whatever large-address-aware says: a `window 0x1_0000 .. 0xffff_0000` without it
 * reaches past 2 GiB, so the sign is not why. For large-address-aware's own window, above 2 GiB
 * without it is signed-pointer code; just under the 2 GiB or 4 GiB limit it is Windows' user
 * range, which ends 64 KiB below it (linux-mm §7.1: lpMaximumApplicationAddress 0x7FFEFFFF, or
 * 0xFFFEFFFF with LAA) — not the sign.
 */
export function notGivenReason(platform: Platform, address: bigint): string {
  if (platform.windowFrom === 'fex-guest-range') return fexGuestReason(address);
  if (platform.windowFrom !== 'large-address-aware') return writtenWindowReason(platform, address);
  // Below the window's start is below Windows' user range, which starts at 64 KiB
  // (lpMinimumApplicationAddress, linux-mm §7.1; Wine's address_space_start, §7.2).
  if (address < platform.window.start) return ` (${userRangeStartText()})`;
  const limit = platform.largeAddressAware ? FOUR_GIB : TWO_GIB;
  if (address >= limit)
    return ' (it is not large-address-aware: pointers above 2 GiB break code that treats them as signed)';
  if (address >= limit - USER_RANGE_GAP && address >= platform.window.end)
    return ` (${userRangeEndText(limit)})`;
  return '';
}

/** The reason for a window someone wrote: the bound the address is past, who set it, and why there. */
function writtenWindowReason(platform: Platform, address: bigint): string {
  const { start, end } = platform.window;
  const who =
    platform.windowFrom === 'window-line'
      ? "the scenario's `window` line"
      : 'the drvmap.defaultWindow setting';
  if (address < start) return ` (${who} starts the window at ${formatHex(start)})`;
  const limit = [TWO_GIB, FOUR_GIB].find((l) => end === l - USER_RANGE_GAP);
  const why = limit === undefined ? '' : `, where ${userRangeEndText(limit)}`;
  return ` (${who} ends the window at ${formatHex(end)}${why})`;
}

/**
 * The reason for FEX's i386 guest range (`reserve-high` without a window or large-address-aware
 * line): the whole 32-bit space above the first 64 KiB, as FEX's x32 mlockall locks it
 * (x32/Memory.cpp). A Linux i386 guest has no large-address-aware flag to name.
 */
function fexGuestReason(address: bigint): string {
  return address < FOUR_GIB
    ? " (a FEX i386 guest's range is 0x1_0000..0x1_0000_0000, the range FEX's x32 mlockall locks, x32/Memory.cpp)"
    : ' (an i386 guest holds 32 bits)';
}

/** Windows' user range starting at 64 KiB, said with its source. */
function userRangeStartText(): string {
  return `Windows' user range starts at ${formatHex(USER_RANGE_START)}, lpMinimumApplicationAddress: the first 64 KiB are never user memory, linux-mm §7.1, §7.2`;
}

/** Windows' user range ending 64 KiB below `limit` (2 or 4 GiB), said with its source. */
function userRangeEndText(limit: bigint): string {
  return `Windows' user range ends at ${formatHex(limit - USER_RANGE_GAP - 1n)}, lpMaximumApplicationAddress: the last 64 KiB below ${limit === FOUR_GIB ? '4' : '2'} GiB are never user memory, linux-mm §7.1`;
}

/**
 * Whether 32-bit code's `pointer`, reported outside the window, is there because reserve-high
 * left the top of the 32-bit space to the kernel: the reservation starts at 4 GiB, so the
 * top-down search (linux-mm §1.2) hands out [window end, 4 GiB) first, whatever the driver does
 * (WOW64's user range ends below 4 GiB, linux-mm §7.1). Which mappings land there depends only on
 * the order and sizes of the process's mmaps.
 */
export function reserveHighTopPlacement(platform: Platform, pointer: bigint): boolean {
  return (
    platform.strategy === 'reserve-high' &&
    platform.window.end < FOUR_GIB &&
    pointer >= platform.window.start &&
    pointer < FOUR_GIB
  );
}

/** The sentence that gives {@link reserveHighTopPlacement}'s cause, or '' when it does not apply. */
export function reserveHighTopText(platform: Platform, pointer: bigint): string {
  if (!reserveHighTopPlacement(platform, pointer)) return '';
  return `With \`strategy reserve-high\` FEX's reservation starts at 4 GiB, so the kernel's top-down search hands out the top of the 32-bit space first, ${formatHex(platform.window.end)}..${formatHex(FOUR_GIB)} (past the window's end) included (linux-mm §1.2, §7.1). Which mappings land there, and whether the application's is among them, depends on the order and sizes of the process's mmaps, not on the driver`;
}

/** `. Text` after a sentence that has no full stop yet, or '' for no text. */
export function sentence(text: string): string {
  return text === '' ? '' : `. ${text}`;
}
