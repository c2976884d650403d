// Runs inside code-server's extension host (loaded through the `extensionTestsPath` payload by
// runExtensionHostTests in ../harness.ts). A tiny mocha-free runner: each test is an async
// function; the report is written atomically to process.env.DRVMAP_EXTHOST_RESULTS, which the
// harness waits for (nothing reports back to the browser).
import { renameSync, writeFileSync } from 'node:fs';

export type ExtensionHostTest = () => void | Promise<void>;

export async function runTests(tests: Record<string, ExtensionHostTest>): Promise<void> {
  const results: { name: string; ok: boolean; ms: number; error?: string }[] = [];
  let error: string | undefined;
  try {
    for (const [name, fn] of Object.entries(tests)) {
      const started = Date.now();
      try {
        await fn();
        results.push({ name, ok: true, ms: Date.now() - started });
      } catch (err) {
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
        results.push({ name, ok: false, ms: Date.now() - started, error: message });
      }
    }
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  const failed = results.filter((r) => !r.ok).length;
  const report = { ok: failed === 0 && !error, passed: results.length - failed, failed, results, error };
  const file = process.env.DRVMAP_EXTHOST_RESULTS;
  if (!file) throw new Error('DRVMAP_EXTHOST_RESULTS is not set: run this through runExtensionHostTests()');
  writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Resolves when `check()` returns a truthy value; polls every 50 ms up to `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
