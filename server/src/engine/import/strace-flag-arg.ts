// One flag argument of a strace line by name, in each form strace prints it (strace's
// src/mem.c print_mmap_flags, src/xlat.c printxval_ex and printflags_ex):
// - the default, names joined by `|`, where a value strace has no name for is printed as a number
//   with a comment that says only that: `0x8 /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS` (strace 6.1
//   before MAP_DROPPABLE, Linux 6.11), `0x66 /* MADV_??? */` (before MADV_GUARD_INSTALL, 6.13),
//   or bits left over after the names, bare: `MAP_PRIVATE|0x8000000`;
// - `-X raw`, the whole value as a number: `0x22`;
// - `-X verbose`, the whole value as a number, then all of its names in one comment:
//   `0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */`, where an unnamed part is again a number with its own
//   comment inside (`0x38 /* 0x8 /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS */`).
// A comment explains the number just before it, so it stands for the whole argument only when
// that number is the whole argument; a `???` comment names nothing, and the number is decoded.

/** `decode`: a number's names (`0x22` → `MAP_PRIVATE|MAP_ANONYMOUS`), for the call's argument. */
export function flagArgumentNames(arg: string, decode: (n: number) => string): string {
  const whole = numberWithComment(arg);
  if (whole !== undefined)
    return whole.comment.includes('???') || whole.comment.includes('/*') || whole.comment === ''
      ? decodeNumber(whole.number, decode)
      : whole.comment;
  return arg
    .split('|')
    .map((part) => {
      const trimmed = part.trim();
      // A part that is a number, with or without its comment (`0x8 /* MAP_??? */`).
      const number = leadingNumber(trimmed);
      if (number === undefined) return trimmed;
      const rest = trimmed.slice(number.length).trim();
      if (rest !== '' && !(rest.startsWith('/*') && rest.endsWith('*/'))) return trimmed;
      return decodeNumber(number, decode);
    })
    .join('|');
}

/** Bits past 32 are no flag any call takes: kept as written, for the step to say so. */
function decodeNumber(number: string, decode: (n: number) => string): string {
  const value = BigInt(number);
  return value <= 0xffff_ffffn ? decode(Number(value)) : number;
}

/** `0x22 /* … *\/` or `102 /* … *\/`: the number and what the comment says, trimmed. */
function numberWithComment(arg: string): { number: string; comment: string } | undefined {
  const text = arg.trim();
  const number = leadingNumber(text);
  if (number === undefined) return undefined;
  const rest = text.slice(number.length).trimStart();
  // By startsWith and endsWith, not a regular expression: `/\*(.*)\*\//` over many `/*` and
  // no `*/` backtracks quadratically in the line's length.
  if (!rest.startsWith('/*') || !rest.endsWith('*/') || rest.length < 4) return undefined;
  return { number, comment: rest.slice(2, -2).trim() };
}

/** The decimal or hex number an argument starts with, as written. */
function leadingNumber(text: string): string | undefined {
  return /^(?:0x[0-9a-f]+|\d+)(?![0-9a-z_])/i.exec(text)?.[0];
}
