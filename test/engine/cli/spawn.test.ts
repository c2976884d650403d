// The bundled CLI as a user runs it: `node out/cli.js` in a child process, on temporary files.
// Needs `node scripts/build.mjs` (npm test builds first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertSarifShape } from './sarif-shape';
import { CLEAN, ERRORS, WARNING_ONLY } from './fixtures';

const ROOT = resolve(__dirname, '../../../..');
const CLI = join(ROOT, 'out', 'cli.js');
const BIN = join(ROOT, 'bin', 'drvmap.js');

function drvmap(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'drvmap-spawn-'));
writeFileSync(join(dir, 'clean.drvmap'), CLEAN);
writeFileSync(join(dir, 'warn.drvmap'), WARNING_ONLY);
writeFileSync(join(dir, 'bad.drvmap'), ERRORS);

test('out/cli.js is built', () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs`);
});

test('exit 0: clean, and warnings only', () => {
  const clean = drvmap(['check', 'clean.drvmap'], dir);
  assert.equal(clean.status, 0, clean.stderr);
  assert.match(clean.stdout, /no problems/);
  assert.equal(drvmap(['check', 'warn.drvmap'], dir).status, 0);
});

test('exit 1: errors, and warnings with --fail-on warning; plain text when piped', () => {
  const bad = drvmap(['check', 'clean.drvmap', 'bad.drvmap'], dir);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /^bad\.drvmap:2:\d+: error \[kernel-refused\]/m);
  assert.ok(!bad.stdout.includes('\u001b['));
  assert.equal(drvmap(['check', '--fail-on', 'warning', 'warn.drvmap'], dir).status, 1);
  assert.ok(drvmap(['check', 'bad.drvmap'], dir, { FORCE_COLOR: '1' }).stdout.includes('\u001b['));
  assert.ok(
    !drvmap(['check', 'bad.drvmap'], dir, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout.includes('\u001b['),
  );
});

test('exit 2: bad usage and unreadable files', () => {
  const usage = drvmap(['check', '--format', 'xml', 'bad.drvmap'], dir);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--format takes text, json or sarif/);
  const missing = drvmap(['check', 'nope.drvmap'], dir);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read nope\.drvmap/);
  assert.equal(drvmap(['trace', 'clean.drvmap', '--scenario', '9'], dir).status, 2);
});

test('SARIF from the bundle is structurally valid', () => {
  const r = drvmap(['check', '--format', 'sarif', 'bad.drvmap', 'clean.drvmap'], dir);
  assert.equal(r.status, 1);
  const run = assertSarifShape(JSON.parse(r.stdout));
  assert.ok((run.results as unknown[]).length >= 1);
});

test('JSON from the bundle parses and carries the exit code', () => {
  const r = drvmap(['check', '--format', 'json', 'bad.drvmap'], dir);
  const json = JSON.parse(r.stdout) as { exitCode: number; files: { path: string }[] };
  assert.equal(json.exitCode, r.status);
  assert.equal(json.files[0]?.path, 'bad.drvmap');
});

test('trace and --version through bin/drvmap.js', () => {
  const trace = spawnSync(process.execPath, [BIN, 'trace', 'clean.drvmap'], { cwd: dir, encoding: 'utf8' });
  assert.equal(trace.status, 0, trace.stderr);
  assert.match(trace.stdout, /step 6 {2}line 10 {2}mprotect c, 4KiB, rw/);
  const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  assert.match(version.stdout, /^drvmap \d+\.\d+\.\d+\n$/);
});

test("`drvmap help explore` and `help import` print those commands' help", () => {
  for (const command of ['explore', 'import']) {
    const r = drvmap(['help', command], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: drvmap ${command}`));
  }
  const unknown = drvmap(['help', 'frobnicate'], dir);
  assert.equal(unknown.status, 2);
});
