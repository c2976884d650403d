import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from '../../../server/src/engine/syntax/parser';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { formatDocument } from '../../../server/src/engine/features/formatting';
import { applyEdits } from '../../../server/src/engine/features/edits';
import { codeActions } from '../../../server/src/engine/features/code-actions';
import { tokenize } from '../../../server/src/engine/syntax/lexer';
import type { StepNode } from '../../../server/src/engine/syntax/ast';

function steps(text: string): StepNode[] {
  return parse(text).scenarios.flatMap((s) => s.body.filter((b): b is StepNode => b.kind === 'step'));
}

test('a scenario with steps, settings, a driver and expectations parses without errors', () => {
  const text = `scenario "x" {
  kernel 6.6
  window 0x1_0000 .. 0x7fff_0000
  driver mesa {
    maps at-alloc
    backing device
  }
  strategy placed
  a = mmap 2MiB rw private anon
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  app writes a + 0x100, 64
  expect read a, 1 == 0x00
  expect b == EINVAL
  expect mapped a, 4KiB
  expect diagnostic kernel-refused
}`;
  const file = parse(text);
  assert.deepEqual(file.errors, []);
  const body = file.scenarios[0]!.body;
  assert.deepEqual(
    body.map((b) => b.kind),
    [
      'setting',
      'setting',
      'driver',
      'setting',
      'step',
      'step',
      'step',
      'expect',
      'expect',
      'expect',
      'expect',
    ],
  );
});

test('every node carries its exact source range', () => {
  const text = 'scenario "r" {\n  a = mmap 16MiB rw private anon at 0x1000_0000\n}\n';
  const [step] = steps(text);
  assert.ok(step);
  assert.equal(text.slice(step.start, step.end), 'a = mmap 16MiB rw private anon at 0x1000_0000');
  assert.equal(text.slice(step.binding!.start, step.binding!.end), 'a');
  assert.equal(text.slice(step.verb.start, step.verb.end), 'mmap');
  const at = step.options.find((o) => o.keyword.name === 'at')!;
  assert.equal(text.slice(at.value!.start, at.value!.end), '0x1000_0000');
  assert.deepEqual(
    step.words.map((w) => w.name),
    ['rw', 'private', 'anon'],
  );
});

test('numbers are exact 64-bit values with units glued or separate', () => {
  const text =
    'scenario "n" {\n  a = mmap 16MiB rw private anon\n  b = mmap 16 MiB rw private anon\n  c = mmap 1.5GiB rw private anon\n  write 0xffff_ffff_ffff_f000, 1\n}';
  const [a, b, c, w] = steps(text);
  const value = (s: StepNode | undefined, i = 0) => {
    const arg = s?.args[i];
    return arg?.kind === 'number' ? arg.value : undefined;
  };
  assert.equal(value(a), 16n * 1024n * 1024n);
  assert.equal(value(b), 16n * 1024n * 1024n);
  assert.equal(value(c), 3n * 512n * 1024n * 1024n);
  assert.equal(value(w), 0xffff_ffff_ffff_f000n);
});

test('a number past 2^64 - 1 is a diagnostic, not a rounded value', () => {
  const file = parse('scenario "big" {\n  write 0x1_0000_0000_0000_0000, 1\n}');
  assert.equal(file.errors.length, 1);
  assert.match(file.errors[0]!.message, /64 bits/);
});

test('an unknown unit and a fraction that is not whole bytes are diagnostics', () => {
  const file = parse('scenario "u" {\n  a = mmap 4Kb rw private anon\n  b = mmap 1.3B rw private anon\n}');
  assert.equal(file.errors.length, 2);
  assert.match(file.errors[0]!.message, /unknown unit/);
  assert.match(file.errors[1]!.message, /whole number of bytes/);
});

test('one bad line does not hide the rest of the file', () => {
  const text =
    'scenario "e" {\n  a = mmap 4KiB rw private anon\n  ) ) )\n  b = mmap 4KiB rw private anon\n}\nscenario "f" {\n  c = mmap 4KiB rw private anon\n}';
  const file = parse(text);
  assert.equal(file.errors.length, 1);
  assert.equal(file.scenarios.length, 2);
  assert.deepEqual(
    steps(text).map((s) => s.binding?.name),
    ['a', 'b', 'c'],
  );
});

