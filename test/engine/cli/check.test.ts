import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  linkSync,
  lstatSync,
  mkdtempSync,
  writeFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSources, displayPath } from '../../../server/src/cli/check';
import { runCli } from '../../../server/src/cli/cli';
import { formatCheckText } from '../../../server/src/cli/formats/text';
import { checkJson, JSON_SCHEMA_VERSION } from '../../../server/src/cli/formats/json';
import { checkSarif } from '../../../server/src/cli/formats/sarif';
import { parseRuleHelp, ruleHelp } from '../../../server/src/cli/formats/rule-help';
import { decideColor, memoryIo } from '../../../server/src/cli/io';
import { RULES, ruleDocUrl } from '../../../server/src/engine/rules/registry';
import { assertSarifShape } from './sarif-shape';
import { CLEAN, ERRORS, EXPECTED, WARNING_ONLY } from './fixtures';
import { root } from '../doc-examples';

function workspace(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('checkSources: exit code 0 clean, 0 with warnings only, 1 with errors', () => {
  assert.equal(checkSources([{ path: 'a.drvmap', text: CLEAN }]).exitCode, 0);
  const warnings = checkSources([{ path: 'w.drvmap', text: WARNING_ONLY }]);
  assert.equal(warnings.counts.warning, 1);
  assert.equal(warnings.counts.error, 0);
  assert.equal(warnings.exitCode, 0);
  assert.equal(
    checkSources([{ path: 'w.drvmap', text: WARNING_ONLY }], [], { failOn: 'warning' }).exitCode,
    1,
  );
  const errors = checkSources([{ path: 'e.drvmap', text: ERRORS }]);
  assert.ok(errors.counts.error >= 1);
  assert.equal(errors.exitCode, 1);
  assert.equal(
    checkSources(
      [{ path: 'a.drvmap', text: CLEAN }],
      [{ path: 'gone.drvmap', message: 'no such file or directory' }],
    ).exitCode,
    2,
  );
});

test('the threshold drops lower severities from the report and from the exit code', () => {
  const report = checkSources([{ path: 'w.drvmap', text: WARNING_ONLY }], [], {
    threshold: 'error',
    failOn: 'warning',
  });
  assert.equal(report.files[0]?.diagnostics.length, 0);
  assert.equal(report.exitCode, 0);
});

test('severity overrides reach the engine: a rule turned off disappears', () => {
  const report = checkSources([{ path: 'w.drvmap', text: WARNING_ONLY }], [], {
    analysis: { severities: { 'duplicate-setting': 'off' } },
  });
  assert.equal(report.counts.warning, 0);
  const raised = checkSources([{ path: 'w.drvmap', text: WARNING_ONLY }], [], {
    analysis: { severities: { 'duplicate-setting': 'error' } },
  });
  assert.equal(raised.exitCode, 1);
});

test('text: file:line:col: severity [code] message, related lines indented, summary last', () => {
  const report = checkSources([{ path: 'e.drvmap', text: ERRORS }]);
  const text = formatCheckText(report, { color: false });
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^e\.drvmap:2:\d+: error \[kernel-refused\] .*EINVAL/);
  const related = lines.find((l) => l.startsWith('    e.drvmap:'));
  assert.ok(related, 'a related location is printed indented under its diagnostic');
  assert.match(lines[lines.length - 1] ?? '', /1 file checked: \d+ errors?, \d+ warnings?/);
  assert.ok(!text.includes('\u001b['), 'no escape codes without colour');
  assert.ok(formatCheckText(report, { color: true }).includes('\u001b[31m'));
  assert.match(
    formatCheckText(checkSources([{ path: 'a.drvmap', text: CLEAN }]), { color: false }),
    /no problems/,
  );
});

