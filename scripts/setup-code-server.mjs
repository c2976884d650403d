// `node scripts/setup-code-server.mjs [--force]`: installs code-server (a real VS Code that runs
// offline) into .cache/code-server/ for `npm start` and the end-to-end tests. A no-op when the
// stamp file says it is already there.
import { setupCodeServer, codeServerDir } from './lib/code-server.mjs';

const force = process.argv.includes('--force');
try {
  const r = await setupCodeServer({ force });
  if (r.cached) console.log(`code-server: already set up in ${codeServerDir} (${r.ms} ms)`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
