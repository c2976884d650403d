// The examples in docs/language.md and docs/rules.md are checked: a block must analyse with no
// error or warning, unless its first line says `# expect: CODE, CODE` — then exactly those
// codes must appear. Every rule code must have its section in docs/rules.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseDocument } from '../../server/src/engine/analysis';
import { RULES } from '../../server/src/engine/rules/registry';
import {
  BUILTIN_ACTORS,
  ERRNO_NAMES,
  EXPECT_WORDS,
  SETTING_BY_NAME,
  VERB_BY_NAME,
  VERBS,
  VK_RESULT_NAMES,
  reservedWords,
} from '../../server/src/engine/language/vocabulary';
import { STRACE_CAPTURE_COMMAND, STRACE_IMPORTED_CALLS } from '../../server/src/engine/import/strace';
import { examplesOf, root, type Example } from './doc-examples';

function check(example: Example): void {
  const analysis = analyseDocument(example.text);
  // Errors and warnings always count; an info-level rule counts where the example names it.
  const codes = analysis.diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'warning' || example.expected?.includes(d.code))
    .map((d) => d.code);
  const where = `${example.file}:${example.line}`;
  const detail = analysis.diagnostics.map((d) => `  ${d.severity} ${d.code}: ${d.message}`).join('\n');
  if (example.expected === undefined) {
    assert.deepEqual(codes, [], `${where} should give no errors or warnings, got:\n${detail}`);
  } else {
    assert.deepEqual(
      [...new Set(codes)].sort(),
      [...new Set(example.expected)].sort(),
      `${where} should give exactly ${example.expected.join(', ')}, got:\n${detail}`,
    );
  }
}

for (const file of ['docs/language.md', 'docs/rules.md']) {
  test(`every example in ${file} behaves as it says`, () => {
    const examples = examplesOf(file);
    assert.ok(examples.length > 5, `${file} has examples`);
    for (const example of examples) check(example);
  });
}

// A rule that only a run on the real kernel reports (`requiresKernel`), or the server about a
// whole file (`reportedForFileOnly`), cannot fire in an analysed example: its section needs a clean example only.
test('every rule code has a section in docs/rules.md with a firing and a clean example', () => {
  const text = readFileSync(join(root, 'docs/rules.md'), 'utf8');
  for (const rule of RULES) {
    const section = new RegExp(`^## \`${rule.code}\`$([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(text);
    assert.ok(section, `docs/rules.md has a section for ${rule.code}`);
    const body = section[1] ?? '';
    if (!rule.requiresKernel && !rule.reportedForFileOnly)
      assert.match(
        body,
        new RegExp(`# expect: [^\\n]*\\b${rule.code}\\b`),
        `${rule.code} has an example that fires it`,
      );
    else
      assert.ok(rule.check === undefined, `${rule.code} is not reported by the analysis, so it has no check`);
    assert.ok(/```drvmap\n(?!# expect)/.test(body), `${rule.code} has a clean example`);
  }
});

// docs/language.md "Lines, comments, names" says which words a name cannot be: by kind, with the
// loose keywords listed. Every reserved word must fall under a kind it names or be listed, and
// every word it gives as reserved (or as free) must be so.
test('docs/language.md names every reserved word, by kind or by name', () => {
  const text = readFileSync(join(root, 'docs/language.md'), 'utf8');
  const paragraph = /^A name cannot be a word of the language[\s\S]*?\n\n/m.exec(text)?.[0] ?? '';
  assert.ok(paragraph, 'the names section has the reserved-words paragraph');
  const [reservedPart, freePart] = paragraph.split('Any\nother word is free');
  const quoted = (part: string | undefined) =>
    [...(part ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((w) => w !== 'reserved-name');
  const listed = quoted(reservedPart);
  const reserved = reservedWords();
  for (const word of listed) assert.ok(reserved.has(word), `\`${word}\` is given as reserved but is not`);
  for (const word of quoted(freePart))
    assert.ok(!reserved.has(word), `\`${word}\` is given as free but is reserved`);
  const byKind = new Set([
    ...VERBS.flatMap((v) => v.wordGroups.flatMap((g) => g.words.map((x) => x.name))),
    ...BUILTIN_ACTORS.map((a) => a.name),
    ...VERB_BY_NAME.keys(),
    ...SETTING_BY_NAME.keys(),
    ...ERRNO_NAMES,
    ...VK_RESULT_NAMES,
    ...EXPECT_WORDS.map((e) => e.name),
  ]);
  const unnamed = [...reserved].filter((w) => !byKind.has(w) && !listed.includes(w));
  assert.deepEqual(unnamed, [], 'reserved words the paragraph neither lists nor covers by kind');
});

// The strace capture: `drvmap import --help` and the importer's warning name
// STRACE_CAPTURE_COMMAND, so the docs must show the same command and the same imported calls.
test('docs/cli.md and README.md give the strace capture command the importer asks for', () => {
  for (const file of ['docs/cli.md', 'README.md']) {
    const text = readFileSync(join(root, file), 'utf8');
    assert.ok(text.includes(STRACE_CAPTURE_COMMAND), `${file} shows \`${STRACE_CAPTURE_COMMAND}\``);
    for (const wrong of text.matchAll(/strace [^`\n]*-e trace=memory/g))
      assert.ok(wrong[0].includes('-y'), `${file}: \`${wrong[0]}\` captures without -y`);
  }
  const cli = readFileSync(join(root, 'docs/cli.md'), 'utf8');
  assert.ok(
    cli.includes(`# ${STRACE_IMPORTED_CALLS.join('/')} as steps`),
    'docs/cli.md lists the imported calls',
  );
});

test("docs/language.md: `mmap32` is box64 running Wine as a Linux program, not box64 as Wine's WOW64 CPU DLL", () => {
  // box64 wow64/CMakeLists.txt builds wowbox64 as a mingw PE DLL linking only ntdll and wow64,
  // without src/custommmap.c: no mmap symbol for the native driver, so BOX64_MMAP32 moves nothing
  // there (and Hangover's box64cpu.dll likewise: "Box64 can't use mmap in Hangover", Hangover #151).
  const text = readFileSync(join(root, 'docs/language.md'), 'utf8');
  const row = text.split('\n').find((l) => l.startsWith('| `mmap32` |'));
  assert.ok(row);
  assert.match(row, /box64 running x86-64 Wine as a Linux program \(`box64 wine64 …`\)/);
  assert.match(row, /Not box64 as Wine's WOW64 CPU DLL \(`wowbox64\.dll`/);
  assert.match(row, /Wine's own paths apply/);
  const example = readFileSync(join(root, 'examples/17-box64-mmap32.drvmap'), 'utf8');
  assert.match(example, /Not box64 as Wine's\n# WOW64 CPU DLL \(wowbox64\.dll/);
});