test('text: a file name with control characters is shown escaped, in colour or not', () => {
  const report = checkSources([{ path: 'e\u001b]8;;https://x.example\u0007.drvmap', text: ERRORS }]);
  for (const color of [false, true]) {
    const text = formatCheckText(report, { color });
    // The only escapes left are the palette's own colours.
    assert.equal(
      text
        .replace(new RegExp(String.raw`\x1b\[\d+m`, 'g'), '')
        .match(new RegExp(String.raw`[\x00-\x08\x0b-\x1f]`)),
      null,
    );
    assert.ok(text.includes('e\\x1b]8;;https://x.example\\x07.drvmap:2:'), text);
  }
});

test('colour: on a TTY only, never with NO_COLOR, flags win', () => {
  assert.equal(decideColor('auto', {}, true), true);
  assert.equal(decideColor('auto', {}, false), false);
  assert.equal(decideColor('auto', { NO_COLOR: '1' }, true), false);
  assert.equal(decideColor('auto', { NO_COLOR: '' }, true), true);
  assert.equal(decideColor('auto', { TERM: 'dumb' }, true), false);
  assert.equal(decideColor('always', { NO_COLOR: '1' }, false), true);
  assert.equal(decideColor('never', {}, true), false);
});

test('colour: FORCE_COLOR as Node reads it: 1/true/2/3 force it on, 0/false turn it off on a terminal too; NO_COLOR and the flags still win', () => {
  for (const on of ['1', 'true', '2', '3']) {
    assert.equal(decideColor('auto', { FORCE_COLOR: on }, false), true, on);
    assert.equal(decideColor('auto', { FORCE_COLOR: on, NO_COLOR: '1' }, true), false, on);
  }
  for (const off of ['0', 'false']) {
    assert.equal(decideColor('auto', { FORCE_COLOR: off }, true), false, off);
    assert.equal(decideColor('auto', { FORCE_COLOR: off }, false), false, off);
    assert.equal(decideColor('always', { FORCE_COLOR: off }, false), true, off);
  }
  // Empty is unset, as NO_COLOR's empty value is.
  assert.equal(decideColor('auto', { FORCE_COLOR: '' }, true), true);
  assert.equal(decideColor('auto', { FORCE_COLOR: '' }, false), false);
  assert.equal(decideColor('never', { FORCE_COLOR: '1' }, true), false);
});

test('JSON: the documented shape, 1-based positions with offsets', () => {
  const report = checkSources([{ path: 'e.drvmap', text: ERRORS }]);
  const json = checkJson(report);
  assert.equal(json.schemaVersion, JSON_SCHEMA_VERSION);
  assert.equal(json.tool.name, 'drvmap');
  assert.equal(json.files.length, 1);
  const file = json.files[0]!;
  assert.equal(file.path, 'e.drvmap');
  const refused = file.diagnostics.find((d) => d.code === 'kernel-refused');
  assert.ok(refused);
  assert.equal(refused.severity, 'error');
  assert.equal(refused.scenario, 'unaligned');
  assert.equal(refused.docUrl, ruleDocUrl('kernel-refused'));
  assert.equal(refused.range.start.line, 2);
  assert.equal(
    ERRORS.slice(refused.range.start.offset, refused.range.end.offset).length,
    refused.range.end.column - refused.range.start.column,
  );
  assert.equal(file.counts.error, json.summary.error);
  assert.equal(json.summary.files, 1);
  assert.equal(json.exitCode, 1);
  assert.deepEqual(Object.keys(json), [
    'schemaVersion',
    'tool',
    'files',
    'unreadable',
    'summary',
    'exitCode',
  ]);
  // Round-trips through JSON unchanged (no bigint, no undefined-only fields).
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
});

