// A file the editor does not simulate (above drvmap.maxFileSizeKiB): its note is the rule
// `file-too-large`, which the severity setting reaches like any other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOnlyAnalysis } from '../../../server/src/engine/features/limited-analysis';
import { RULE_BY_CODE } from '../../../server/src/engine/rules/registry';

const TEXT = 'scenario "big" {\n  a = mmap 4KiB rw private anon )\n}\n';
const shown = (severities?: Record<string, 'off' | 'warning'>) =>
  parseOnlyAnalysis(TEXT, 'not simulated', severities ? { severities } : {}).diagnostics.map(
    (d) => `${d.severity} ${d.code}`,
  );

test('file-too-large is a registered rule, an info note by default, and its severity can be set', () => {
  assert.equal(RULE_BY_CODE.get('file-too-large')?.severity, 'info');
  assert.deepEqual(shown(), ['info file-too-large', 'error syntax-error']);
  assert.deepEqual(shown({ 'file-too-large': 'warning' }), ['warning file-too-large', 'error syntax-error']);
  assert.deepEqual(shown({ 'file-too-large': 'off' }), ['error syntax-error']);
});
