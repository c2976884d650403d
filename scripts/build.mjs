// Bundles the client, the language server, the CLI and the panel with esbuild into out/.
// `--watch` rebuilds on change; `--tests` also bundles every *.test.ts into out-test/ for node:test.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = new Set(process.argv.slice(2));
// A Markdown file imported is its text: the CLI's SARIF output carries each rule's section of
// docs/rules.md (server/src/cli/formats/rule-help.ts).
const loader = { '.md': 'text' };
const watch = args.has('--watch');
const production = args.has('--production');

const bundles = [
  {
    entry: 'src/extension.ts',
    out: 'out/extension.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
  },
  { entry: 'server/src/server/main.ts', out: 'out/server.js', platform: 'node', format: 'cjs' },
  // The explore thread the server starts (server/src/server/explore-thread.ts).
  {
    entry: 'server/src/server/explore-worker.ts',
    out: 'out/explore-worker.js',
    platform: 'node',
    format: 'cjs',
  },
  { entry: 'server/src/cli/main.ts', out: 'out/cli.js', platform: 'node', format: 'cjs' },
  { entry: 'media/src/panel.ts', out: 'out/panel.js', platform: 'browser', format: 'iife' },
].filter((b) => existsSync(b.entry));

function options(b) {
  return {
    entryPoints: [b.entry],
    outfile: b.out,
    bundle: true,
    platform: b.platform,
    format: b.format,
    target: b.platform === 'node' ? 'node20' : 'chrome120',
    external: b.external ?? [],
    loader,
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
  };
}

function findTests(dir, found = []) {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'workspace' || name === 'fixtures') continue;
    if (statSync(path).isDirectory()) findTests(path, found);
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

if (production) for (const b of bundles) rmSync(b.out + '.map', { force: true });

if (watch) {
  for (const b of bundles) {
    const ctx = await esbuild.context(options(b));
    await ctx.watch();
  }
  console.log('drvmap: watching', bundles.map((b) => b.entry).join(', '));
} else {
  const started = Date.now();
  await Promise.all(bundles.map((b) => esbuild.build(options(b))));
  if (args.has('--tests')) {
    const tests = findTests('test');
    await esbuild.build({
      entryPoints: tests,
      outdir: 'out-test',
      outbase: '.',
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      loader,
      sourcemap: 'inline',
      logLevel: 'warning',
    });
    console.log(`drvmap: bundled ${tests.length} test files`);
  }
  console.log(
    `drvmap: built ${bundles.map((b) => relative('.', b.out)).join(', ')} in ${Date.now() - started} ms`,
  );
}