test('SARIF: valid shape, every rule listed, results point at rules and relative files', () => {
  const report = checkSources([
    { path: join('dir', 'e.drvmap'), text: ERRORS },
    { path: 'a.drvmap', text: CLEAN },
  ]);
  const run = assertSarifShape(checkSarif(report, { cwd: '/work' }));
  const driver = (
    run.tool as { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } }
  ).driver;
  assert.deepEqual(
    driver.rules.map((r) => r.id),
    RULES.map((r) => r.code),
  );
  for (const rule of RULES) {
    const level = driver.rules.find((r) => r.id === rule.code)?.defaultConfiguration.level;
    assert.equal(
      level,
      rule.severity === 'error' ? 'error' : rule.severity === 'warning' ? 'warning' : 'note',
    );
  }
  const results = run.results as {
    ruleId: string;
    locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[];
    relatedLocations?: unknown[];
  }[];
  assert.ok(results.length >= 2);
  assert.equal(results[0]?.locations[0]?.physicalLocation.artifactLocation.uri, 'dir/e.drvmap');
  assert.equal(results[0]?.locations[0]?.physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
  assert.ok(results.some((r) => (r.relatedLocations?.length ?? 0) > 0));
  assert.equal((run.invocations as { executionSuccessful: boolean }[])[0]?.executionSuccessful, true);
  assert.equal(run.columnKind, 'utf16CodeUnits');
});

test('SARIF: paths with spaces and # are percent-encoded', () => {
  const run = assertSarifShape(
    checkSarif(checkSources([{ path: 'my dir/a#1.drvmap', text: ERRORS }]), { cwd: '/w' }),
  );
  const results = run.results as {
    locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
  }[];
  assert.equal(results[0]?.locations[0]?.physicalLocation.artifactLocation.uri, 'my%20dir/a%231.drvmap');
});

test('runCli check: exit codes 0 / 1 / 2, unreadable files on stderr, directories expanded', () => {
  const dir = workspace({
    'clean.drvmap': CLEAN,
    'warn.drvmap': WARNING_ONLY,
    'sub/bad.drvmap': ERRORS,
    'sub/notes.txt': 'x',
  });
  let io = memoryIo(dir);
  assert.equal(runCli(['check', 'clean.drvmap'], io), 0);
  assert.match(io.stdout, /1 file checked: no problems/);
  io = memoryIo(dir);
  assert.equal(runCli(['check', 'warn.drvmap'], io), 0);
  assert.match(io.stdout, /warn\.drvmap:3:\d+: warning \[duplicate-setting\]/);
  io = memoryIo(dir);
  assert.equal(runCli(['check', '--fail-on', 'warning', 'warn.drvmap'], io), 1);
  io = memoryIo(dir);
  assert.equal(runCli(['check', '.'], io), 1);
  assert.match(io.stdout, /3 files checked/);
  assert.match(io.stdout, new RegExp(`${join('sub', 'bad.drvmap').replace(/[\\.]/g, '\\$&')}:2:`));
  io = memoryIo(dir);
  assert.equal(runCli(['check', 'clean.drvmap', 'missing.drvmap'], io), 2);
  assert.match(io.stderr, /cannot read missing\.drvmap: no such file or directory/);
  // An unreadable file is a problem: the summary does not say "no problems" alone.
  assert.match(io.stdout, /✗ 1 file checked, 1 unreadable: no problems in the files read/);
  io = memoryIo(dir);
  assert.equal(runCli(['check', '--format', 'nope', 'clean.drvmap'], io), 2);
  assert.match(io.stderr, /drvmap check --help/);
  io = memoryIo(dir, { stdin: ERRORS });
  assert.equal(runCli(['check', '-'], io), 1);
  assert.match(io.stdout, /^<stdin>:2:/);
});

test('runCli check --output writes the report to a file', () => {
  const dir = workspace({ 'bad.drvmap': ERRORS });
  const io = memoryIo(dir);
  assert.equal(runCli(['check', '--format', 'sarif', '-o', 'report.sarif', 'bad.drvmap'], io), 1);
  assert.equal(io.stdout, '');
  const log: unknown = JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8'));
  assertSarifShape(log);
});

