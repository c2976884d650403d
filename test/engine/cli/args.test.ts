import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseArgs,
  severityRank,
  UsageError,
  type CheckCommand,
  type TraceCommand,
} from '../../../server/src/cli/args';

function usage(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (error) {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${argv.join(' ')} to be refused`);
}

test('help and version', () => {
  assert.deepEqual(parseArgs(['--help']), { kind: 'help', topic: 'main' });
  assert.deepEqual(parseArgs(['help', 'trace']), { kind: 'help', topic: 'trace' });
  assert.deepEqual(parseArgs(['check', '--help']), { kind: 'help', topic: 'check' });
  assert.deepEqual(parseArgs(['--version']), { kind: 'version' });
});

test('check: defaults', () => {
  const c = parseArgs(['check', 'a.drvmap', 'b.drvmap']) as CheckCommand;
  assert.equal(c.kind, 'check');
  assert.deepEqual(c.files, ['a.drvmap', 'b.drvmap']);
  assert.equal(c.format, 'text');
  assert.equal(c.threshold, 'hint');
  assert.equal(c.failOn, 'error');
  assert.equal(c.color, 'auto');
  assert.equal(c.kernel, undefined);
  assert.deepEqual(c.severities, {});
});

test('check: every option, both --name value and --name=value', () => {
  const c = parseArgs([
    'check',
    '--format=sarif',
    '--severity-threshold',
    'warning',
    '--fail-on=warning',
    '--rule',
    'stale-pointer=warning',
    '--rule=remap-granularity=off',
    '--kernel',
    '5.15',
    '-o',
    'out.sarif',
    '--no-color',
    'x.drvmap',
    '--',
    '--odd-name.drvmap',
  ]) as CheckCommand;
  assert.equal(c.format, 'sarif');
  assert.equal(c.threshold, 'warning');
  assert.equal(c.failOn, 'warning');
  assert.deepEqual(c.severities, { 'stale-pointer': 'warning', 'remap-granularity': 'off' });
  assert.deepEqual(c.kernel, { major: 5, minor: 15 });
  assert.equal(c.output, 'out.sarif');
  assert.equal(c.color, 'never');
  assert.deepEqual(c.files, ['x.drvmap', '--odd-name.drvmap']);
});

test('trace: options', () => {
  const t = parseArgs([
    'trace',
    'a.drvmap',
    '--scenario',
    '2',
    '--format',
    'json',
    '--no-maps',
  ]) as TraceCommand;
  assert.equal(t.kind, 'trace');
  assert.equal(t.file, 'a.drvmap');
  assert.equal(t.scenario, '2');
  assert.equal(t.format, 'json');
  assert.equal(t.maps, 'none');
  assert.equal((parseArgs(['trace', 'a.drvmap']) as TraceCommand).maps, 'all');
  assert.equal((parseArgs(['trace', '--maps', 'changed', 'a.drvmap']) as TraceCommand).maps, 'changed');
  assert.equal((parseArgs(['trace', '--maps=none', 'a.drvmap']) as TraceCommand).maps, 'none');
});

test('bad usage is a UsageError naming the problem', () => {
  assert.match(usage([]).message, /no command/);
  assert.match(
    usage(['lint', 'a']).message,
    /unknown command `lint`; commands are check, trace, explore and import/,
  );
  assert.match(usage(['check']).message, /no files/);
  assert.match(usage(['check', '--format', 'xml', 'a']).message, /text, json or sarif/);
  assert.match(usage(['check', '--format']).message, /needs a value/);
  assert.match(usage(['check', '--fail-on', 'fatal', 'a']).message, /error, warning, info or hint/);
  assert.match(usage(['check', '--rule', 'no-such-rule=error', 'a']).message, /not a rule code/);
  assert.match(usage(['check', '--rule', 'stale-pointer', 'a']).message, /CODE=LEVEL/);
  assert.match(usage(['check', '--kernel', 'latest', 'a']).message, /version such as/);
  assert.match(
    usage(['check', '--kernel', '2.4', 'a']).message,
    /drvmap models Linux 2\.6 and later, not 2\.4/,
  );
  assert.match(usage(['check', '--kernel', '5.25', 'a']).message, /the 5\.x series ended with 5\.19/);
  // A range, or two values, is refused as the file's `kernel` line refuses it: one run, one kernel.
  for (const range of ['6.8-6.9', '6.8..6.9', '6.8-6.9.1'])
    assert.equal(
      usage(['check', '--kernel', range, 'a']).message,
      '--kernel takes one version, not a range: a scenario runs on one kernel (--kernel 6.8)',
    );
  assert.equal(
    usage(['check', '--kernel', '6.6.12..6.6.14', 'a']).message,
    '--kernel takes one version, not a range: a scenario runs on one kernel (--kernel 6.6)',
  );
  // A git tag is refused as the file's `kernel v6.6` is, with the version to write instead.
  assert.equal(
    usage(['check', '--kernel', 'v6.6', 'a']).message,
    'write the version without the `v`: --kernel 6.6',
  );
  assert.match(usage(['check', '--kernel', '6.6 7', 'a']).message, /version such as 6\.6, not `6\.6 7`/);
  assert.match(usage(['check', '--frobnicate', 'a']).message, /unknown option --frobnicate/);
  assert.match(usage(['check', '--format', 'json', '--format', 'text', 'a']).message, /more than once/);
  assert.match(usage(['trace', 'a', 'b']).message, /one file/);
  assert.match(usage(['trace', '--format', 'sarif', 'a']).message, /text or json/);
  assert.equal(usage(['trace', '--bogus', 'a']).topic, 'trace');
  assert.match(usage(['trace', '--maps', 'some', 'a']).message, /all, changed or none/);
  assert.match(usage(['trace', '--maps', 'all', '--no-maps', 'a']).message, /disagree/);
});

test('severity ranks order error > warning > info > hint', () => {
  assert.ok(severityRank('error') > severityRank('warning'));
  assert.ok(severityRank('warning') > severityRank('info'));
  assert.ok(severityRank('info') > severityRank('hint'));
});
