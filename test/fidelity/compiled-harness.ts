// The extension's harness (native/harness.c), compiled once per test file with the machine's C
// compiler, and where its arena lies: what the "Run on This Kernel" tests run scenarios with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { compileHarness, probeArenaBase } from '../../src/harness';
import { repoRoot } from './kernel-runner';

export interface CompiledHarness {
  readonly bin: string;
  readonly arenaBase: bigint;
}

/**
 * Registers the compile (before the file's tests) and the clean-up (after them); `current` is
 * set once the tests run, unless `unavailable` (no compiler, not Linux x86-64).
 */
export function compiledHarness(unavailable: string | undefined): { current: CompiledHarness | undefined } {
  const holder: { current: CompiledHarness | undefined } = { current: undefined };
  let dir = '';
  before(async () => {
    if (unavailable) return;
    dir = mkdtempSync(join(tmpdir(), 'drvmap-harness-'));
    const cc = process.env.CC ?? 'cc';
    const bin = (await compileHarness(join(repoRoot(), 'native', 'harness.c'), dir, cc, cc)).bin;
    holder.current = { bin, arenaBase: await probeArenaBase(bin) };
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return holder;
}