test('SARIF of standard input: its location is relative to a base id of its own, declared without a uri (stdin is no file)', () => {
  const dir = workspace({ 'bad.drvmap': ERRORS });
  const io = memoryIo(dir, { stdin: ERRORS });
  assert.equal(runCli(['check', '--format', 'sarif', '-', 'bad.drvmap'], io), 1);
  const run = assertSarifShape(JSON.parse(io.stdout)) as {
    originalUriBaseIds: Record<string, { uri?: string; description?: { text: string } }>;
    artifacts: { location: { uri: string; uriBaseId?: string } }[];
    results: {
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
    }[];
  };
  assert.deepEqual(run.artifacts[0]?.location, { uri: 'stdin', uriBaseId: 'STDIN' });
  assert.deepEqual(run.artifacts[1]?.location, { uri: 'bad.drvmap', uriBaseId: '%SRCROOT%' });
  const fromStdin = run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);
  assert.ok(fromStdin.some((l) => l.uri === 'stdin' && l.uriBaseId === 'STDIN'));
  // No uri: a reader cannot resolve it to a file, as there is none (not one called stdin in %SRCROOT%).
  assert.equal(run.originalUriBaseIds.STDIN?.uri, undefined);
  assert.match(run.originalUriBaseIds.STDIN?.description?.text ?? '', /standard input/);
  // Declared only when standard input was read.
  const files = memoryIo(dir);
  runCli(['check', '--format', 'sarif', 'bad.drvmap'], files);
  assert.deepEqual(
    Object.keys(
      (assertSarifShape(JSON.parse(files.stdout)) as { originalUriBaseIds: object }).originalUriBaseIds,
    ),
    ['%SRCROOT%'],
  );
});

test('displayPath: relative inside the working directory, absolute outside', () => {
  assert.equal(displayPath('/work/p', '/work/p/a/b.drvmap'), join('a', 'b.drvmap'));
  assert.equal(displayPath('/work/p', 'x.drvmap'), 'x.drvmap');
  assert.equal(displayPath('/work/p', '/elsewhere/x.drvmap'), '/elsewhere/x.drvmap');
  // `..` is outside only as a whole segment: a name that starts with it is inside.
  assert.equal(displayPath('/work/p', '..err.drvmap'), '..err.drvmap');
  assert.equal(displayPath('/work/p', '/work/p/..d/x.drvmap'), join('..d', 'x.drvmap'));
  assert.equal(displayPath('/work/p', '../x.drvmap'), '/work/x.drvmap');
  assert.equal(displayPath('/work/p', '/work'), '/work');
});

test('a file whose name starts with `..` in the working directory is shown relative, in text and SARIF', () => {
  const dir = workspace({ '..err.drvmap': ERRORS, 'ok2.drvmap': ERRORS });
  const io = memoryIo(dir);
  assert.equal(runCli(['check', '..err.drvmap', 'ok2.drvmap'], io), 1);
  assert.match(io.stdout, /^\.\.err\.drvmap:2:/m);
  assert.match(io.stdout, /^ok2\.drvmap:2:/m);
  const sarif = memoryIo(dir);
  runCli(['check', '--format', 'sarif', '..err.drvmap'], sarif);
  const run = assertSarifShape(JSON.parse(sarif.stdout)) as { artifacts: { location: object }[] };
  assert.deepEqual(run.artifacts[0]?.location, { uri: '..err.drvmap', uriBaseId: '%SRCROOT%' });
  const trace = memoryIo(dir);
  runCli(['trace', '--no-maps', '--format', 'json', '..err.drvmap'], trace);
  assert.equal((JSON.parse(trace.stdout) as { path: string }).path, '..err.drvmap');
});

test('help and version', () => {
  let io = memoryIo('/');
  assert.equal(runCli(['--help'], io), 0);
  assert.match(io.stdout, /drvmap check/);
  io = memoryIo('/');
  assert.equal(runCli(['--version'], io), 0);
  assert.match(io.stdout, /^drvmap \d+\.\d+\.\d+/);
  io = memoryIo('/');
  assert.equal(runCli([], io), 2);
});

