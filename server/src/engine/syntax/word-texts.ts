// The texts of a document's words, shared: a name is written where it is bound and again at
// every use (`m1 = mmap …`, `munmap m1, …`), and a slice per occurrence is a string per AST node
// that lives as long as the document. A Map from text to string would need the slice to look
// it up (and grows, and its old tables are garbage of the parse's own); this is a fixed table
// of recent texts indexed by a hash of the characters, so a repeated word costs no slice at all.
// A collision only loses sharing, never correctness: a hit is compared character by character.

const SLOTS = 1 << 14; // 16k recent words: a scenario's live names fit, at 128 KiB a parse
const MASK = SLOTS - 1;

export class WordTexts {
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

  constructor(private readonly source: string) {}

  /** `source.slice(start, end)`, or the same text sliced before. */
  text(start: number, end: number): string {
    const source = this.source;
    let hash = end - start;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + source.charCodeAt(i)) | 0;
    const slot = (hash ^ (hash >>> 14)) & MASK;
    const seen = this.slots[slot];
    if (seen !== undefined && sameText(seen, source, start, end)) return seen;
    const text = source.slice(start, end);
    this.slots[slot] = text;
    return text;
  }
}

function sameText(text: string, source: string, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== source.charCodeAt(start + i)) return false;
  return true;
}
