// Addresses arrive as exact 64-bit hex strings. Inside the panel they become page numbers
// (address / 4096), which are exact in a JS number for every 64-bit address (< 2^52 pages);
// BigInt is used only where an address is formatted back into text.

export const PAGE_BYTES = 4096;
const PAGE_SHIFT = 12n;

/** An address split into its whole page and the byte offset inside that page. */
export interface PageAddress {
  readonly page: number;
  readonly offset: number;
}

/**
 * Parses `0x7fff_f6e0_0000` (or decimal) exactly into page + offset, without BigInt or
 * allocation on the hot path: digits shift through a 12-bit offset into the page number, which
 * stays below 2^52 for any 64-bit address.
 */
export function parseAddress(text: string): PageAddress {
  if (text.length > 2 && text.charCodeAt(0) === 48 && (text.charCodeAt(1) | 32) === 120) {
    let page = 0;
    let offset = 0;
    let digits = 0;
    let ok = true;
    for (let i = 2; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 95) continue; // _
      const d = c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
      if (d < 0) {
        ok = false;
        break;
      }
      if (digits > 0 || d > 0) digits++;
      page = page * 16 + (offset >> 8);
      offset = ((offset & 0xff) << 4) | d;
    }
    if (ok && digits <= 16) return { page, offset };
  }
  return parseAddressSlow(text);
}

function parseAddressSlow(text: string): PageAddress {
  const clean = text.replace(/_/g, '').trim().toLowerCase();
  if (clean.startsWith('0x')) {
    const digits = clean.slice(2).replace(/^0+(?=.)/, '');
    if (!/^[0-9a-f]+$/.test(digits) || digits.length > 16) throw new Error(`bad address ${text}`);
    const pageDigits = digits.length > 3 ? digits.slice(0, -3) : '0';
    const offsetDigits = digits.length > 3 ? digits.slice(-3) : digits;
    return { page: parseInt(pageDigits, 16), offset: parseInt(offsetDigits, 16) };
  }
  const value = BigInt(clean);
  return { page: Number(value >> PAGE_SHIFT), offset: Number(value & 0xfffn) };
}

/** Page position of an address as one number; fractional when the address is not page aligned. */
export function addressToPages(text: string): number {
  const { page, offset } = parseAddress(text);
  return offset === 0 ? page : page + offset / PAGE_BYTES;
}

export function addressToBigInt(text: string): bigint {
  return BigInt(text.replace(/_/g, ''));
}

/** `0x7fff_f6e0_0000`: hex with `_` every four digits, as the scenario language writes it. */
export function formatHex(value: bigint): string {
  const digits = value.toString(16);
  let out = '';
  for (let i = digits.length; i > 0; i -= 4)
    out = digits.slice(Math.max(0, i - 4), i) + (out ? '_' + out : '');
  return '0x' + out;
}

/** The address of a whole page plus a byte offset, formatted exactly. */
export function formatPageAddress(page: number, offset = 0): string {
  return formatHex((BigInt(page) << PAGE_SHIFT) + BigInt(offset));
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Human size: `16 MiB`, `1.63 GiB`, `4 KiB`. Approximate above 2^53 bytes, which only labels reach. */
export function formatBytes(bytes: number | bigint): string {
  let value = typeof bytes === 'bigint' ? Number(bytes) : bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded =
    value >= 100 || Number.isInteger(value) ? Math.round(value * 10) / 10 : Math.round(value * 100) / 100;
  const text = Number.isInteger(rounded)
    ? String(rounded)
    : rounded.toFixed(value >= 100 ? 1 : 2).replace(/0$/, '');
  return `${text} ${UNITS[unit]}`;
}

export function formatPages(pages: number): string {
  return formatBytes(pages * PAGE_BYTES);
}

/** Exact size of `[start, end)` in bytes, from the hex strings. */
export function sizeBytes(start: string, end: string): bigint {
  return addressToBigInt(end) - addressToBigInt(start);
}