test('a dangling link or a loop in a directory is reported alone; the other files are still checked', () => {
  const dir = workspace({ 'd/ok.drvmap': CLEAN, 'd/sub/also.drvmap': CLEAN });
  symlinkSync('nowhere', join(dir, 'd/gone.drvmap'));
  symlinkSync('nowhere', join(dir, 'd/not-a-scenario'));
  symlinkSync('..', join(dir, 'd/sub/up'));
  const io = memoryIo(dir);
  assert.equal(runCli(['check', '--format', 'json', 'd'], io), 2);
  const report = JSON.parse(io.stdout) as { files: { path: string }[] };
  assert.deepEqual(
    report.files.map((f) => f.path),
    ['d/ok.drvmap', 'd/sub/also.drvmap'],
  );
  assert.equal(io.stderr, 'drvmap: cannot read d/gone.drvmap: no such file or directory\n');
});

test('an output file that cannot be written is one line and exit 2; a byte-order mark is not a column', () => {
  const dir = workspace({ 'a.drvmap': CLEAN, 'bom.drvmap': '\ufeffscenario "a" { zz\n}\n' });
  const io = memoryIo(dir);
  assert.equal(runCli(['check', '-o', 'missing/out.txt', 'a.drvmap'], io), 2);
  assert.equal(io.stderr, 'drvmap: cannot write missing/out.txt: no such file or directory\n');
  const bom = memoryIo(dir);
  runCli(['check', 'bom.drvmap'], bom);
  assert.match(bom.stdout, /^bom\.drvmap:1:16: error \[unknown-word\]/);
  // JSON offsets count UTF-16 code units of the text after the byte-order mark (docs/cli.md).
  const json = memoryIo(dir);
  runCli(['check', '--format', 'json', 'bom.drvmap'], json);
  const range = (JSON.parse(json.stdout) as { files: { diagnostics: { range: JsonRangeShape }[] }[] })
    .files[0]!.diagnostics[0]!.range;
  const text = readFileSync(join(dir, 'bom.drvmap'), 'utf8').replace(/^\uFEFF/, '');
  assert.equal(range.start.offset, 15);
  assert.equal(text.slice(range.start.offset, range.end.offset), 'zz');
});

test('a UTF-16 input with a byte-order mark is read as its text; one without says so, exit 2', () => {
  // Windows PowerShell 5.1's `>` writes UTF-16LE with a byte-order mark.
  const text = 'scenario "a" { zz\r\n  p = mmap 4KiB rw private anon\r\n}\r\n';
  const dir = workspace({
    'le.drvmap': Buffer.from('\ufeff' + text, 'utf16le'),
    'plain.drvmap': text,
    'nobom.drvmap': Buffer.from(text, 'utf16le'),
  });
  const le = memoryIo(dir);
  const plain = memoryIo(dir);
  runCli(['check', 'le.drvmap'], le);
  runCli(['check', 'plain.drvmap'], plain);
  assert.match(le.stdout, /^le\.drvmap:1:16: error \[unknown-word\]/);
  assert.equal(le.stdout.replaceAll('le.drvmap', 'plain.drvmap'), plain.stdout);
  const noBom = memoryIo(dir);
  assert.equal(runCli(['check', 'nobom.drvmap'], noBom), 2);
  assert.match(
    noBom.stderr,
    /cannot read nobom\.drvmap: this looks like UTF-16 without a byte-order mark; save it as UTF-8/,
  );
  assert.doesNotMatch(noBom.stdout + noBom.stderr, /U\+0000/);
});

interface JsonRangeShape {
  start: { line: number; column: number; offset: number };
  end: { line: number; column: number; offset: number };
}

