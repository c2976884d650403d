// A step's flag words (`rw private anon`, `maymove | dontunmap`), packed into one short string
// while the document is held, and made into Word nodes when read. A Word node and its slot in an
// array cost 48 bytes and most steps have one to three words, so 100k steps held ~6 MB of them;
// packed, a step's words are one string of two character codes a word: the word's offset from
// the verb and its index among the vocabulary's words (~24 bytes a step).
// A read makes the nodes again: the simulator reads a step's words a few times in a row
// (protection, flags, checks), so the last nodes made are handed out again.
import type { Word } from './ast';
import { EMPTY, transientWord, wordNode } from './compact-nodes';

/** The vocabulary's word strings, by index: only words that verbs name are packed. */
const WORD_NAMES: string[] = [];
const WORD_INDEX = new Map<string, number>();
/** Both codes of a word must fit a UTF-16 code unit. */
const MAX_CODE = 0xffff;

/** Makes a vocabulary word packable (verbs' flag words, registered as the parser meets them). */
export function registerWord(name: string): void {
  if (!WORD_INDEX.has(name)) {
    WORD_INDEX.set(name, WORD_NAMES.length);
    WORD_NAMES.push(name);
  }
}

/** A step's words as the step holds them: packed, or (unusual words, far offsets) the nodes. */
export type HeldWords = string | readonly Word[];

/** Collects a step's words, reused from one step to the next. */
export class StepWordsBuilder {
  private readonly names: string[] = [];
  private readonly starts: number[] = [];
  private count = 0;
  /** The packed codes of the words being taken: offset, index, offset, index… */
  private readonly codes: number[] = [];

  add(name: string, start: number): void {
    this.names[this.count] = name;
    this.starts[this.count++] = start;
  }

  /** The words added since the last `take()`, packed relative to `base` (the verb's start) if they can be. */
  take(base: number): HeldWords {
    const count = this.count;
    this.count = 0;
    if (count === 0) return EMPTY;
    const codes = this.codes;
    let hash = count;
    for (let i = 0; i < count; i++) {
      const index = WORD_INDEX.get(this.names[i]!);
      const offset = this.starts[i]! - base;
      if (index === undefined || offset < 0 || offset > MAX_CODE || index > MAX_CODE)
        return this.nodes(count);
      codes[2 * i] = offset;
      codes[2 * i + 1] = index;
      hash = (Math.imul(hash, 31) + offset * 64 + index) | 0;
    }
    return packedString(codes, 2 * count, hash);
  }

  private nodes(count: number): readonly Word[] {
    const words = new Array<Word>(count);
    for (let i = 0; i < count; i++) words[i] = wordNode(this.names[i]!, this.starts[i]!);
    return words;
  }
}

/**
 * Packed strings made before, by a hash of their codes. Steps of the same shape (`m1 = mmap
 * 4KiB rw private anon`) pack the same string: sharing it saves a string per step, and a
 * string is young when made, so each one held by the tree (allocated in the old generation,
 * compact-nodes.ts) cost the scavenger a remembered pointer and two copies.
 */
const PACKED_SLOTS = 256;
const packedStrings: (string | undefined)[] = new Array<string | undefined>(PACKED_SLOTS).fill(undefined);

function packedString(codes: readonly number[], length: number, hash: number): string {
  const slot = (hash ^ (hash >>> 8) ^ (hash >>> 16)) & (PACKED_SLOTS - 1);
  const seen = packedStrings[slot];
  if (seen !== undefined && sameCodes(seen, codes, length)) return seen;
  let packed: string;
  // One call for the usual one to three words: concatenating pairs made a string per pair.
  if (length === 2) packed = String.fromCharCode(codes[0]!, codes[1]!);
  else if (length === 4) packed = String.fromCharCode(codes[0]!, codes[1]!, codes[2]!, codes[3]!);
  else if (length === 6)
    packed = String.fromCharCode(codes[0]!, codes[1]!, codes[2]!, codes[3]!, codes[4]!, codes[5]!);
  else packed = String.fromCharCode(...codes.slice(0, length));
  packedStrings[slot] = packed;
  return packed;
}

function sameCodes(text: string, codes: readonly number[], length: number): boolean {
  if (text.length !== length) return false;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== codes[i]) return false;
  return true;
}

/**
 * The last words made, by what they were made from: same packed words at the same base are the
 * same words, whichever step (or version of the document) asks, and nothing else is kept.
 */
let lastHeld = '';
let lastBase = -1;
let lastWords: readonly Word[] = EMPTY;

/** How many words `held` has, without making their nodes. */
export function wordCountOf(held: HeldWords): number {
  return typeof held === 'string' ? held.length >> 1 : held.length;
}

/** The name of word `index` of `held`, without making its node. */
export function wordNameOf(held: HeldWords, index: number): string {
  return typeof held === 'string' ? WORD_NAMES[held.charCodeAt(2 * index + 1)]! : held[index]!.name;
}

/** The Word nodes of `held`, a step's words relative to `base` (its verb's start). */
export function wordsOf(held: HeldWords, base: number): readonly Word[] {
  if (typeof held !== 'string') return held;
  if (held === lastHeld && base === lastBase) return lastWords;
  const words = new Array<Word>(held.length >> 1);
  for (let i = 0; i < words.length; i++)
    words[i] = transientWord(WORD_NAMES[held.charCodeAt(2 * i + 1)]!, base + held.charCodeAt(2 * i));
  lastHeld = held;
  lastBase = base;
  lastWords = words;
  return words;
}