test('a scenario name without quotes is one error with a fix, and its body is still read', () => {
  const text =
    'scenario my test-1 {\n  kernel 6.6\n  m = mmap 4KiB rw private anon\n  expect m == 0x1234\n}\n';
  const analysis = analyseDocument(text);
  const syntax = analysis.diagnostics.filter((d) => d.code === 'syntax-error');
  assert.equal(syntax.length, 1);
  assert.match(syntax[0]!.message, /`scenario "my test-1" \{`/);
  assert.deepEqual(syntax[0]!.range, { start: 9, end: 18 });
  assert.equal(syntax[0]!.fix?.kind, 'replace');
  // The words are still the scenario's name (outline, `trace --scenario NAME`, duplicate names).
  assert.deepEqual(parse(text).scenarios[0]!.name, { kind: 'string', value: 'my test-1', start: 9, end: 18 });
  // The body was simulated: the expectation on the mapping's address is checked (and fails).
  assert.ok(analysis.diagnostics.some((d) => d.code === 'expectation-failed'));
  const fix = syntax[0]!.fix as { range: { start: number; end: number }; text: string };
  const fixed = text.slice(0, fix.range.start) + fix.text + text.slice(fix.range.end);
  assert.ok(fixed.startsWith('scenario "my test-1" {'));
  assert.equal(parse(fixed).errors.length, 0);
  // Formatting keeps the unquoted name as written (spacing `test-1` would change what the fix quotes).
  const formatted = applyEdits(text, formatDocument(analysis));
  assert.ok(formatted.startsWith('scenario my test-1 {\n'));
  // Without a brace on the line there is nothing to read as a body: the old two errors.
  assert.equal(parse('scenario my test\n}').errors.filter((e) => /quotes/.test(e.message)).length, 1);
});

test('`driver writes mem, 4` is a step by the actor `driver`; `driver NAME {` still declares one', () => {
  const text =
    'scenario "d" {\n  driver gpu {\n    maps at-map\n  }\n  mem = vkAllocateMemory 64KiB host-visible\n  driver writes mem, 4\n  w = driver reads mem, 4\n}\n';
  const file = parse(text);
  assert.deepEqual(file.errors, []);
  const body = file.scenarios[0]!.body;
  assert.deepEqual(
    body.map((s) => s.kind),
    ['driver', 'step', 'step', 'step'],
  );
  assert.deepEqual(
    steps(text).map((s) => [s.actor?.name, s.verbName]),
    [
      [undefined, 'vkAllocateMemory'],
      ['driver', 'writes'],
      ['driver', 'reads'],
    ],
  );
  assert.deepEqual(analyseDocument(text).diagnostics, []);
});

test('the KHR names of vkMapMemory2 and vkUnmapMemory2 are the same calls', () => {
  const text = (map: string, unmap: string) =>
    `scenario "k" {\n  res = reserve 64KiB at 0x2000_0000 by wine\n  m = vkAllocateMemory 64KiB host-visible\n  p = ${map} m placed at 0x2000_0000\n  ${unmap} m reserve\n  expect p == 0x2000_0000\n  expect mapped 0x2000_0000, 64KiB\n}\n`;
  const khr = analyseDocument(text('vkMapMemory2KHR', 'vkUnmapMemory2KHR'));
  assert.deepEqual(khr.diagnostics, []);
  const core = analyseDocument(text('vkMapMemory2', 'vkUnmapMemory2'));
  const calls = (a: typeof core) =>
    a.scenarios[0]!.run.simulation.records.map((r) => r.calls.map((c) => c.text).join('; '));
  assert.deepEqual(calls(khr), calls(core));
  // A misspelt one is still unknown.
  assert.ok(
    analyseDocument(text('vkMapMemory2EXT', 'vkUnmapMemory2')).diagnostics.some(
      (d) => d.code === 'unknown-word',
    ),
  );
});

test('a missing closing brace ends the scenario at the next scenario keyword', () => {
  const text =
    'scenario "a" {\n  x = mmap 4KiB rw private anon\nscenario "b" {\n  y = mmap 4KiB rw private anon\n}';
  const file = parse(text);
  assert.equal(file.scenarios.length, 2);
  assert.equal(file.scenarios[0]!.closed, false);
  assert.ok(file.errors.some((e) => /closing/.test(e.message)));
});

