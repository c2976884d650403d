// drvmap.defaultKernel is read as --kernel and a `kernel` line read a version (parseKernelVersion),
// `uname -r` text included; the manifest's pattern lets through what the server takes.
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
    ['v6.8', { major: 6, minor: 8 }],
  ] as const) {
    const settings = readSettings({ defaultKernel: text });
    assert.deepEqual(settingProblems(settings), [], text);
    assert.deepEqual(analysisOptions(settings).kernel, version, text);
    assert.ok(pattern.test(text), text);
  }
  for (const text of ['6.8..6.9', '6.8-6.9', 'six']) {
    assert.deepEqual(
      settingProblems(readSettings({ defaultKernel: text })),
      [
        `drvmap.defaultKernel \`${text}\` is not used: it is not a kernel version such as 6.6; scenarios without a \`kernel\` line run under 6.18`,
      ],
      text,
    );
  }
});
