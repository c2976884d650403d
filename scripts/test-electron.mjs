// `npm run test:electron`: the extension-host suite (test/e2e/exthost/*.exthost.ts) under
// @vscode/test-electron, in a desktop VS Code it downloads — when that is possible. It needs
// @vscode/test-electron installed (it is not a dependency of this repo) and VS Code's update
// servers reachable. Otherwise it says why and exits 0 as skipped: the same suites run offline
// inside code-server in `npm test` (test/e2e/exthost.test.ts, via runExtensionHostTests).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { request } from 'node:https';
import { join, resolve, dirname } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repoRoot, 'package.json'));
const UPDATE_URL = 'https://update.code.visualstudio.com/api/releases/stable';

function skip(reason) {
  console.log(`test:electron: SKIPPED — ${reason}`);
  console.log(
    'test:electron: the same extension-host suites run offline in code-server with `npm run test:e2e` ' +
      '(test/e2e/exthost.test.ts).',
  );
  process.exit(0);
}

/** Resolves true when VS Code's update server answers within a few seconds. */
function canReach(url) {
  return new Promise((resolveReach) => {
    const req = request(url, { method: 'HEAD', timeout: 5000 }, (res) => {
      res.resume();
      resolveReach((res.statusCode ?? 0) > 0 && (res.statusCode ?? 0) < 500);
    });
    req.once('error', () => resolveReach(false));
    req.once('timeout', () => {
      req.destroy();
      resolveReach(false);
    });
    req.end();
  });
}

let testElectron;
try {
  testElectron = require('@vscode/test-electron');
} catch {
  skip('@vscode/test-electron is not installed (it is not a dependency of drvmap; install it to run this)');
}
if (!(await canReach(UPDATE_URL)))
  skip(`VS Code cannot be downloaded: ${new URL(UPDATE_URL).host} is not reachable from here`);

// Build the extension and bundle each suite with a wrapper that sets the results file.
const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const esbuild = await import('esbuild');
const outDir = join(repoRoot, 'out-test', 'electron');
mkdirSync(outDir, { recursive: true });
const suites = readdirSync(join(repoRoot, 'test', 'e2e', 'exthost')).filter((f) => f.endsWith('.exthost.ts'));
// A fresh copy of the fixture workspace, as the code-server harness uses.
const workspace = join(mkdtempSync(join(tmpdir(), 'drvmap-electron-')), 'workspace');
cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
let failed = 0;
for (const suite of suites) {
  const out = join(outDir, suite.replace(/\.ts$/, '.js'));
  await esbuild.build({
    entryPoints: [join(repoRoot, 'test', 'e2e', 'exthost', suite)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const resultsFile = join(outDir, `${suite}.results.json`);
  rmSync(resultsFile, { force: true });
  try {
    await testElectron.runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: out,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { DRVMAP_EXTHOST_RESULTS: resultsFile },
    });
  } catch (err) {
    console.error(`test:electron: ${suite} could not run: ${err instanceof Error ? err.message : err}`);
    failed++;
    continue;
  }
  if (!existsSync(resultsFile)) {
    console.error(`test:electron: ${suite} wrote no results`);
    failed++;
    continue;
  }
  const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const r of report.results)
    console.log(`${r.ok ? 'ok' : 'FAILED'} ${suite}: ${r.name}${r.ok ? '' : `\n${r.error}`}`);
  if (!report.ok) failed++;
}
rmSync(dirname(workspace), { recursive: true, force: true });
process.exit(failed === 0 ? 0 : 1);
