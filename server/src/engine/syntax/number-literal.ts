// Reads number literals exactly: hex/binary/decimal with `_` separators, an optional unit
// (`16MiB`, `16 MiB`), and exact decimal fractions of a unit (`1.5GiB`). Never rounds.
import { U64_MAX, UNIT_BYTES } from '../numbers';
import { WordTable } from './word-table';
import { BigintCache } from '../bigint-cache';

export interface ParsedNumber {
  readonly value: bigint | undefined;
  readonly unit: string | undefined;
  readonly error: string | undefined;
  /**
   * The literal is well formed but its value does not fit in 64 bits: `number-out-of-range`, as
   * an overflowing expression is, not a syntax error (docs/rules.md).
   */
  readonly outOfRange?: true;
}

// A set, not `hasOwnProperty` on UNIT_BYTES: a keyed lookup makes V8 internalise the freshly
// sliced word first, and the parser asks this after every number (`64KiB rw`).
const UNIT_NAME_SET: ReadonlySet<string> = new Set(Object.keys(UNIT_BYTES));

export function isUnit(word: string): boolean {
  return UNIT_NAME_SET.has(word);
}

export function parseNumberText(text: string, separateUnit?: string): ParsedNumber {
  return parseNumberAt(text, 0, text.length, separateUnit);
}

/** `parseNumberText` of `source.slice(start, end)`, without the slice for the common shapes. */
export function parseNumberAt(
  source: string,
  start: number,
  end: number,
  separateUnit: string | undefined,
): ParsedNumber {
  const value = commonNumberValue(source, start, end, separateUnit);
  if (value === undefined) return parseAnyNumber(source.slice(start, end), separateUnit);
  return { value, unit: commonUnit, error: undefined };
}

const UNIT_NAMES = Object.keys(UNIT_BYTES);
const UNIT_TABLE = new WordTable(UNIT_NAMES.map((name) => [name, true] as const));
/** Every unit is a power of two, so a JS number times it stays exact (only the exponent moves). */
const UNIT_SCALE: ReadonlyMap<string, number> = new Map(
  UNIT_NAMES.map((name) => [name, Number(UNIT_BYTES[name])]),
);
const TWO_TO_THE_64 = 2 ** 64;
/** Values repeat (`64KiB`, `4096`, `+ 0x100`): one bigint per recent value, not one per literal. */
const LITERAL_VALUES = new BigintCache(1 << 12);

/** The unit of the last literal `commonNumberValue` read (a result without an object per number). */
let commonUnit: string | undefined;

/**
 * The value of the literals people write nearly always (`64KiB`, `4096`, `0x7f3a_c000_0000`,
 * `16 MiB`), read with plain arithmetic: no regex, no slices, no BigInt of a string, no result
 * object. Such a literal is never an error. Anything unusual (binary, fractions, more than 53
 * bits of digits, any error) returns undefined: `parseNumberAt` then takes the full path, which
 * alone decides the error messages.
 */
export function commonNumberValue(
  text: string,
  start: number,
  end: number,
  separateUnit: string | undefined,
): bigint | undefined {
  let i = start;
  let base = 10;
  const first = end > start ? text.charCodeAt(start) : 0;
  const second = end > start + 1 ? text.charCodeAt(start + 1) | 0x20 : 0;
  if (first === 48 /* 0 */ && second === 120 /* x */) {
    base = 16;
    i += 2;
  } else if (first === 48 && second === 98 /* b */) return undefined;
  const maxDigits = base === 16 ? 13 : 15; // both below 2^53, so `value` stays exact
  let value = 0;
  let digits = 0;
  let afterDigit = false;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    const d = digitValue(c, base);
    if (d >= 0) {
      value = value * base + d;
      digits++;
      afterDigit = true;
    } else if (c === 95 /* _ */ && afterDigit) afterDigit = false;
    else break;
  }
  if (digits === 0 || digits > maxDigits || !afterDigit) return undefined;
  let unit = separateUnit;
  if (i < end) {
    if (separateUnit !== undefined) return undefined;
    unit = unitAt(text, i, end);
    if (unit === undefined) return undefined;
  }
  const scale = unit === undefined ? 1 : UNIT_SCALE.get(unit);
  if (scale === undefined) return undefined;
  const bytes = value * scale;
  if (bytes >= TWO_TO_THE_64) return undefined;
  commonUnit = unit;
  return exactBigInt(bytes);
}

/** The unit spelled exactly by `text[start..end)`, as the vocabulary's own string. */
export function unitAt(text: string, start: number, end: number): string | undefined {
  return UNIT_TABLE.entryAt(text, start, end)?.word;
}

function digitValue(c: number, base: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (base === 16) {
    const lower = c | 0x20;
    if (lower >= 97 && lower <= 102) return lower - 87;
  }
  return -1;
}

/** `bytes` is an integer below 2^64 held exactly (a value below 2^53 times a power of two). */
function exactBigInt(bytes: number): bigint {
  return LITERAL_VALUES.of(bytes);
}

function parseAnyNumber(text: string, separateUnit: string | undefined): ParsedNumber {
  let digits = text;
  let base = 10n;
  let prefix = '';
  if (/^0[xX]/.test(text)) {
    base = 16n;
    prefix = text.slice(0, 2);
    digits = text.slice(2);
  } else if (/^0[bB][01]/.test(text)) {
    base = 2n;
    prefix = text.slice(0, 2);
    digits = text.slice(2);
  }
  const digitClass = base === 16n ? /^[0-9a-fA-F_]+/ : base === 2n ? /^[01_]+/ : /^[0-9_]+(\.[0-9_]+)?/;
  const match = digitClass.exec(digits);
  const numberPart = match ? match[0] : '';
  const gluedUnit = digits.slice(numberPart.length);
  let unit: string | undefined = gluedUnit || undefined;
  if (gluedUnit && separateUnit)
    return { value: undefined, unit, error: `two units: \`${gluedUnit}\` and \`${separateUnit}\`` };
  unit = unit ?? separateUnit;
  if (!numberPart || numberPart.replace(/[._]/g, '') === '') {
    return { value: undefined, unit, error: `\`${text}\` has no digits after \`${prefix}\`` };
  }
  if (numberPart.startsWith('_') || numberPart.endsWith('_') || numberPart.includes('__')) {
    return { value: undefined, unit, error: '`_` may only separate digits' };
  }
  if (unit !== undefined && !isUnit(unit)) {
    const hint = base === 16n ? ' (a unit after a hex number needs a space: `0x10 MiB`)' : '';
    return {
      value: undefined,
      unit,
      error: `unknown unit \`${unit}\`; use B, KiB, MiB, GiB, TiB or pages${hint}`,
    };
  }
  const scale = unit ? (UNIT_BYTES[unit] ?? 1n) : 1n;
  const clean = numberPart.replace(/_/g, '');
  let value: bigint;
  if (base === 10n && clean.includes('.')) {
    const [whole = '0', fraction = ''] = clean.split('.');
    const denominator = 10n ** BigInt(fraction.length);
    const numerator = BigInt(whole + fraction) * scale;
    if (numerator % denominator !== 0n) {
      return { value: undefined, unit, error: `\`${text}\` is not a whole number of bytes` };
    }
    value = numerator / denominator;
  } else {
    value = (base === 10n ? BigInt(clean) : BigInt(prefix.toLowerCase() + clean)) * scale;
  }
  if (value > U64_MAX)
    return {
      value: undefined,
      unit,
      error: `\`${text}\` does not fit in 64 bits (max 0xffff_ffff_ffff_ffff)`,
      outOfRange: true,
    };
  return { value, unit, error: undefined };
}