test('subtraction needs no spaces before a number, and `a-b` is one word', () => {
  const [s] = steps('scenario "m" {\n  write p-0x100, 1\n}');
  assert.equal(s!.args[0]!.kind, 'binary');
  const tokens = tokenize('fixed-noreplace a-b p-0x1');
  assert.deepEqual(
    tokens.filter((t) => t.kind !== 'eof').map((t) => t.text),
    ['fixed-noreplace', 'a-b', 'p', '-', '0x1'],
  );
});

test('comments are kept aside with their ranges', () => {
  const text = '# one\nscenario "c" { // two\n}\n';
  const file = parse(text);
  assert.deepEqual(
    file.comments.map((c) => c.text),
    ['# one', '// two'],
  );
  assert.deepEqual(file.errors, []);
});

test('the parser never throws and ranges stay inside the text, on any input', () => {
  const alphabet = fc.constantFrom(
    ...'scenario "{}()=,.|:+-*#/\n\t 0x1_fMiB abcdrwx expect mmap mremap driver'.split(''),
  );
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 200 }).map((a) => a.join('')),
      (text) => {
        const file = parse(text);
        for (const e of file.errors) assert.ok(e.start >= 0 && e.end <= text.length && e.start <= e.end);
        for (const s of file.scenarios) assert.ok(s.start >= 0 && s.end <= text.length);
      },
    ),
    { seed: 42, numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      parse(text);
    }),
    { seed: 7, numRuns: 300 },
  );
});

test('deeply nested parentheses are a diagnostic, not a stack overflow', () => {
  const text = `scenario "deep" {\n  write ${'('.repeat(5000)}1${')'.repeat(5000)}, 1\n}`;
  const file = parse(text);
  // One mistake, one error: the rest of the line is not read as further mistakes.
  assert.deepEqual(
    file.errors.map((e) => e.message),
    ['expression nested too deeply'],
  );
  // The next line is read as usual.
  const next = parse(
    `scenario "deep" {\n  write ${'('.repeat(300)}1${')'.repeat(300)}, 1\n  write 0x1000 +, 1\n}`,
  );
  assert.deepEqual(
    next.errors.map((e) => e.message),
    ['expression nested too deeply', 'expected a value after `+`'],
  );
});

test('an invisible character is named by its code point, a visible one quoted', () => {
  const messages = (text: string) => parse(text).errors.map((e) => e.message);
  assert.deepEqual(messages('scenario "b" {\n  \u0000 = mmap 4KiB\n}\n'), ['unexpected character U+0000']);
  assert.deepEqual(messages('scenario "b" {\n  \u007f\n}\n'), ['unexpected character U+007F']);
  assert.deepEqual(messages('scenario "b" {\n  §\n}\n'), ['unexpected character `§`']);
  assert.deepEqual(messages('scenario "b" {\n  \u202e\n}\n'), ['unexpected character U+202E']);
  assert.deepEqual(messages('scenario "b" {\n  \ud800\n}\n'), ['unexpected character U+D800']);
});

test('an expectation with another comparison is one error, not two', () => {
  const errors = parse('scenario "x" {\n  a = mmap 8KiB rw private anon\n  expect a < 0x1000\n}\n').errors;
  assert.deepEqual(
    errors.map((e) => e.message),
    ['expected `==` or `!=`, found `<`'],
  );
});

test('an expression of thousands of operators is a syntax error, not a stack overflow anywhere', () => {
  const chain =
    'scenario "c" {\n  a = mmap ' +
    '1 + '.repeat(7000) +
    '4KiB rw private anon\n  b = mmap 4KiB rw private anon\n}\n';
  const negations =
    'scenario "c" {\n  a = mmap 4KiB rw private anon\n  write a + ' + '- '.repeat(20000) + '1, 16\n}\n';
  for (const text of [chain, negations]) {
    const syntax = parse(text).errors.map((e) => e.message);
    assert.deepEqual(syntax, ['expression too long: more than 1000 operators']);
    const analysis = analyseDocument(text);
    assert.ok(analysis.diagnostics.some((d) => d.code === 'syntax-error'));
    // The arguments cut off with the rest of the line are not reported missing as well.
    assert.deepEqual(
      analysis.diagnostics.filter((d) => d.code === 'missing-argument'),
      [],
    );
    assert.ok(formatDocument(analysis).length >= 0);
  }
  // A step with no syntax error on its line still reports a missing argument.
  const missing = analyseDocument('scenario "c" {\n  a = mmap 4KiB private anon\n  ) (\n}\n');
  assert.equal(missing.diagnostics.filter((d) => d.code === 'missing-argument').length, 1);
  // The next line is unaffected.
  assert.equal(steps(chain).length, 2);
  // Up to the limit, nested in parentheses too, an expression works.
  const within = `scenario "c" {\n  a = mmap 4KiB rw private anon\n  write a + ${'('.repeat(60)}${'1 + '.repeat(900)}1${')'.repeat(60)}, 16\n}\n`;
  assert.deepEqual(analyseDocument(within).diagnostics, []);
});

