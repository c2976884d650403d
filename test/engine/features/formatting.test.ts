import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { tokenize } from '../../../server/src/engine/syntax/lexer';
import { applyEdits } from '../../../server/src/engine/features/edits';
import { formatDocument } from '../../../server/src/engine/features/formatting';
import { SETTING_BY_NAME, TRAIT_BY_NAME } from '../../../server/src/engine/language/vocabulary';
import { examplesOf } from '../doc-examples';
import { codes } from './fixture';
import { allSamples, MESSY } from './samples';

const format = (text: string) => applyEdits(text, formatDocument(analyseDocument(text)));

/** What a document means to its reader: each diagnostic's code and message, ranges aside. */
const meaning = (text: string) =>
  analyseDocument(text)
    .diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`)
    .sort();

/** Lines as the editor counts them: CRLF, a lone CR and LF each end one. */
const lineCount = (text: string) => text.split(/\r\n|\r|\n/).length;

describe('formatting', () => {
  test('indentation, single spaces, punctuation, comments', () => {
    assert.equal(
      format(MESSY),
      `# a comment before everything
scenario "messy" {
  kernel 6.6
  driver mesa {
    maps at-map
    backing device # trailing comment
  }
  a = mmap 2MiB rw private anon
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  q = mmap 4 KiB rw private anon at (a + 0x20_0000)
  munmap a + -0x0 + 4KiB, 4KiB
  // another comment
  expect read b, 1 == 0x00
}
`,
    );
  });

  test('idempotent and meaning-preserving on every sample', () => {
    for (const [name, text] of allSamples()) {
      const once = format(text);
      assert.equal(format(once), once, `${name}: not idempotent`);
      assert.deepEqual(
        codes(analyseDocument(once)),
        codes(analyseDocument(text)),
        `${name}: diagnostics changed`,
      );
      assert.deepEqual(
        analyseDocument(once).scenarios.map((s) => s.run.simulation.records.map((r) => r.resultText)),
        analyseDocument(text).scenarios.map((s) => s.run.simulation.records.map((r) => r.resultText)),
        `${name}: results changed`,
      );
    }
  });

  test('tokens that must stay apart stay apart', () => {
    const text =
      'scenario "s" {\n  a = mmap 4KiB rw private anon\n  b = mmap 4KiB rw private anon\n  munmap a -b, 4KiB\n  munmap a - -4, 0x10 KiB\n}\n';
    const out = format(text);
    assert.match(out, /munmap a - b, 4KiB/);
    assert.match(out, /munmap a - -4, 0x10 KiB/);
    assert.deepEqual(codes(analyseDocument(out)), codes(analyseDocument(text)));
  });

  test('lines with characters the lexer does not know are only re-indented; CRLF kept', () => {
    const text = 'scenario "s" {\r\n      a = mmap   4KiB @ rw\r\n}\r\n';
    assert.equal(format(text), 'scenario "s" {\r\n  a = mmap   4KiB @ rw\r\n}\r\n');
  });

  test('a document whose braces do not pair up is left as written', () => {
    for (const text of [
      // The `{` is inside the unterminated name.
      'scenario "unterminated {\n  a = mmap 4KiB rw private anon\n    b = mmap 4KiB rw private anon\n}\n',
      // A driver block missing its `}`: the scenario's closes it.
      'scenario "s" {\n  driver g {\n    maps at-map\n  a = mmap 4KiB rw private anon\n}\nscenario "t" {\n    b = mmap 4KiB rw private anon\n}\n',
      // A stray `}`.
      'scenario "s" {\n  a = mmap 4KiB rw private anon\n}\n}\n    # indented\nscenario "t" {\n}\n',
    ]) {
      assert.ok(
        analyseDocument(text).diagnostics.some((d) => d.code === 'syntax-error'),
        text,
      );
      assert.deepEqual(formatDocument(analyseDocument(text)), [], text);
    }
    // The same lines with their braces paired are formatted.
    assert.equal(
      format('scenario "s" {\n  driver g {\n    maps at-map\n}\n      a = mmap 4KiB rw private anon\n}\n'),
      'scenario "s" {\n  driver g {\n    maps at-map\n  }\n  a = mmap 4KiB rw private anon\n}\n',
    );
  });

  test('a range ending at the start of a line (a whole line selected) does not format that line', () => {
    const text =
      'scenario "r" {\n   a = mmap   4KiB rw private anon\n      b = mmap 4KiB   rw private anon\n c = mmap 4KiB rw  private anon\n}\n';
    const a = analyseDocument(text);
    const lineStart = (n: number) => a.lines.lineStart(n);
    const lines = (start: number, end: number) =>
      formatDocument(a, {}, { start, end }).map((e) => a.lines.position(e.range.start).line);
    assert.deepEqual(lines(lineStart(1), lineStart(2)), [1]);
    assert.deepEqual(lines(lineStart(1), lineStart(3)), [1, 2]);
    // A cursor (an empty range) at the start of a line formats that line.
    assert.deepEqual(lines(lineStart(2), lineStart(2)), [2]);
  });

  test('range formatting touches only the lines in the range', () => {
    const text = 'scenario "s" {\n    kernel   6.6\n    a = mmap  4KiB rw private anon\n}\n';
    const a = analyseDocument(text);
    const start = text.indexOf('a =');
    const edits = formatDocument(a, {}, { start, end: start + 3 });
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.newText, '  a = mmap 4KiB rw private anon');
  });

  test('any text, lone surrogates and every line end included: only spaces change, and once', () => {
    const pieces = fc.constantFrom(
      'scenario "s" {',
      '}',
      '  a = mmap 4KiB rw private anon',
      ' # c',
      '\n',
      '\r\n',
      '\r',
      '\ud800',
      '\udc00',
      '😀',
      ' ',
      'write a, 1',
      '{',
      ',',
      '-1',
      '(',
      ')',
      '"x',
      '\\',
      '\t',
    );
    const spaceless = (text: string) => text.replace(/[ \t]/g, '');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const once = format(text);
        assert.equal(spaceless(once), spaceless(text), JSON.stringify(text));
        assert.equal(lineCount(once), lineCount(text), JSON.stringify(text));
        assert.equal(format(once), once, JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });

  test('a blank line between a lone CR and an LF keeps its spaces: emptied, the two would be one CRLF', () => {
    for (const text of ['scenario "s" {\r  \n  munmap 0x1001, 4KiB\n}\n', 'scenario "s" {\r \n}\n']) {
      const once = format(text);
      assert.equal(lineCount(once), lineCount(text), JSON.stringify(once));
      assert.deepEqual(
        analyseDocument(once).diagnostics.map((d) => [d.code, d.range.start - once.indexOf('munmap')]),
        analyseDocument(text).diagnostics.map((d) => [d.code, d.range.start - text.indexOf('munmap')]),
      );
    }
  });

  test('a lone high surrogate is one invalid token and keeps the newline after it', () => {
    const kinds = [...tokenize(')\ud800\nwrite')].map((t) => `${t.kind}:${t.start}-${t.end}`);
    assert.deepEqual(kinds.slice(0, 3), ['rparen:0-1', 'invalid:1-2', 'newline:2-3']);
    const pair = [...tokenize('\ud83d\ude00\n')].map((t) => `${t.kind}:${t.start}-${t.end}`);
    assert.deepEqual(pair.slice(0, 2), ['invalid:0-2', 'newline:2-3']);
  });

  test('text the parser reads glued as one value stays glued (`kernel 6.1-rc3`)', () => {
    const kernel = (version: string) =>
      `scenario "rc kernel" {\n  kernel ${version}\n  a = mmap 4KiB rw private anon\n}\n`;
    const cases: [string, string][] = [
      // Valid versions as docs/language.md lists them, `uname -r` forms included.
      [kernel('6.1-rc3'), '  kernel 6.1-rc3\n'],
      [kernel('6.6.12-generic'), '  kernel 6.6.12-generic\n'],
      [kernel('6.1.0-21-amd64'), '  kernel 6.1.0-21-amd64\n'],
      [kernel('6.12.0-55.9.1.el10_0.x86_64'), '  kernel 6.12.0-55.9.1.el10_0.x86_64\n'],
      // A range is one (wrong) value: "takes one version, not a range".
      [kernel('6.8-6.9'), '  kernel 6.8-6.9\n'],
      [kernel('6.8..6.9'), '  kernel 6.8..6.9\n'],
      // Spaced apart, they stay apart (and the extra value stays extra).
      [kernel('  6.1   -rc3'), '  kernel 6.1 -rc3\n'],
      [kernel('6.6 )'), '  kernel 6.6 )\n'],
      // A misspelt word glued to a setting's value is one value, not an extra one.
      ['scenario""{strategy k-}', 'scenario "" { strategy k-}'],
      ['scenario""{strategy o(}', 'scenario "" { strategy o(}'],
      ['scenario "s" {\n  strategy    remap-dontunmap(x)\n}\n', '  strategy remap-dontunmap(x)\n'],
    ];
    for (const [text, line] of cases) {
      const once = format(text);
      assert.ok(once.includes(line), `${JSON.stringify(text)} formatted as ${JSON.stringify(once)}`);
      assert.deepEqual(meaning(once), meaning(text), `${JSON.stringify(text)}: diagnostics changed`);
      assert.equal(format(once), once, `${JSON.stringify(text)}: not idempotent`);
    }
    assert.deepEqual(meaning(kernel('6.1-rc3')), []);
  });

  test('mutated lines of the examples and the docs: formatting keeps the diagnostics, and once is enough', () => {
    const sources = [
      ...allSamples().map(([, text]) => text),
      ...['docs/language.md', 'docs/rules.md'].flatMap((file) => examplesOf(file).map((e) => e.text)),
    ];
    // Pieces that glue onto or split what is around them.
    const pieces = fc.constantFrom(
      ...['', ' ', '  ', '\t', '-', '..', '.', '(', ')', ',', '{', '}', '"', '#', '=', '==', '+', '|', ':'],
      ...['x', '-rc3', '6.1', '0x10', 'KiB'],
    );
    // Half of the runs edit the lines of settings and traits only, whose values are read from
    // the text (what is glued is one value); an edit is at the edge of a word or of a blank, where
    // it glues or splits tokens.
    const isSettingLine = (line: string) => {
      const word = /^\s*([\w-]+)/.exec(line)?.[1] ?? '';
      return SETTING_BY_NAME.has(word) || TRAIT_BY_NAME.has(word);
    };
    const edit = fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 3 }), pieces);
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.boolean(),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        (which, settingsOnly, edits) => {
          const lines = (sources[which] ?? '').split('\n');
          const settingLines = lines.flatMap((line, i) => (isSettingLine(line) ? [i] : []));
          const pool = settingsOnly && settingLines.length > 0 ? settingLines : lines.map((_, i) => i);
          for (const [lineAt, edgeAt, remove, insert] of edits) {
            const index = pool[lineAt % pool.length]!;
            const line = lines[index] ?? '';
            const edges = [...Array(line.length + 1).keys()].filter(
              (i) => i === 0 || i === line.length || /\s/.test(line[i]!) !== /\s/.test(line[i - 1]!),
            );
            const column = edges[edgeAt % edges.length]!;
            lines[index] = line.slice(0, column) + insert + line.slice(column + remove);
          }
          const text = lines.join('\n');
          const once = format(text);
          assert.equal(format(once), once, `not idempotent: ${JSON.stringify(text)}`);
          assert.deepEqual(meaning(once), meaning(text), `diagnostics changed: ${JSON.stringify(text)}`);
        },
      ),
      { seed: 20260601, numRuns: 400 },
    );
  });
});
