// Reads number literals exactly: hex/binary/decimal with `_` separators, an optional unit
// (`16MiB`, `16 MiB`), and exact decimal fractions of a unit (`1.5GiB`). Never rounds.
import { U64_MAX, UNIT_BYTES } from '../numbers';

export interface ParsedNumber {
  readonly value: bigint | undefined;
  readonly unit: string | undefined;
  readonly error: string | undefined;
}

export function isUnit(word: string): boolean {
  return Object.prototype.hasOwnProperty.call(UNIT_BYTES, word);
}

export function parseNumberText(text: string, separateUnit?: string): ParsedNumber {
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
    };
  return { value, unit, error: undefined };
}