test('a backslash at the end of an unterminated string does not join the next line, whatever its line end', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const text = ['scenario "s" {', '  " closed { \\', '  a = mmap 4KiB rw private anon', '}', ''].join(eol);
    const file = parse(text);
    assert.deepEqual(
      file.errors.map((e) => e.message),
      ['this string has no closing `"`'],
      JSON.stringify(eol),
    );
    assert.equal(steps(text).length, 1, JSON.stringify(eol));
  }
});

test('`kernel` takes a release as `uname -r` prints it, read as major.minor; apart or a range is an error', () => {
  const diagnostics = (version: string) =>
    analyseDocument(`scenario "k" {\n  kernel ${version}\n}\n`).diagnostics.map(
      (d) => `${d.code}: ${d.message}`,
    );
  const read = (version: string) => {
    const { major, minor } = analyseDocument(`scenario "k" {\n  kernel ${version}\n}\n`).scenarios[0]!.run
      .simulation.platform.kernel.version;
    return `${major}.${minor}`;
  };
  // Fedora, SUSE, Raspberry Pi OS, WSL2 (a fourth part), Ubuntu, and a plain third part.
  for (const [release, version] of [
    ['6.6.12', '6.6'],
    ['6.10.6-200.fc40.x86_64', '6.10'],
    ['6.4.0-150600.23.22-default', '6.4'],
    ['6.6.31+rpt-rpi-v8', '6.6'],
    ['5.15.153.1-microsoft-standard-WSL2', '5.15'],
    ['6.8.0-45-generic', '6.8'],
    // Debian and RHEL: a `-N.M` part after the release is no range.
    ['4.19.0-0.bpo.20-amd64', '4.19'],
    ['6.12.0-55.9.1.el10_0.x86_64', '6.12'],
  ]) {
    assert.deepEqual(diagnostics(release!), [], release);
    assert.equal(read(release!), version, release);
  }
  // Apart, the rest is another value; `6.8-6.9` is not one kernel.
  assert.deepEqual(diagnostics('6.6 7'), ['syntax-error: `kernel` takes one value; this one is extra']);
  assert.ok(diagnostics('6.6 .12').length > 0);
  for (const range of ['6.8-6.9', '6.8..6.9', '6.8-6.9.1'])
    assert.deepEqual(diagnostics(range), [
      'syntax-error: `kernel` takes one version, not a range: a scenario runs on one kernel (`kernel 6.8`)',
    ]);
  assert.deepEqual(diagnostics('6.6.12..6.6.14'), [
    'syntax-error: `kernel` takes one version, not a range: a scenario runs on one kernel (`kernel 6.6`)',
  ]);
  assert.deepEqual(diagnostics('6'), [
    'syntax-error: expected a kernel version such as `kernel 6.6` (or as `uname -r` prints it)',
  ]);
});

test('kernel versions: a `v` prefix is one error; a release Linux never had is out of range; one past the rules is a note', () => {
  const diagnostics = (version: string) =>
    analyseDocument(`scenario "k" {\n  kernel ${version}\n}\n`).diagnostics.map(
      (d) => `${d.severity} ${d.code}: ${d.message}`,
    );
  assert.deepEqual(diagnostics('v6.6'), [
    'error syntax-error: write the version without the `v`: `kernel 6.6`',
  ]);
  assert.deepEqual(diagnostics('5.25'), [
    'error number-out-of-range: Linux 5.25 does not exist: the 5.x series ended with 5.19',
  ]);
  assert.deepEqual(diagnostics('2.4'), [
    'error number-out-of-range: drvmap models Linux 2.6 and later, not 2.4',
  ]);
  assert.deepEqual(diagnostics('12.1'), ['error number-out-of-range: Linux 12.1 does not exist']);
  const [note] = diagnostics('7.2');
  assert.match(
    note ?? '',
    /^info kernel-unmodelled: drvmap's kernel rules go up to Linux 6\.19; 7\.2 is simulated as 6\.19/,
  );
  // The boundaries themselves are modelled releases.
  for (const modelled of ['6.19', '4.20', '3.19', '2.6'])
    assert.deepEqual(diagnostics(modelled), [], modelled);
});

