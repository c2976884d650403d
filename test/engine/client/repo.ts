// The repository root, found from the bundled test's location (out-test/test/engine/client).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'drvmap'
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('drvmap repository root not found');
    dir = parent;
  }
}

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot(), path), 'utf8');
}