test('JSON offsets and columns count UTF-16 code units; lines end at LF, CRLF or a lone CR', () => {
  const text = 'scenario "😀é" {\r\n\ta = mmap 4KiB rw private anon\r  zz\n}\n';
  const json = checkJson(checkSources([{ path: 'u.drvmap', text }]));
  const d = json.files[0]!.diagnostics.find((x) => x.code === 'unknown-word')!;
  assert.deepEqual(d.range.start, { line: 3, column: 3, offset: text.indexOf('zz') });
  assert.equal(text.slice(d.range.start.offset, d.range.end.offset), 'zz');
  // The same range in UTF-16 as Python would slice it (docs/cli.md): twice the offsets.
  const utf16 = Buffer.from(text, 'utf16le');
  assert.equal(utf16.subarray(2 * d.range.start.offset, 2 * d.range.end.offset).toString('utf16le'), 'zz');
});

test('an endless input (a device) is refused at the size limit, not read until memory runs out', () => {
  const io = memoryIo(tmpdir());
  assert.equal(runCli(['check', '/dev/zero'], io), 2);
  assert.match(io.stderr, /^drvmap: cannot read \/dev\/zero: larger than 128 MiB/);
});

test('an expected diagnostic: info in text, `expected` in JSON, suppressed in source in SARIF', () => {
  const report = checkSources([
    { path: 'x.drvmap', text: EXPECTED },
    { path: 'e.drvmap', text: ERRORS },
  ]);
  const expected = report.files[0]!.diagnostics.find((d) => d.code === 'kernel-refused')!;
  assert.equal(expected.expected, true);
  assert.equal(expected.severity, 'info');
  assert.match(
    formatCheckText(report, { color: false }),
    /^x\.drvmap:2:\d+: info \[kernel-refused\] \(expected\) /m,
  );
  const json = checkJson(report);
  assert.deepEqual(
    json.files.map((f) => f.diagnostics.filter((d) => d.code === 'kernel-refused').map((d) => d.expected)),
    [[true], [false]],
  );
  const run = assertSarifShape(checkSarif(report, { cwd: '/w' })) as {
    results: {
      ruleId: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
      suppressions?: { kind: string; justification: string }[];
    }[];
  };
  const refusals = run.results.filter((r) => r.ruleId === 'kernel-refused');
  const inX = refusals.find((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'x.drvmap')!;
  assert.equal(inX.suppressions?.length, 1);
  assert.equal(inX.suppressions[0]!.kind, 'inSource');
  assert.match(inX.suppressions[0]!.justification, /expects this diagnostic/);
  // A diagnostic nobody expects is not suppressed.
  for (const r of run.results.filter((r) => !r.message.text.startsWith('(expected) ')))
    assert.equal(r.suppressions, undefined, r.message.text);
});

test('--no-expected leaves expected diagnostics out of the report, its counts and --fail-on', () => {
  const dir = workspace({ 'x.drvmap': EXPECTED });
  let io = memoryIo(dir);
  assert.equal(runCli(['check', '--fail-on', 'info', 'x.drvmap'], io), 1);
  assert.match(io.stdout, /1 info/);
  io = memoryIo(dir);
  assert.equal(runCli(['check', '--no-expected', '--fail-on', 'info', 'x.drvmap'], io), 0);
  assert.equal(io.stdout, '✓ 1 file checked: no problems\n');
  io = memoryIo(dir);
  runCli(['check', '--no-expected', '--format', 'sarif', 'x.drvmap'], io);
  assert.deepEqual((assertSarifShape(JSON.parse(io.stdout)) as { results: unknown[] }).results, []);
  io = memoryIo(dir);
  assert.equal(runCli(['trace', '--no-expected', 'x.drvmap'], io), 2, 'a check option only');
});

test('a file with no scenario is named in text, JSON and SARIF, and fails only with --fail-on warning or lower', () => {
  const dir = workspace({
    'empty.drvmap': '',
    'comment.drvmap': '# scenario "gone" {\n',
    'ok.drvmap': CLEAN,
  });
  let io = memoryIo(dir);
  assert.equal(runCli(['check', '.'], io), 0);
  assert.equal(
    io.stdout,
    '✓ 3 files checked: no problems; comment.drvmap and empty.drvmap have no scenario\n',
  );
  io = memoryIo(dir);
  assert.equal(runCli(['check', 'empty.drvmap', 'ok.drvmap'], io), 0);
  assert.equal(io.stdout, '✓ 2 files checked: no problems; empty.drvmap has no scenario\n');
  io = memoryIo(dir);
  assert.equal(runCli(['check', '--fail-on', 'warning', 'empty.drvmap'], io), 1);
  assert.equal(io.stdout, '✗ 1 file checked: no problems; empty.drvmap has no scenario\n');
  // No diagnostic, so the threshold does not hide it.
  io = memoryIo(dir);
  assert.equal(
    runCli(['check', '--severity-threshold', 'error', '--fail-on', 'warning', 'empty.drvmap'], io),
    1,
  );
  io = memoryIo(dir);
  assert.equal(runCli(['check', '--fail-on', 'warning', 'ok.drvmap'], io), 0);

  const report = checkSources([
    { path: 'empty.drvmap', text: '' },
    { path: 'ok.drvmap', text: CLEAN },
  ]);
  const json = checkJson(report);
  assert.deepEqual(
    json.files.map((f) => [f.path, f.scenarios]),
    [
      ['empty.drvmap', 0],
      ['ok.drvmap', 1],
    ],
  );
  assert.equal(json.summary.withoutScenario, 1);
  const run = assertSarifShape(checkSarif(report, { cwd: '/w' })) as {
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: {
        level: string;
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
      }[];
    }[];
  };
  const invocation = run.invocations[0]!;
  assert.equal(invocation.executionSuccessful, true);
  assert.deepEqual(
    invocation.toolExecutionNotifications.map((n) => [
      n.level,
      n.message.text,
      n.locations[0]!.physicalLocation.artifactLocation.uri,
    ]),
    [['warning', 'empty.drvmap has no scenario: nothing in it was checked', 'empty.drvmap']],
  );
});

