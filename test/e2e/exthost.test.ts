// Runs test/e2e/exthost/smoke.exthost.ts inside code-server's extension host (the offline
// stand-in for @vscode/test-electron) and checks its report.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { chromiumUnavailable, runExtensionHostTests } from './harness';

test('extension-host smoke tests pass', { timeout: 300_000 }, async (t) => {
  const reason = chromiumUnavailable();
  if (reason) return t.skip(reason);
  const report = await runExtensionHostTests('test/e2e/exthost/smoke.exthost.ts');
  const failures = report.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failures, []);
  assert.ok(report.passed >= 3, `only ${report.passed} tests ran`);
});
