// drvmap.defaultKernel is read as --kernel and a `kernel` line read a version (parseKernelVersion),
// `uname -r` text included; the manifest's pattern lets through what the server takes and no more
// (a range too is refused in the settings editor, not only by the server).
import assert from 'node:assert/strict';
import test from 'node:test';
import { analysisOptions, readSettings, settingProblems } from '../../../server/src/server/settings';
import { readRepoFile } from './repo';

test('defaultKernel: a version as uname -r prints it is used; a range or a word is not', () => {
  const manifest = JSON.parse(readRepoFile('package.json')) as {
    contributes: { configuration: { properties: Record<string, { pattern?: string }> } };
  };
  const pattern = new RegExp(
    manifest.contributes.configuration.properties['drvmap.defaultKernel']!.pattern!,
    'u',
  );
  for (const [text, version] of [
    ['6.6', { major: 6, minor: 6 }],
    ['5.15.2', { major: 5, minor: 15 }],
    ['6.6.12-generic', { major: 6, minor: 6 }],
    // Releases whose `-` is followed by more than a second version are not ranges.
    ['6.1.0-21-amd64', { major: 6, minor: 1 }],
    ['6.12.0-55.9.1.el10_0.x86_64', { major: 6, minor: 12 }],
  ] as const) {
    const settings = readSettings({ defaultKernel: text });
    assert.deepEqual(settingProblems(settings), [], text);
    assert.deepEqual(analysisOptions(settings).kernel, version, text);
    assert.ok(pattern.test(text), text);
  }
  // A range is named as one, with the version to write, as a `kernel` line and --kernel do.
  for (const [text, first] of [
    ['6.8..6.9', '6.8'],
    ['6.8-6.9', '6.8'],
    ['6.8-6.9.1', '6.8'],
    ['6.6.12..6.6.14', '6.6'],
  ] as const) {
    assert.deepEqual(
      settingProblems(readSettings({ defaultKernel: text })),
      [
        `drvmap.defaultKernel \`${text}\` is not used: it is a range, and the setting takes one version: a scenario runs on one kernel (e.g. ${first}); scenarios without a \`kernel\` line run under 6.18`,
      ],
      text,
    );
    assert.ok(!pattern.test(text), text);
  }
  // A git tag is refused as a `kernel v6.8` line and --kernel v6.8 are, with the version to write.
  assert.deepEqual(settingProblems(readSettings({ defaultKernel: 'v6.8' })), [
    'drvmap.defaultKernel `v6.8` is not used: write the version without the `v` (6.8); scenarios without a `kernel` line run under 6.18',
  ]);
  assert.ok(!pattern.test('v6.8'));
  assert.deepEqual(settingProblems(readSettings({ defaultKernel: 'six' })), [
    'drvmap.defaultKernel `six` is not used: it is not a kernel version such as 6.6; scenarios without a `kernel` line run under 6.18',
  ]);
  assert.ok(!pattern.test('six'));
});
