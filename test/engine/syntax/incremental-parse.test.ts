// Reparsing after an edit must give the tree a full parse gives, field for field, whatever the
// edit; and it must reuse the old tree's statements where the edit did not reach (else it is
// only a slower full parse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from '../../../server/src/engine/syntax/parser';
import { reparse, textChange } from '../../../server/src/engine/syntax/incremental-parse';
import { analyseDocument } from '../../../server/src/engine/analysis';
import type { EngineDiagnostic } from '../../../server/src/engine/diagnostics';
import type { FileNode, StepNode } from '../../../server/src/engine/syntax/ast';
import { generateScenario } from '../../../bench/lsp-bench';

const examplesDir = join(__dirname, '..', '..', '..', '..', 'examples');
const examplesLf = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.drvmap'))
  .map((f) => readFileSync(join(examplesDir, f), 'utf8'));
/** Each example as written and with Windows line ends. */
const examples = [...examplesLf, ...examplesLf.map((text) => text.replace(/\n/g, '\r\n'))];

/** Every field a consumer can read, getters included (steps and numbers compute some). */
const FIELDS = [
  'kind',
  'start',
  'end',
  'name',
  'text',
  'value',
  'unit',
  'error',
  'op',
  'left',
  'right',
  'operand',
  'inner',
  'keyword',
  'binding',
  'actor',
  'verb',
  'verbName',
  'args',
  'words',
  'wordCount',
  'options',
  'rangeEnd',
  'traits',
  'expectation',
  'form',
  'subject',
  'address',
  'length',
  'negated',
  'code',
  'body',
  'bodyRange',
  'closed',
  'scenarios',
  'comments',
  'errors',
  'message',
];

function snapshot(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return value.map(snapshot);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const field of FIELDS)
    if (field in value) out[field] = snapshot((value as Record<string, unknown>)[field]);
  if ('wordNameAt' in value) {
    const step = value as StepNode;
    out.wordNames = Array.from({ length: step.wordCount }, (_, i) => step.wordNameAt(i));
  }
  return out;
}

function assertSameTree(actual: FileNode, text: string): void {
  assert.deepEqual(snapshot(actual), snapshot(parse(text)));
}

/**
 * Applies edits one after another, reparsing each version from the last and checking it before
 * the next reparse (which consumes it).
 */
function checkEdits(start: string, edits: readonly Edit[]): void {
  let text = start;
  let file = parse(start);
  for (const edit of edits) {
    const at = edit.at % (text.length + 1);
    const next = text.slice(0, at) + edit.insert + text.slice(Math.min(text.length, at + edit.remove));
    file = reparse({ text, file }, next);
    text = next;
    assertSameTree(file, text);
  }
}

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

const snippet = fc.constantFrom(
  '',
  'x',
  '1',
  '0x',
  ' ',
  '\n',
  '\r\n',
  '\n\n',
  '#',
  '# note',
  '"',
  '"s"',
  '{',
  '}',
  '=',
  ',',
  '+',
  '(',
  'm',
  'mmap',
  ' 4KiB',
  'KiB',
  ' rw',
  'munmap m1, 4KiB',
  '\n  x = mmap 64KiB rw private anon\n',
  'expect',
  '\n  expect read m0, 1 == 0x01',
  'driver d {',
  '\n  driver d {\n    maps at-map\n  }\n',
  '\nscenario "b" {\n',
  'scenario',
  'kernel 6.6',
  '  at 0x1000_0000',
  ' | dontunmap',
  'a_very_long_name_indeed',
  '\r',
  '// c',
  ' -5',
  ' - 0x10',
  ' (1 + 2) * 4KiB',
  ' 16 MiB',
  '0x1000_',
  '\t',
  // Words with letters outside ASCII (one invalid token each) and spaces that are not U+0020.
  'ö',
  ' größe',
  'scenario Prüfung {',
  '测试',
  '\u00a0',
  '\u3000\u3000',
);
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(1_000_000),
  remove: fc.oneof(fc.constant(0), fc.nat(3), fc.nat(40)),
  insert: fc.oneof(
    snippet,
    fc.array(snippet, { maxLength: 4 }).map((a) => a.join('')),
  ),
});

test('a reparse gives the tree a full parse gives, after any sequence of edits of any example', () => {
  fc.assert(
    fc.property(fc.constantFrom(...examples), fc.array(edit, { minLength: 1, maxLength: 6 }), checkEdits),
    { numRuns: 400 },
  );
});

