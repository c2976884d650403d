// `npm start [-- --port N] [--host H] [--folder DIR] [--no-open] [--no-build]`: builds the
// extension, sets up code-server (a real VS Code, offline) and serves it with the extension
// installed and examples/ open. State (settings, open editors) is kept in .cache/vscode/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BASE_SETTINGS,
  cacheDir,
  isPortFree,
  linkExtensionInto,
  repoRoot,
  setupCodeServer,
  startCodeServer,
  writeUserSettings,
} from './lib/code-server.mjs';

const DEFAULT_PORT = 8743;

function parseArgs(argv) {
  const opts = {
    port: DEFAULT_PORT,
    host: '127.0.0.1',
    folder: join(repoRoot, 'examples'),
    open: true,
    build: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--port' || flag === '-p') opts.port = Number(value());
    else if (flag === '--host') opts.host = value();
    else if (flag === '--folder') opts.folder = resolve(value());
    else if (flag === '--no-open') opts.open = false;
    else if (flag === '--no-build') opts.build = false;
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: npm start -- [--port N] [--host H] [--folder DIR] [--no-open] [--no-build]');
      process.exit(0);
    } else {
      console.error(`start: unknown option ${argv[i]} (try --help)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
    console.error('start: --port needs a number between 1 and 65535');
    process.exit(2);
  }
  return opts;
}

function openBrowser(url) {
  const graphical = process.platform === 'darwin' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  if (!graphical || spawnSync('sh', ['-c', `command -v ${opener}`], { stdio: 'ignore' }).status !== 0)
    return false;
  spawn(opener, [url], { detached: true, stdio: 'ignore' }).unref();
  return true;
}

const opts = parseArgs(process.argv.slice(2));

// Check the port first: a clear message beats code-server's EADDRINUSE stack.
if (!(await isPortFree(opts.port, opts.host))) {
  console.error(
    `start: port ${opts.port} on ${opts.host} is already in use (another \`npm start\`?).\n` +
      `       Stop that, or pick another port: npm start -- --port ${opts.port + 1}`,
  );
  process.exit(1);
}

if (opts.build) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], {
    stdio: 'inherit',
    cwd: repoRoot,
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
try {
  await setupCodeServer();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

const stateDir = join(cacheDir, 'vscode');
const extensionsDir = join(stateDir, 'extensions');
const userDataDir = join(stateDir, 'user-data');
linkExtensionInto(extensionsDir);
// VS Code caches the scanned manifests of installed extensions; drop the cache so an edited
// package.json (new commands, settings) is read again.
const cached = join(userDataDir, 'CachedProfilesData');
if (existsSync(cached)) {
  for (const profile of readdirSync(cached))
    rmSync(join(cached, profile, 'extensions.user.cache'), { force: true });
}
writeUserSettings(userDataDir, BASE_SETTINGS, { onlyMissing: true });
mkdirSync(opts.folder, { recursive: true });

let server;
try {
  server = await startCodeServer({
    port: opts.port,
    host: opts.host,
    folder: opts.folder,
    extensionsDir,
    userDataDir,
    stdio: 'inherit',
  });
} catch (err) {
  console.error(`start: code-server did not start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const url = `${server.url}?folder=${encodeURIComponent(opts.folder).replace(/%2F/g, '/')}`;
console.log(`\ndrvmap: VS Code (code-server) with the extension is at\n\n    ${url}\n`);
console.log(
  'drvmap: `npm run watch` in another terminal rebuilds; then run "Developer: Reload Window". Ctrl+C stops.',
);
if (opts.open && openBrowser(url)) console.log('drvmap: opened it in your browser');

let stopping = false;
const shutdown = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\ndrvmap: stopping code-server (${signal})`);
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
server.child.on('exit', (code, signal) => {
  if (stopping) return;
  console.error(`drvmap: code-server exited (${signal ?? code})`);
  process.exit(code ?? 1);
});
