// Runs the extension-host suites inside code-server's extension host (the offline stand-in for
// @vscode/test-electron, see scripts/test-electron.mjs) and checks their reports.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { chromiumUnavailable, runExtensionHostTests } from './harness';

for (const [suite, min] of [
  ['smoke', 3],
  ['extension', 5],
] as const) {
  test(`extension-host ${suite} tests pass`, { timeout: 300_000 }, async (t) => {
    const reason = chromiumUnavailable();
    if (reason) return t.skip(reason);
    const report = await runExtensionHostTests(`test/e2e/exthost/${suite}.exthost.ts`);
    // Each test's time goes to the log: the first one of `extension` is opening a .drvmap file
    // until the bundled client is active, the figure reported as activation time.
    for (const r of report.results) t.diagnostic(`${r.ok ? 'ok' : 'FAILED'} ${r.ms} ms: ${r.name}`);
    const failures = report.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`);
    assert.equal(report.error, undefined, report.error);
    assert.deepEqual(failures, []);
    assert.ok(report.passed >= min, `only ${report.passed} tests ran`);
  });
}