test('typing a long run of keystrokes, each version reparsed from the last, stays equal to a full parse', () => {
  const random = (() => {
    let seed = 7;
    return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  })();
  const keys = ['a', '1', ' ', ',', 'x', '\n', '_', '0', 'K', 'i', 'B', '#', '-'];
  const edits: Edit[] = [];
  for (let i = 0; i < 200; i++) {
    const remove = random() < 0.3 ? 1 : 0;
    edits.push({
      at: Math.floor(random() * 1_000_000),
      remove,
      insert: keys[Math.floor(random() * keys.length)]!,
    });
  }
  checkEdits(generateScenario(120), edits);
});

test('a reparse of a single-character edit on one line reuses every other statement', () => {
  const text = generateScenario(400);
  const old = parse(text);
  const oldBody = old.scenarios[0]!.body;
  const line = text.indexOf('\n  write m0, 4KiB, 0x00') + 1;
  const digit = text.indexOf('0x00', line) + 3;
  for (const [insert, remove] of [
    ['1', 1], // replaced: same length
    ['17', 0], // typed: longer
    ['', 1], // deleted: shorter
  ] as const) {
    const next = text.slice(0, digit) + insert + text.slice(digit + remove);
    const file = reparse({ text, file: parse(text) }, next);
    assertSameTree(file, next);
    const body = file.scenarios[0]!.body;
    const edited = body.findIndex((s) => s.start >= line);
    assert.equal(body.length, oldBody.length);
    assert.notEqual(body[edited], oldBody[edited], 'the edited line is parsed again');
  }
  // Reuse: the statements around the edit are the old objects, moved.
  const next = text.slice(0, digit) + '7' + text.slice(digit + 1);
  const file = reparse({ text, file: old }, next);
  const body = file.scenarios[0]!.body;
  const edited = body.findIndex((s) => s.start >= line);
  let reused = 0;
  for (let i = 0; i < body.length; i++) if (i !== edited && body[i] === oldBody[i]) reused++;
  assert.equal(reused, body.length - 1);
});

test('an edit a line cannot hold on its own (a closing brace, a new scenario) is parsed in full, and right', () => {
  const text = 'scenario "a" {\n  m = mmap 4KiB rw private anon\n  munmap m, 4KiB\n}\n';
  for (const [at, insert] of [
    [text.indexOf('  munmap'), '}\n'],
    [text.indexOf('  munmap'), 'scenario "b" {\n'],
    [text.indexOf('  munmap'), '  driver d {\n'],
    [text.indexOf('scenario'), '# '],
    [text.length - 2, 'x'],
  ] as const) {
    const next = text.slice(0, at) + insert + text.slice(at);
    const file = reparse({ text, file: parse(text) }, next);
    assertSameTree(file, next);
  }
});

test('textChange finds the common prefix and suffix, also when the edit repeats its neighbours', () => {
  assert.deepEqual(textChange('abc', 'abc'), { start: 3, oldEnd: 3, newEnd: 3 });
  assert.deepEqual(textChange('abc', 'abxc'), { start: 2, oldEnd: 2, newEnd: 3 });
  assert.deepEqual(textChange('aaa', 'aaaa'), { start: 3, oldEnd: 3, newEnd: 4 });
  assert.deepEqual(textChange('abcd', 'ad'), { start: 1, oldEnd: 3, newEnd: 1 });
});

/**
 * Diagnostics as the server publishes them: a related location's range may be a syntax node,
 * of which only the start and end leave the engine (its other fields are the tree's own).
 */
function asPublished(diagnostics: readonly EngineDiagnostic[]): unknown {
  return diagnostics.map((d) => ({
    ...d,
    related: d.related.map((r) => ({ message: r.message, start: r.range.start, end: r.range.end })),
  }));
}

test('analysing the next version from the last gives the diagnostics a fresh analysis gives', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...examples),
      fc.array(edit, { minLength: 1, maxLength: 4 }),
      (start, edits) => {
        let text = start;
        let analysis = analyseDocument(text);
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          const next = text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.remove));
          analysis = analyseDocument(next, {}, analysis);
          text = next;
          assert.deepEqual(asPublished(analysis.diagnostics), asPublished(analyseDocument(next).diagnostics));
        }
      },
    ),
    { numRuns: 120 },
  );
});