test('a scenario name without its closing quote: one error, the name before `{`, the body read', () => {
  const a = analyseDocument('scenario "broken {\n  a = mmap 0 rw private anon\n}\n');
  assert.deepEqual(
    a.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      'syntax-error: the scenario\'s name has no closing `"`: `scenario "name" {`',
      'kernel-refused: mmap(NULL, 0, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x0) fails with EINVAL: the length is 0 (mmap(2): EINVAL since Linux 2.6.12)',
    ],
  );
  assert.equal(a.scenarios[0]?.node.name?.value, 'broken');
});

test('a literal too big for 64 bits is number-out-of-range (its value is out of range, its spelling is fine)', () => {
  const diagnostics = (literal: string, options = {}) =>
    analyseDocument(`scenario "n" {\n  c = mmap ${literal} rw private anon\n}\n`, options).diagnostics.map(
      (d) => `${d.severity} ${d.code}: ${d.message}`,
    );
  assert.deepEqual(diagnostics('0x1_0000_0000_0000_0000'), [
    'error number-out-of-range: `0x1_0000_0000_0000_0000` does not fit in 64 bits (max 0xffff_ffff_ffff_ffff)',
  ]);
  assert.deepEqual(diagnostics('18446744073709551616'), [
    'error number-out-of-range: `18446744073709551616` does not fit in 64 bits (max 0xffff_ffff_ffff_ffff)',
  ]);
  // The rule's severity setting reaches it.
  assert.deepEqual(
    diagnostics('18446744073709551616', { severities: { 'number-out-of-range': 'warning' } }),
    [
      'warning number-out-of-range: `18446744073709551616` does not fit in 64 bits (max 0xffff_ffff_ffff_ffff)',
    ],
  );
});

test('a default kernel (--kernel, drvmap.defaultKernel) past the rules gets the kernel-unmodelled note on the first line', () => {
  const kernel = { major: 7, minor: 3 };
  const withoutLine = analyseDocument('scenario "k" {\n  a = mmap 4KiB rw private anon\n}\n', { kernel });
  assert.deepEqual(
    withoutLine.diagnostics.map((d) => `${d.severity} ${d.code} ${d.range.start}-${d.range.end}`),
    ['info kernel-unmodelled 0-12'],
  );
  assert.match(
    withoutLine.diagnostics[0]!.message,
    /7\.3 \(the default kernel: this scenario has no `kernel` line\) is simulated as 6\.19/,
  );
  // A scenario with its own `kernel` line does not use the default.
  assert.deepEqual(analyseDocument('scenario "k" {\n  kernel 6.6\n}\n', { kernel }).diagnostics, []);
  assert.deepEqual(
    analyseDocument('scenario "k" {\n}\n', { kernel: { major: 6, minor: 19 } }).diagnostics,
    [],
  );
});

