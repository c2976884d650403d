// Exact 64-bit numbers. Addresses and sizes are bigint wherever they enter or leave the engine
// (parsing, hover, messages); a JS number is exact only up to 2^53, so it is never used for a
// user's address.

export const U64_MAX = (1n << 64n) - 1n;
export const KiB = 1024n;
export const MiB = 1024n * KiB;
export const GiB = 1024n * MiB;
export const TiB = 1024n * GiB;

export const UNIT_BYTES: Readonly<Record<string, bigint>> = {
  B: 1n,
  KiB,
  MiB,
  GiB,
  TiB,
  K: KiB,
  M: MiB,
  G: GiB,
  KB: KiB,
  MB: MiB,
  GB: GiB,
  page: 4096n,
  pages: 4096n,
};

/** `0x7f3a_c000_0000`: hex with `_` every four digits, the way the language writes addresses. */
export function formatHex(value: bigint, group = true): string {
  if (value < 0n) return '-' + formatHex(-value, group);
  const digits = value.toString(16);
  if (!group || digits.length <= 4) return '0x' + digits;
  const parts: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) parts.unshift(digits.slice(Math.max(0, end - 4), end));
  return '0x' + parts.join('_');
}

/** Plain `0x7f3ac0000000`, as the kernel and /proc/PID/maps print it. */
export function formatHexPlain(value: bigint): string {
  return formatHex(value, false);
}

/** Decimal with `_` thousands separators: `4_294_967_296`. */
export function formatDecimal(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  const parts: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) parts.unshift(digits.slice(Math.max(0, end - 3), end));
  return (negative ? '-' : '') + parts.join('_');
}

/** `16 MiB` when exact in the largest fitting unit, else `≈511.9 MiB (524160 KiB)`. */
export function formatSize(bytes: bigint): string {
  return sizeText(bytes, roundedTenths);
}

/**
 * As formatSize, but an approximate size is cut, never rounded up: for room that falls short of
 * a need, which must not read as that need (≈511.9 MiB free, not ≈512.0, for a 512 MiB map).
 */
export function formatSizeBelow(bytes: bigint): string {
  return sizeText(bytes, (abs, unit) => (abs * 10n) / unit);
}

function sizeText(bytes: bigint, tenthsOf: (abs: bigint, unit: bigint) => bigint): string {
  const negative = bytes < 0n;
  const abs = negative ? -bytes : bytes;
  const sign = negative ? '-' : '';
  const units: [string, bigint][] = [
    ['TiB', TiB],
    ['GiB', GiB],
    ['MiB', MiB],
    ['KiB', KiB],
    ['B', 1n],
  ];
  const exact = units.find(([, size]) => abs >= size && abs % size === 0n) ?? ['B', 1n];
  const fitting = units.findIndex(([, size]) => abs >= size);
  const largestIndex = fitting === -1 ? units.length - 1 : fitting;
  let largest = units[largestIndex] ?? ['B', 1n];
  const exactText = `${sign}${abs / exact[1]} ${exact[0]}`;
  if (largest[0] === exact[0]) return exactText;
  // Rounded to the nearest tenth, half up: 2096004 KiB is ≈2.0 GiB, not the ≈1.9 a cut would say.
  let tenths = tenthsOf(abs, largest[1]);
  const larger = units[largestIndex - 1];
  // 1023.96 MiB rounds to 1024.0 MiB, which the next unit says better: ≈1.0 GiB.
  if (larger !== undefined && tenths >= 10n * (larger[1] / largest[1])) {
    largest = larger;
    tenths = tenthsOf(abs, largest[1]);
  }
  const approximate = `${sign}≈${tenths / 10n}.${tenths % 10n} ${largest[0]}`;
  // A count of single bytes adds nothing next to the decimal value callers show anyway.
  return exact[0] === 'B' ? approximate : `${approximate} (${exactText})`;
}

function roundedTenths(bytes: bigint, unit: bigint): bigint {
  return (bytes * 20n + unit) / (unit * 2n);
}

/**
 * A size in a rule's message where the user wrote exact values: exact in bytes when it is not a
 * whole number of KiB (`10000 bytes (0x2710)`, not `≈9.8 KiB`).
 */
export function exactSize(bytes: bigint): string {
  return bytes % KiB === 0n ? formatSize(bytes) : `${bytes} bytes (${formatHex(bytes)})`;
}

export function alignDown(value: bigint, alignment: bigint): bigint {
  return value - (value % alignment);
}

export function alignUp(value: bigint, alignment: bigint): bigint {
  const rest = value % alignment;
  return rest === 0n ? value : value + (alignment - rest);
}

export function isAligned(value: bigint, alignment: bigint): boolean {
  return value % alignment === 0n;
}

/** What 32-bit code sees when a 64-bit pointer is truncated to `uint32_t`. */
export function truncate32(value: bigint): bigint {
  return value & 0xffff_ffffn;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
