// A fixed set of words looked up straight from the source text: the parser asks "is this token
// a verb / a flag of this verb / a keyword?" for nearly every word, and answering through a Map
// needed the token's text as a string first (a hash of its characters, and a slice for a new
// word) only to find a vocabulary word. Here a word is found by its length and first character,
// then compared character by character: no string, no hashing.

export interface Entry<V> {
  readonly word: string;
  readonly value: V;
}

/** Words longer than this are never in a table (the vocabulary's longest is far shorter). */
const MAX_LENGTH = 63;

export class WordTable<V> {
  /** Entries by `length * 128 + first character` (ASCII: words never contain anything else). */
  private readonly buckets: (Entry<V>[] | undefined)[] = [];

  constructor(entries: Iterable<readonly [string, V]>) {
    for (const [word, value] of entries) {
      const first = word.charCodeAt(0);
      if (word.length === 0 || word.length > MAX_LENGTH || first >= 128) continue;
      const key = word.length * 128 + first;
      const bucket = (this.buckets[key] ??= []);
      if (!bucket.some((e) => e.word === word)) bucket.push({ word, value });
    }
  }

  /** The entry for the word `source[start, end)`, or undefined. */
  entryAt(source: string, start: number, end: number): Entry<V> | undefined {
    const length = end - start;
    const first = source.charCodeAt(start);
    if (length > MAX_LENGTH || first >= 128) return undefined;
    const bucket = this.buckets[length * 128 + first];
    if (bucket === undefined) return undefined;
    for (let b = 0; b < bucket.length; b++) {
      const entry = bucket[b]!;
      const word = entry.word;
      let i = 1;
      while (i < length && word.charCodeAt(i) === source.charCodeAt(start + i)) i++;
      if (i === length) return entry;
    }
    return undefined;
  }

  /** Whether `source[start, end)` is one of the words. */
  hasAt(source: string, start: number, end: number): boolean {
    return this.entryAt(source, start, end) !== undefined;
  }
}
