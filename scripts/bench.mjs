// `npm run bench`: builds the extension (the panel benchmark needs out/panel.js), bundles the
// benchmarks into out-bench/run.js and runs them with --expose-gc. The optional parts are written
// by others and may not exist yet, so the bundle's entry is generated here: it imports only the
// modules that exist, and bench/run.ts reports the rest as skipped.
// Arguments are passed on: --engine-only, --runs N, --sizes 1k,10k,100k, --output FILE.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

const OPTIONAL = [
  { name: 'lsp', path: './bench/lsp-bench.ts' },
  { name: 'panel', path: './bench/panel-bench.ts' },
  { name: 'fidelity', path: './test/fidelity/perf.ts' },
  { name: 'explore', path: './bench/explore-bench.ts' },
];

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const present = OPTIONAL.filter((p) => existsSync(p.path));
const entry = [
  "import { main } from './bench/run';",
  ...present.map((p) => `import * as ${p.name} from '${p.path.replace(/\.ts$/, '')}';`),
  `main({ ${present.map((p) => p.name).join(', ')} }).catch((error) => {`,
  '  console.error(error);',
  '  process.exitCode = 1;',
  '});',
].join('\n');

mkdirSync('out-bench', { recursive: true });
await esbuild.build({
  stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: 'bench-entry.ts', loader: 'ts' },
  outfile: 'out-bench/run.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The memory measurement runs in a process that loads only the engine (bench/memory-child.ts).
await esbuild.build({
  entryPoints: ['bench/memory-child.ts'],
  outfile: 'out-bench/memory-child.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});

const run = spawnSync(process.execPath, ['--expose-gc', 'out-bench/run.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
