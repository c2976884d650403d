// A file's bytes decoded as the editor opens them (protocol/text-decoding.ts), for every reader
// of a file from disk: the server's Check Workspace, the CLI and the client's imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, TextDecodingError } from '../../../protocol/text-decoding';

const TEXT = 'scenario "Prüfung 😀" {\r\n  a = mmap 4KiB rw private anon\r\n}\r\n';

/** `text` in UTF-16, little- or big-endian, with or without its byte-order mark. */
function utf16(text: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
  if (endian === 'le') return le;
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return be;
}

test('UTF-8 is read as is; a UTF-8 byte-order mark is dropped, as the editor drops it', () => {
  assert.equal(decodeText(Buffer.from(TEXT)), TEXT);
  assert.equal(decodeText(Buffer.from('\ufeff' + TEXT)), TEXT);
  assert.equal(decodeText(new Uint8Array()), '');
});

test('UTF-16 with a byte-order mark (Windows PowerShell 5.1 `>`, Notepad "Unicode") is read as its text', () => {
  assert.equal(decodeText(utf16(TEXT, 'le', true)), TEXT);
  assert.equal(decodeText(utf16(TEXT, 'be', true)), TEXT);
});

test('UTF-16 without a byte-order mark is refused with the reason, not read as a U+0000 per character', () => {
  for (const endian of ['le', 'be'] as const)
    assert.throws(
      () => decodeText(utf16(TEXT, endian, false)),
      (error: unknown) =>
        error instanceof TextDecodingError &&
        error.message === 'this looks like UTF-16 without a byte-order mark; save it as UTF-8',
    );
});

test('a stray 0x00 in UTF-8 text is not taken for UTF-16: the parser reports it where it is', () => {
  assert.equal(decodeText(Buffer.from('scenario "a" {\0\n}\n')), 'scenario "a" {\0\n}\n');
});
