// The whole suite, as `npm test` runs it: lint, typecheck, build, then every test layer.
// `--only unit|lsp|panel|fidelity|e2e` runs one layer (after the build) for quick iteration.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;

function run(label, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(
    `== ${label}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function testsUnder(dir, found = []) {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) testsUnder(path, found);
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

if (!only) {
  run('lint', 'npx', ['eslint', '.']);
  run('format', 'npx', ['prettier', '--check', '.']);
  run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
}
run('build', 'node', ['scripts/build.mjs', '--tests']);

const layers = [
  ['unit', 'out-test/test/engine'],
  ['lsp', 'out-test/test/lsp'],
  ['panel', 'out-test/test/panel'],
  ['fidelity', 'out-test/test/fidelity'],
  ['e2e', 'out-test/test/e2e'],
];
// Every layer runs even when an earlier one failed, so one run shows every failure; the totals
// close the output as "drvmap: N passed, N failed".
let passed = 0;
let failed = 0;
const failedLayers = [];
for (const [name, dir] of layers) {
  if (only && only !== name) continue;
  const files = testsUnder(dir);
  if (files.length === 0) {
    console.log(`\n== ${name}: no tests`);
    continue;
  }
  const tap = `out-test/${name}.tap`;
  const started = Date.now();
  console.log(`\n== ${name}: ${files.length} test files`);
  const r = spawnSync(
    'node',
    [
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { stdio: 'inherit' },
  );
  const counts = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const layerPassed = Number(/^# pass (\d+)$/m.exec(counts)?.[1] ?? 0);
  const layerFailed = Number(/^# fail (\d+)$/m.exec(counts)?.[1] ?? (r.status === 0 ? 0 : 1));
  passed += layerPassed;
  failed += layerFailed;
  if (r.status !== 0) failedLayers.push(name);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${seconds} s (${layerPassed} passed, ${layerFailed} failed)`,
  );
}
if (failedLayers.length) console.log(`\nfailed layers: ${failedLayers.join(', ')}`);
console.log(`\ndrvmap: ${passed} passed, ${failed} failed`);
process.exit(failedLayers.length ? 1 : 0);
