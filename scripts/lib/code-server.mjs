// Shared helpers for running the extension in a real VS Code without internet: code-server
// 4.100.3 from the npm registry, installed into .cache/code-server/ (see
// /work/shared/facts/vscode-offline.md for why each step is needed). Used by
// scripts/setup-code-server.mjs, scripts/start.mjs and test/e2e/harness.ts.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  symlinkSync,
  lstatSync,
  readlinkSync,
  openSync,
  closeSync,
  statSync,
} from 'node:fs';
import { createServer, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, '.cache');
export const codeServerDir = join(cacheDir, 'code-server');
export const codeServerPkgDir = join(codeServerDir, 'node_modules', 'code-server');
export const vscodeDir = join(codeServerPkgDir, 'lib', 'vscode');
export const entryJs = join(codeServerPkgDir, 'out', 'node', 'entry.js');
const stampFile = join(codeServerDir, 'setup-stamp.json');
const lockDir = join(codeServerDir, '.setup-lock');

/** Native modules of lib/vscode that the server needs (kerberos is left out: proxy auth only). */
export const NATIVE_MODULES = [
  '@parcel/watcher',
  '@vscode/spdlog',
  'native-watchdog',
  'node-pty',
  '@vscode/deviceid',
];

/** What a finished setup must match; any change (Node ABI, version, steps) redoes it. */
function wantedStamp() {
  return {
    version: CODE_SERVER_VERSION,
    nodeAbi: process.versions.modules,
    platform: `${process.platform}-${process.arch}`,
    native: NATIVE_MODULES,
    layout: 2,
  };
}

function stampMatches() {
  if (!existsSync(stampFile) || !existsSync(entryJs)) return false;
  try {
    const have = JSON.parse(readFileSync(stampFile, 'utf8'));
    const want = wantedStamp();
    return Object.keys(want).every((k) => JSON.stringify(have[k]) === JSON.stringify(want[k]));
  } catch {
    return false;
  }
}

export function isCodeServerReady() {
  return stampMatches();
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, opts, log) {
  const started = Date.now();
  log(`  $ ${cmd} ${args.join(' ')}${opts.cwd ? `   (in ${opts.cwd.replace(repoRoot + '/', '')})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`code-server setup: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status})\n${out}`);
  }
  log(`    done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r;
}

function ensureLink(linkPath, target) {
  try {
    const st = lstatSync(linkPath);
    if (st.isSymbolicLink() && readlinkSync(linkPath) === target) return;
    rmSync(linkPath, { recursive: true, force: true });
  } catch {
    /* missing */
  }
  mkdirSync(dirname(linkPath), { recursive: true });
  symlinkSync(target, linkPath);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A lock so that parallel test files (or `npm start` during a test run) don't install twice. */
async function withLock(fn, log) {
  mkdirSync(codeServerDir, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  let said = false;
  while (true) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      if (Number.isFinite(owner) && !pidAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`code-server setup: lock ${lockDir} held too long`);
      if (!said) log(`code-server: another setup (pid ${owner}) is running; waiting for it`);
      said = true;
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Installs code-server into .cache/code-server/ unless the stamp says it is already there.
 * Returns { entry, cached, ms }. Idempotent; a second call costs a stat and a JSON read.
 */
export async function setupCodeServer({ log = console.log, force = false } = {}) {
  const started = Date.now();
  if (!force && stampMatches()) return { entry: entryJs, cached: true, ms: Date.now() - started };
  return withLock(async () => {
    if (!force && stampMatches()) return { entry: entryJs, cached: true, ms: Date.now() - started };
    log(`code-server: installing ${CODE_SERVER_VERSION} into ${codeServerDir.replace(repoRoot + '/', '')}/`);

    // Debian packages: ripgrep for search, a compiler toolchain for the native modules.
    const missing = ['rg', 'make', 'g++', 'python3'].filter((c) => !has(c));
    if (missing.length > 0) {
      log(`code-server: missing ${missing.join(', ')}; running scripts/install-system-deps.sh`);
      const r = spawnSync('bash', [join(repoRoot, 'scripts', 'install-system-deps.sh')], {
        stdio: 'inherit',
      });
      if (r.status !== 0) throw new Error('code-server setup: scripts/install-system-deps.sh failed');
    }
    const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
    if (!rg) throw new Error('code-server setup: ripgrep (rg) is still missing');

    rmSync(stampFile, { force: true });
    // 1. Own folder with its own package.json, so npm does not walk up to the repo's.
    const pkgJson = join(codeServerDir, 'package.json');
    if (!existsSync(pkgJson)) {
      writeFileSync(
        pkgJson,
        JSON.stringify({ name: 'drvmap-code-server-cache', private: true }, null, 2) + '\n',
      );
    }
    const npmEnv = {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const installed = existsSync(join(codeServerPkgDir, 'package.json'))
      ? JSON.parse(readFileSync(join(codeServerPkgDir, 'package.json'), 'utf8')).version
      : undefined;
    if (installed !== CODE_SERVER_VERSION) {
      run(
        'npm',
        ['install', '--ignore-scripts', '--no-save', `code-server@${CODE_SERVER_VERSION}`],
        { cwd: codeServerDir, env: npmEnv },
        log,
      );
    }
    // 2. VS Code's own production dependencies, then only the native modules the server needs.
    run('npm', ['install', '--omit=dev', '--ignore-scripts'], { cwd: vscodeDir, env: npmEnv }, log);
    run(
      'npm',
      ['rebuild', ...NATIVE_MODULES],
      { cwd: vscodeDir, env: { ...npmEnv, npm_config_yes: 'true' } },
      log,
    );
    // 3. Debian's ripgrep instead of the download; node_modules.asar as VS Code expects it.
    ensureLink(join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'), rg);
    ensureLink(join(vscodeDir, 'node_modules.asar'), 'node_modules');
    // 4. code-server's password hashing (loaded at startup even with --auth none).
    run('npm', ['rebuild', 'argon2'], { cwd: codeServerDir, env: npmEnv }, log);

    writeFileSync(
      stampFile,
      JSON.stringify({ ...wantedStamp(), installedAt: new Date().toISOString() }, null, 2) + '\n',
    );
    const ms = Date.now() - started;
    log(`code-server: ready in ${(ms / 1000).toFixed(1)} s`);
    return { entry: entryJs, cached: false, ms };
  }, log);
}

/** Resolves true when nothing listens on host:port (and we could bind it). */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolvePort) => {
    const srv = createServer();
    srv.once('error', () => resolvePort(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolvePort(true)));
  });
}

/** A port the OS considers free right now. */
export function findFreePort(host = '127.0.0.1') {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host }, () => {
      const addr = srv.address();
      srv.close(() => resolvePort(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolveStatus) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.once('error', () => resolveStatus(0));
    req.once('timeout', () => {
      req.destroy();
      resolveStatus(0);
    });
    req.end();
  });
}

/** Polls url until it answers 2xx, the child dies, or the timeout passes. */
export async function waitForHttp(url, { timeoutMs = 60_000, child, logFile } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      const tail =
        logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
      throw new Error(`code-server exited with code ${child.exitCode} before answering ${url}\n${tail}`);
    }
    const status = await httpStatus(url);
    if (status >= 200 && status < 400) return;
    await sleep(100);
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms`);
}

