// A file's bytes as the text the editor shows, for every reader of a file from disk: the language
// server's "Check Workspace" (check-files.ts), the CLI's inputs (read-input.ts) and the client's
// own reads (check-workspace.ts, import-commands.ts). Shared so that diagnostics' columns agree
// with the editor's wherever a file is read.
//
// VS Code picks the encoding by the byte-order mark first (detectEncodingByBOMFromBuffer in
// src/vs/workbench/services/textfile/common/encoding.ts): EF BB BF is UTF-8, FF FE UTF-16LE,
// FE FF UTF-16BE, and the mark itself is not part of the text. Windows PowerShell 5.1's `>` and
// Notepad's "Unicode" write UTF-16LE with a mark. Without a mark the text is UTF-8; UTF-16 with
// no mark (every other byte 0x00, what `iconv -t UTF-16LE` or a C program writing wchar_t
// makes) read as UTF-8 is a U+0000 between every character, so it is refused with the reason
// (VS Code guesses such a file's byte order from its 0x00 bytes; a guess drvmap does not make
// for the CLI and the server, whose answers must not depend on it).

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });
const UTF16LE = new TextDecoder('utf-16le', { ignoreBOM: true });

/** The bytes looked at for UTF-16 without a byte-order mark (as VS Code's zero-byte guess). */
const UTF16_SNIFF_BYTES = 512;

/** Bytes that are not text drvmap can read, with the reason a person can act on. */
export class TextDecodingError extends Error {}

/** `bytes` as text: by its byte-order mark (dropped), else UTF-8. Throws TextDecodingError. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return UTF8.decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return UTF16LE.decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return UTF16LE.decode(swapBytePairs(bytes.subarray(2)));
  if (looksLikeUtf16(bytes))
    throw new TextDecodingError('this looks like UTF-16 without a byte-order mark; save it as UTF-8');
  return UTF8.decode(bytes);
}

/**
 * Whether the start of `bytes` is UTF-16 text with no mark: its 0x00 bytes mostly in odd places
 * (little-endian: the high byte of an ASCII character) or mostly in even ones (big-endian; a few
 * on the other side are characters such as U+4E00 or a surrogate's U+DE00), and in at least a
 * quarter of the characters. Text in UTF-8 has no 0x00 at all, unless a stray one; a
 * scenario or a log is mostly ASCII, which in UTF-16 has a 0x00 in every character. VS Code's own
 * guess (detectEncodingFromBuffer, same file as above) looks the same 512 bytes over.
 */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const length = Math.min(bytes.length, UTF16_SNIFF_BYTES) & ~1;
  let odd = 0;
  let even = 0;
  for (let i = 0; i < length; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 1) odd++;
    else even++;
  }
  const enough = Math.max(1, length / 8);
  return (odd >= enough && even * 4 <= odd) || (even >= enough && odd * 4 <= even);
}

/** A copy of `bytes` with each pair swapped: UTF-16BE as UTF-16LE (a trailing odd byte kept). */
function swapBytePairs(bytes: Uint8Array): Uint8Array {
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1]!;
    swapped[i + 1] = bytes[i]!;
  }
  if (bytes.length % 2 === 1) swapped[bytes.length - 1] = bytes[bytes.length - 1]!;
  return swapped;
}
