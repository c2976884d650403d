import assert from 'node:assert/strict';
import test from 'node:test';
import { RULES, RULES_DOC_URL as SERVER_RULES_DOC_URL } from '../../../server/src/engine/rules/registry';
import { checkSummary } from '../../../src/check-summary';
import {
  diagnosticCodeValue,
  headingSlug,
  isRuleCode,
  ruleSectionLine,
  RULES_DOC_URL,
} from '../../../src/rule-doc-anchor';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../../src/settings';
import { readRepoFile } from './repo';

const from = (values: Record<string, unknown>) => (key: string) => values[key];

test('settings: defaults when unset, values when valid', () => {
  assert.deepEqual(normalizeSettings(from({})), DEFAULT_SETTINGS);
  const s = normalizeSettings(
    from({
      defaultKernel: ' 5.15 ',
      defaultWindow: '0x1_0000 .. 0xffff_0000',
      'inlayHints.enabled': false,
      severity: { 'remap-granularity': 'off', 'stale-pointer': 'WARNING' },
      maxFileSizeKiB: 1024.7,
    }),
  );
  assert.equal(s.defaultKernel, '5.15');
  assert.equal(s.defaultWindow, '0x1_0000 .. 0xffff_0000');
  assert.equal(s.inlayHints.enabled, false);
  assert.deepEqual(s.severity, { 'remap-granularity': 'off', 'stale-pointer': 'warning' });
  assert.equal(s.maxFileSizeKiB, 1024);
});

test('settings: nonsense from settings.json falls back to defaults; versions and windows go to the server as written', () => {
  // The server reads them as the file's lines are read and says why it cannot use one
  // (settings.test: settingProblems); `uname -r` text is a version it reads.
  const versions = normalizeSettings(
    from({ defaultKernel: ' 5.10.0-generic ', defaultWine: 'wine-10.15', defaultWindow: '0x10000' }),
  );
  assert.equal(versions.defaultKernel, '5.10.0-generic');
  assert.equal(versions.defaultWine, 'wine-10.15');
  assert.equal(versions.defaultWindow, '0x10000');
  const s = normalizeSettings(
    from({
      defaultKernel: 3,
      defaultWindow: false,
      'inlayHints.enabled': 'yes',
      severity: { a: 'fatal', b: 3, c: 'hint' },
      maxFileSizeKiB: -5,
    }),
  );
  assert.equal(s.defaultKernel, DEFAULT_SETTINGS.defaultKernel);
  assert.equal(s.defaultWindow, DEFAULT_SETTINGS.defaultWindow);
  assert.equal(s.inlayHints.enabled, true);
  assert.deepEqual(s.severity, { c: 'hint' });
  assert.equal(s.maxFileSizeKiB, 512);
  assert.deepEqual(normalizeSettings(from({ severity: ['error'] })).severity, {});
});

test('rule documentation: every rule has a section in docs/rules.md, found by its code', () => {
  const markdown = readRepoFile('docs/rules.md');
  const lines = markdown.split(/\r?\n/);
  for (const rule of RULES) {
    const line = ruleSectionLine(markdown, rule.code);
    assert.ok(line !== undefined, `section for ${rule.code}`);
    assert.match(lines[line] ?? '', /^#{1,6} /, `${rule.code} points at a heading`);
    assert.ok((lines[line] ?? '').includes(rule.code));
  }
  assert.equal(RULES_DOC_URL, SERVER_RULES_DOC_URL, 'the client links where the server does');
});

test('rule documentation: anchors, headings with titles, fences', () => {
  const md = [
    '# Rules',
    '```drvmap',
    '# stale-pointer',
    '```',
    '## stale-pointer-extra',
    '## `stale-pointer`: a driver uses a cached pointer',
    '<a id="kernel-refused"></a>',
    '## Kernel refused',
    '### placed-map-failed {#placed-map-failed}',
  ].join('\n');
  assert.equal(ruleSectionLine(md, 'stale-pointer'), 5, 'not the fenced line, not a longer code');
  assert.equal(ruleSectionLine(md, 'kernel-refused'), 6);
  assert.equal(ruleSectionLine(md, 'placed-map-failed'), 8);
  assert.equal(ruleSectionLine(md, 'nope'), undefined);
  assert.equal(headingSlug('`stale-pointer`'), 'stale-pointer');
  assert.equal(headingSlug('Kernel refused'), 'kernel-refused');
});

test('diagnostic codes in their three shapes', () => {
  assert.equal(diagnosticCodeValue('stale-pointer'), 'stale-pointer');
  assert.equal(diagnosticCodeValue(12), '12');
  assert.equal(diagnosticCodeValue({ value: 'kernel-refused', target: {} }), 'kernel-refused');
  assert.equal(diagnosticCodeValue({}), undefined);
  assert.equal(diagnosticCodeValue(undefined), undefined);
  assert.ok(isRuleCode('use-of-failed-result'));
  assert.ok(!isRuleCode('Use Of'));
  assert.ok(!isRuleCode('a--b'));
});

test('check summary', () => {
  const none = {
    files: 0,
    skippedLarge: 0,
    unreadable: 0,
    errors: 0,
    warnings: 0,
    filesWithProblems: 0,
    pending: 0,
    cancelled: false,
  };
  assert.equal(checkSummary(none), 'drvmap: no .drvmap files in the workspace.');
  assert.equal(checkSummary({ ...none, files: 3 }), 'drvmap: Checked 3 scenario files: no problems.');
  assert.equal(
    checkSummary({
      ...none,
      files: 3,
      errors: 2,
      warnings: 1,
      filesWithProblems: 2,
      skippedLarge: 1,
      unreadable: 1,
    }),
    'drvmap: Checked 3 scenario files: 2 errors and 1 warning in 2 files (1 file skipped as larger than drvmap.maxFileSizeKiB; 1 file could not be opened).',
  );
  assert.match(
    checkSummary({ ...none, files: 1, cancelled: true }),
    /^drvmap: Stopped after checking 1 scenario file/,
  );
});