/**
 * Writes USER_DATA/User/settings.json, merging over what is there; with `onlyMissing`, keys the
 * user already set are left alone.
 */
export function writeUserSettings(userDataDir, settings, { onlyMissing = false } = {}) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  let current = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    /* none yet, or hand-edited with comments: start over */
  }
  const merged = onlyMissing ? { ...settings, ...current } : { ...current, ...settings };
  writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
}

/** Settings every run uses: no welcome page, no trust prompt, no noise. */
export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Makes extensionsDir/drvmap.drvmap-<version> a symlink to the repo, so a rebuild
 * (`npm run watch`) is picked up by reloading the window.
 *
 * The whole folder is one link, not a folder of links to the repo's entries: the extension host
 * finds which extension a `require('vscode')` comes from by the requiring file's path under the
 * extension's *realpath* (extHostExtensionService `_realPathExtensionUri`), and Node loads
 * out/extension.js by its realpath in the repo. With a folder of links the two never matched, so
 * every API call was attributed to no extension: notifications said "Null Extension
 * Description". Linked whole, the extension's realpath is the repo and out/extension.js lies in
 * it; the repo also has `native/` (Run on This Kernel) and `docs/` (Open Rule Documentation).
 */
export function linkExtensionInto(extensionsDir) {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const folder = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  mkdirSync(extensionsDir, { recursive: true });
  // Drop folders of other versions of this extension, so only one is loaded.
  for (const name of existsSync(extensionsDir) ? readdirSafe(extensionsDir) : []) {
    if (name.startsWith(`${pkg.publisher}.${pkg.name}-`) && join(extensionsDir, name) !== folder) {
      rmSync(join(extensionsDir, name), { recursive: true, force: true });
    }
  }
  ensureLink(folder, repoRoot);
  // VS Code keeps a list of installed extensions; without one it scans the folder. Remove a
  // stale list so the scan always sees the linked folder.
  rmSync(join(extensionsDir, 'extensions.json'), { force: true });
  return folder;
}

function readdirSafe(dir) {
  try {
    return spawnSync('ls', ['-1A', dir], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Starts code-server in its own process group. Returns { child, port, url, logFile, stop() }
 * once /healthz answers. `stop()` kills the whole group (server, extension host, language server).
 */
export async function startCodeServer({
  port,
  host = '127.0.0.1',
  folder,
  extensionsDir,
  userDataDir,
  logFile,
  env = {},
  extraArgs = [],
  timeoutMs = 60_000,
  stdio = 'log',
} = {}) {
  if (!existsSync(entryJs))
    throw new Error('code-server is not installed: run `node scripts/setup-code-server.mjs`');
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  // Its own config file, so nothing is written to ~/.config/code-server/.
  const configFile = join(userDataDir, 'code-server.yaml');
  if (!existsSync(configFile)) writeFileSync(configFile, 'auth: none\ncert: false\n');
  const args = [
    entryJs,
    '--config',
    configFile,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${port}`,
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...extraArgs,
  ];
  if (folder) args.push(folder);
  let out = 'inherit';
  let fd;
  if (stdio === 'log') {
    if (!logFile) logFile = join(userDataDir, 'code-server.log');
    mkdirSync(dirname(logFile), { recursive: true });
    fd = openSync(logFile, 'a');
    out = fd;
  }
  const child = spawn(process.execPath, args, {
    cwd: folder && existsSync(folder) && statSync(folder).isDirectory() ? folder : repoRoot,
    detached: true, // own process group: stop() kills the server and everything it spawned
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  if (fd !== undefined) closeSync(fd);
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  const url = `http://${host}:${port}/`;
  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      killGroup('SIGTERM');
      const timedOut = await Promise.race([
        exited.then(() => false),
        sleep(5000, undefined, { ref: false }).then(() => true),
      ]);
      if (timedOut) killGroup('SIGKILL');
    }
    // Leftovers of the group (extension host, language server) after the parent went away.
    killGroup('SIGKILL');
  };
  try {
    await waitForHttp(`${url}healthz`, { timeoutMs, child, logFile });
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, port, host, url, logFile, stop };
}
