// What a word a verb does not know most likely meant, for the unknown-word message: a unit written
// apart from its number in the wrong case (`4 kib`), a C constant (`PROT_READ`, `MAP_PRIVATE`,
// `MADV_DONTNEED`) or a two-letter word reversed (`wr`). Undefined when none of these fits; the
// caller then tries the nearest known word.
import { UNIT_BYTES } from '../numbers';
import { didYouMeanText } from './closest-word';

const UNITS = Object.keys(UNIT_BYTES);
const C_NAME = /^(PROT|MAP|MREMAP|MADV)_([A-Z0-9_]+)$/;
/** C names whose drvmap word is not the lower-case rest. */
const C_WORDS: ReadonlyMap<string, string> = new Map([['MAP_ANONYMOUS', 'anon']]);

export function wordHint(word: string, known: readonly string[]): string | undefined {
  const unit = UNITS.find((u) => u.toLowerCase() === word.toLowerCase());
  if (unit !== undefined)
    return `a unit is spelt \`${unit}\` and goes with its number: \`4${unit}\` or \`4 ${unit}\``;
  const c = C_NAME.exec(word);
  if (c) {
    if (c[1] === 'PROT')
      return 'drvmap writes the protection as one word: none, r, rw, rx, wx or rwx (for PROT_READ|PROT_WRITE, `rw`)';
    const mine = C_WORDS.get(word) ?? (c[2] ?? '').toLowerCase().replace(/_/g, '-');
    if (known.includes(mine)) return `drvmap writes \`${word}\` as \`${mine}\``;
    return `drvmap has no word for \`${word}\``;
  }
  if (word === 'by' && known.includes('driver'))
    return "the allocating driver is named with `driver NAME` (calls are the application's)";
  if (word.length === 2) {
    const reversed = word[1]! + word[0]!;
    if (known.includes(reversed)) return didYouMeanText(reversed);
  }
  return undefined;
}
