// The texts of a document's words, shared: a name is written where it is bound and again at
// every use (`m1 = mmap …`, `munmap m1, …`), and a slice per occurrence is a string per AST node
// that lives as long as the document. A Map from text to string would need the slice to look
// it up (and grows, and its old tables are garbage of the parse's own); this is a fixed table
// of recent texts indexed by a hash of the characters, so a repeated word costs no slice at all.
// A collision only loses sharing, never correctness: a hit is compared character by character.
//
// The table outlives a parse: the next analysis of the document (a keystroke later) finds its
// names again instead of slicing them anew. A new string is young, and the tree that holds it
// is allocated in the old generation (compact-nodes.ts), so every new name cost the scavenger a
// remembered pointer and two copies; a name from the last parse is already old.

const SLOTS = 1 << 15; // 32k recent words: a long scenario's names fit, for 256 KiB of table
const MASK = SLOTS - 1;
const slots: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

/**
 * From this length on, V8 makes a slice a view into the whole text it was cut from: kept past
 * its parse, such a text would keep that version of the document alive.
 */
const VIEW_LENGTH = 13;

/** The slots given a text of VIEW_LENGTH or more since the last parse started (few: names are short). */
const longSlots: number[] = [];

/** Starts a parse: drops the texts that are views into an earlier version of a document. */
export function forgetLongWordTexts(): void {
  for (const slot of longSlots) {
    const text = slots[slot];
    if (text !== undefined && text.length >= VIEW_LENGTH) slots[slot] = undefined;
  }
  longSlots.length = 0;
}

/** `source.slice(start, end)`, or the same text sliced before (in this parse or an earlier one). */
export function wordText(source: string, start: number, end: number): string {
  let hash = end - start;
  for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + source.charCodeAt(i)) | 0;
  const slot = (hash ^ (hash >>> 15)) & MASK;
  const seen = slots[slot];
  if (seen !== undefined && sameText(seen, source, start, end)) return seen;
  const text = source.slice(start, end);
  slots[slot] = text;
  if (text.length >= VIEW_LENGTH) longSlots.push(slot);
  return text;
}

function sameText(text: string, source: string, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== source.charCodeAt(start + i)) return false;
  return true;
}