test('a setting given twice names the line of the first one', () => {
  const text = 'scenario "w" {\n  a = mmap 4KiB rw private anon\n  kernel 6.6\n  kernel 6.6\n}\n';
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`),
    ['duplicate-setting: `kernel` is already set on line 3; the later value wins'],
  );
});

test('a setting given twice names the line of the first one in CRLF and lone-CR files too, as its related location does', () => {
  for (const newline of ['\r\n', '\r']) {
    const text = ['scenario "dup" {', '  kernel 6.6', '  kernel 6.8', '}', ''].join(newline);
    const analysis = analyseDocument(text);
    const [duplicate] = analysis.diagnostics;
    assert.equal(
      duplicate?.message,
      '`kernel` is already set on line 2; the later value wins',
      JSON.stringify(newline),
    );
    assert.equal(analysis.lines.position(duplicate.related[0]!.range.start).line + 1, 2);
  }
});

test('a scenario name written without quotes with letters outside ASCII gets the quote fix, and its body is simulated', () => {
  for (const name of ['Prüfung', '测试', 'Prufung']) {
    const text = `scenario ${name} {\n  a = mmap 4KiB rw private anon\n  write a + 8KiB, 1\n}\n`;
    const analysis = analyseDocument(text);
    assert.deepEqual(
      analysis.diagnostics.map((d) => `${d.code} ${text.slice(d.range.start, d.range.end)}`),
      [`syntax-error ${name}`, 'access-fault write a + 8KiB, 1'],
      name,
    );
    assert.equal(analysis.file.scenarios[0]!.name?.value, name);
    const [quote] = codeActions(analysis, analysis.diagnostics[0]!.range);
    assert.equal(quote?.title, `Quote the name: "${name}"`);
    assert.equal(applyEdits(text, quote.edits).split('\n')[0], `scenario "${name}" {`);
  }
});

test('a word with a letter outside ASCII in a body is one error on the whole word, not its fragments', () => {
  const text = [
    'scenario "g" {',
    '  größe = mmap 4KiB rw private anon',
    '  write größe + 8KiB, 1',
    '  expect größe == 1',
    '  b = mmap 4KiB rw private 测试 anon',
    '  write b, 1',
    '  a = mmap 4KiB rw private anon',
    '  write a + 8KiB, 1',
    '}',
    '',
  ].join('\n');
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => `${d.code} ${text.slice(d.range.start, d.range.end)}: ${d.message}`),
    [
      'syntax-error größe: a name is ASCII letters, digits, `_` and `-`: `ö` is not one',
      'syntax-error größe: a name is ASCII letters, digits, `_` and `-`: `ö` is not one',
      'syntax-error größe: a name is ASCII letters, digits, `_` and `-`: `ö` is not one',
      'syntax-error 测试: a name is ASCII letters, digits, `_` and `-`: `测` is not one',
      // Not run without the word (without `anon` it would be another call), its name still known.
      'use-of-failed-result b: `b` has no value: step 2 failed (not run: its line has a syntax error)',
      'access-fault write a + 8KiB, 1: host gets SIGSEGV at 0x7fff_f800_0000: 0x7fff_f800_0000 is not mapped',
    ],
  );
});

test('a space that is not U+0020 is named, read as a space, and has a fix that writes a plain one', () => {
  const text = 'scenario "s" {\n  a = mmap\u00a04KiB rw private anon\n  write a + 8KiB,\u3000\u30001\n}\n';
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map(
      (d) => `${d.code} ${JSON.stringify(text.slice(d.range.start, d.range.end))}: ${d.message}`,
    ),
    [
      'syntax-error "\u00a0": a no-break space (U+00A0): use a plain space',
      'access-fault "write a + 8KiB,\u3000\u30001": host gets SIGSEGV at 0x7fff_f800_0000: 0x7fff_f800_0000 is not mapped',
      'syntax-error "\u3000\u3000": an ideographic space (U+3000): use a plain space',
    ],
  );
  let fixed = text;
  for (const d of analysis.diagnostics.filter((x) => x.code === 'syntax-error').reverse()) {
    const fix = codeActions(analysis, d.range).find((a) => a.title.startsWith('Replace with'));
    assert.ok(fix, d.message);
    fixed = applyEdits(fixed, fix.edits);
  }
  assert.equal(fixed, 'scenario "s" {\n  a = mmap 4KiB rw private anon\n  write a + 8KiB,  1\n}\n');
  assert.deepEqual(
    analyseDocument(fixed).diagnostics.map((d) => d.code),
    ['access-fault'],
  );
});

test('an invisible character is named by its code point, whatever its kind', () => {
  for (const [c, name] of [
    ['\u2028', 'U+2028'], // line separator
    ['\u00ad', 'U+00AD'], // soft hyphen
    ['\u200b', 'U+200B'], // zero-width space
    ['\u2067', 'U+2067'], // right-to-left isolate
    ['\u0007', 'U+0007'],
  ] as const) {
    const messages = analyseDocument(
      `scenario "i" {\n  a = mmap 4KiB${c} rw private anon\n}\n`,
    ).diagnostics.map((d) => d.message);
    assert.ok(messages.includes(`unexpected character ${name}`), `${name}: ${messages.join('; ')}`);
  }
});