test('-o replaces a symbolic link at the output path; the file it pointed to is not written', () => {
  const dir = workspace({ 'ci/a.drvmap': ERRORS, 'outside/secret.txt': 'SECRET\n' });
  symlinkSync(join('..', 'outside', 'secret.txt'), join(dir, 'ci', 'report.sarif'));
  const io = memoryIo(join(dir, 'ci'));
  assert.equal(runCli(['check', 'a.drvmap', '--format', 'sarif', '-o', 'report.sarif'], io), 1, io.stderr);
  assert.equal(readFileSync(join(dir, 'outside', 'secret.txt'), 'utf8'), 'SECRET\n');
  assert.ok(lstatSync(join(dir, 'ci', 'report.sarif')).isFile());
  assertSarifShape(JSON.parse(readFileSync(join(dir, 'ci', 'report.sarif'), 'utf8')));
  // Written through a temporary file beside it, renamed over: none is left behind.
  assert.deepEqual(readdirSync(join(dir, 'ci')).sort(), ['a.drvmap', 'report.sarif']);
  // The same for trace, and over an existing regular file.
  const trace = memoryIo(join(dir, 'ci'));
  assert.equal(runCli(['trace', 'a.drvmap', '--no-maps', '-o', 'report.sarif'], trace), 0, trace.stderr);
  assert.match(readFileSync(join(dir, 'ci', 'report.sarif'), 'utf8'), /^scenario 1 "unaligned"/);
  assert.deepEqual(readdirSync(join(dir, 'ci')).sort(), ['a.drvmap', 'report.sarif']);
});

