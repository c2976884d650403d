// `npm run fidelity -- --runs N --seed S`: differential testing of the simulator against the running
// kernel (test/fidelity/, docs/fidelity.md). Bundles test/fidelity/cli.ts with esbuild and runs it.
// Other options: `--steps 8-30` (program length), `--bench 100000` (kernel vs simulator timing),
// `--json FILE` (machine-readable summary).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';

const outfile = 'out-test/fidelity-cli.js';
await esbuild.build({
  entryPoints: ['test/fidelity/cli.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
