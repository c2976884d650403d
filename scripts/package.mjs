// `npm run package`: production build, then `vsce package --no-dependencies` into
// drvmap-<version>.vsix (the esbuild bundles are self-contained, so node_modules is left out).
// Prints the size and fails when the .vsix is over 1 MB.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const LIMIT = 1024 * 1024;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `${pkg.name}-${pkg.version}.vsix`);

function run(cmd, args) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`package: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

run(process.execPath, ['scripts/build.mjs', '--production']);

const main = (pkg.main ?? './out/extension.js').replace(/^\.\//, '');
const missing = [main, 'README.md', 'LICENSE'].filter((f) => !existsSync(join(root, f)));
if (missing.length > 0) {
  console.error(`package: missing ${missing.join(', ')}; vsce needs them`);
  process.exit(1);
}

rmSync(vsix, { force: true });
// --no-dependencies: nothing from node_modules; --out: a fixed name for CI to pick up.
run('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--out', vsix]);

const size = statSync(vsix).size;
const kb = (size / 1024).toFixed(1);
if (size > LIMIT) {
  console.error(`package: ${relative(root, vsix)} is ${kb} KB, over the 1 MB limit; check .vscodeignore`);
  process.exit(1);
}
console.log(`\npackage: ${relative(root, vsix)} is ${kb} KB (limit 1024 KB)`);