test('-o that leads to an input is refused, exit 2, and the input is kept: by name, link, hard link, directory walk', () => {
  const dir = workspace({ 'a.drvmap': ERRORS, 'sub/b.drvmap': CLEAN });
  symlinkSync('a.drvmap', join(dir, 'link.txt'));
  linkSync(join(dir, 'a.drvmap'), join(dir, 'hard.txt'));
  for (const [args, output, input] of [
    [['check', 'a.drvmap'], 'a.drvmap', 'a.drvmap'],
    [['check', '--format', 'sarif', 'a.drvmap'], join('sub', '..', 'a.drvmap'), 'a.drvmap'],
    [['check', 'a.drvmap'], 'link.txt', 'a.drvmap'],
    [['check', 'a.drvmap'], 'hard.txt', 'a.drvmap'],
    [['check', '.'], join('sub', 'b.drvmap'), join('sub', 'b.drvmap')],
    [['trace', 'a.drvmap'], 'a.drvmap', 'a.drvmap'],
  ] as const) {
    const io = memoryIo(dir);
    assert.equal(runCli([...args, '-o', output], io), 2, `${args.join(' ')} -o ${output}`);
    assert.equal(
      io.stderr,
      `drvmap: cannot write ${output}: it is the input ${input}, which the report would replace; write the report elsewhere\n`,
    );
    assert.equal(io.stdout, '');
  }
  assert.equal(readFileSync(join(dir, 'a.drvmap'), 'utf8'), ERRORS);
  assert.equal(readFileSync(join(dir, 'sub', 'b.drvmap'), 'utf8'), CLEAN);
  assert.ok(lstatSync(join(dir, 'link.txt')).isSymbolicLink());
});

test("SARIF rule help is the rule's prose from docs/rules.md, without its examples", () => {
  const markdown = readFileSync(join(root, 'docs', 'rules.md'), 'utf8');
  const parsed = parseRuleHelp(markdown);
  const run = assertSarifShape(checkSarif(checkSources([{ path: 'a.drvmap', text: CLEAN }]), { cwd: '/w' }));
  const rules = (
    run.tool as {
      driver: {
        rules: {
          id: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          help: { text: string; markdown: string };
        }[];
      };
    }
  ).driver.rules;
  for (const rule of RULES) {
    const help = ruleHelp(rule.code);
    assert.ok(help, `${rule.code} has help`);
    // What the CLI bundled is what docs/rules.md says now.
    assert.deepEqual(help, parsed.get(rule.code));
    assert.ok(!help.markdown.includes('```') && !help.markdown.includes('# expect:'), rule.code);
    assert.ok(help.text.length > rule.title.length, `${rule.code}: more than the title`);
    for (const [, target] of help.markdown.matchAll(/\]\(([^)]*)\)/g))
      assert.match(target!, /^https:\/\//, `${rule.code}: link ${target} is absolute`);
    const sarif = rules.find((r) => r.id === rule.code)!;
    assert.equal(sarif.shortDescription.text, rule.title);
    assert.equal(sarif.fullDescription.text, help.summary);
    assert.equal(sarif.help.text, `${help.text}\n\nSee ${ruleDocUrl(rule.code)}`);
    assert.ok(sarif.help.markdown.startsWith(help.markdown));
    assert.ok(sarif.help.markdown.endsWith(`](${ruleDocUrl(rule.code)})`));
  }
  const refused = parsed.get('kernel-refused')!;
  assert.match(refused.summary, /^The kernel fails the call with an errno\./);
  assert.match(refused.markdown, /^Kernel, error\./);
  assert.match(refused.text, /One call the kernel does not refuse/);
  assert.doesNotMatch(refused.text, /DONTUNMAP on a memfd/);
  // A paragraph that leads into an example is about the example: left out.
  assert.doesNotMatch(parsed.get('kernel-mismatch')!.text, /no example here fires it/);
  // A first paragraph that leads into a list keeps the list.
  assert.match(parsed.get('placed-unsupported')!.summary, /in this order:\n\n- Host-memory import/);
  assert.match(parsed.get('placed-unsupported')!.markdown, /\n- \*\*A direct map\*\*/);
});
