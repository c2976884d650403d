// The Wine of scenarios without a `wine` line, given outside the file: `--wine X.Y` (check, trace,
// explore) and the drvmap.defaultWine setting. Read as a `wine` line's version is; a scenario's own
// line still wins; a version drvmap cannot answer for is refused, not run as something else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError, type CheckCommand } from '../../../server/src/cli/args';
import { runCli } from '../../../server/src/cli/cli';
import { parseExploreArgs } from '../../../server/src/cli/explore';
import { memoryIo } from '../../../server/src/cli/io';
import { analysisOptions, readSettings, settingProblems } from '../../../server/src/server/settings';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { readRepoFile } from '../client/repo';

/**
 * Three 128 MiB host imports, each freed before the next, in a window that holds one; on a driver
 * without placed maps, the only kind Wine 9.4 and later import host memory for.
 */
const ALLOCATE_FREE = (wineLine = '') => `scenario "allocate, free, again" {
  driver gpu {
    placed-map none
  }
${wineLine}  window 0x1_0000 .. 0x1000_0000
  strategy external-memory-host
  a = vkAllocateMemory 128MiB host-visible
  vkFreeMemory a
  b = vkAllocateMemory 128MiB host-visible
  vkFreeMemory b
  c = vkAllocateMemory 128MiB host-visible
}
`;

const codes = (text: string, wine?: { major: number; minor: number }) =>
  analyseDocument(text, wine ? { wine } : {}).diagnostics.map((d) => d.code);

test('a default Wine applies to a scenario without a `wine` line, and never over one', () => {
  // 10.15 (the engine's default) leaks each import's range, so the third allocation finds no room.
  assert.deepEqual(codes(ALLOCATE_FREE()), ['window-exhausted', 'use-of-failed-result', 'window-exhausted']);
  assert.deepEqual(codes(ALLOCATE_FREE(), { major: 10, minor: 14 }), []);
  // The scenario's own line decides, whatever the default.
  assert.deepEqual(codes(ALLOCATE_FREE('  wine 10.15\n'), { major: 10, minor: 14 }), [
    'window-exhausted',
    'use-of-failed-result',
    'window-exhausted',
  ]);
  assert.deepEqual(codes(ALLOCATE_FREE('  wine 10.14\n'), { major: 10, minor: 15 }), []);
  // The message names the Wine that decided, and that no line set it.
  const message = analyseDocument(ALLOCATE_FREE(), { wine: { major: 10, minor: 16 } }).diagnostics[0]!
    .message;
  assert.match(
    message,
    /Wine 10\.16 \(given by --wine or drvmap\.defaultWine: the scenario has no `wine` line\) never releases/,
  );
  assert.match(
    analyseDocument(ALLOCATE_FREE()).diagnostics[0]!.message,
    /Wine 10\.15 \(the default: the scenario/,
  );
});

function usage(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`expected ${argv.join(' ')} to be refused`);
}

test('--wine: read as a `wine` line reads its version; what drvmap cannot answer for is a usage error', () => {
  assert.equal((parseArgs(['check', 'a']) as CheckCommand).wine, undefined);
  assert.deepEqual((parseArgs(['check', '--wine', '10.14', 'a']) as CheckCommand).wine, {
    major: 10,
    minor: 14,
  });
  assert.deepEqual((parseArgs(['trace', '--wine=9.0.1', 'a']) as CheckCommand).wine, { major: 9, minor: 0 });
  assert.equal(
    usage(['check', '--wine', '8.21', 'a']),
    "--wine: drvmap models Wine 9.0 and later (its Wine facts start with Wine 9.0's winevulkan, vulkan-wine §3.1), not 8.21",
  );
  assert.equal(usage(['check', '--wine', '100.1', 'a']), '--wine: Wine 100.1 does not exist');
  assert.equal(
    usage(['check', '--wine', 'wine-10.15', 'a']),
    '--wine takes a version as `wine --version` prints it, without `wine-`, such as 10.15, not `wine-10.15`',
  );
  assert.equal(
    usage(['check', '--wine', '10.14-10.15', 'a']),
    '--wine takes one version, not a range: a scenario runs under one Wine (--wine 10.14)',
  );
  assert.equal(
    usage(['check', '--wine', 'staging', 'a']),
    '--wine takes a Wine version such as 10.15, not `staging`',
  );
  assert.match(usage(['check', '--wine', '10.14', '--wine', '10.15', 'a']), /--wine/);
  const explore = parseExploreArgs(['--wine', '9.3', 'f.drvmap']);
  assert.ok(explore !== 'help');
  assert.deepEqual(explore.wine, { major: 9, minor: 3 });
  assert.throws(() => parseExploreArgs(['--wine', '8.0', 'f.drvmap']), /drvmap models Wine 9\.0 and later/);
});

test('drvmap check --wine and drvmap trace --wine answer for that Wine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-wine-'));
  writeFileSync(join(dir, 'leak.drvmap'), ALLOCATE_FREE());
  let io = memoryIo(dir);
  assert.equal(runCli(['check', 'leak.drvmap'], io), 1);
  assert.match(io.stdout, /window-exhausted/);
  io = memoryIo(dir);
  assert.equal(runCli(['check', '--wine', '10.14', 'leak.drvmap'], io), 0);
  assert.match(io.stdout, /no problems/);
  io = memoryIo(dir);
  assert.equal(runCli(['trace', '--wine', '10.14', '--no-maps', 'leak.drvmap'], io), 0);
  assert.match(io.stdout, /wine +munmap\(0x1_0000, 0x800_0000\) = 0/);
  io = memoryIo(dir);
  assert.equal(runCli(['check', '--wine', '8.0', 'leak.drvmap'], io), 2);
  assert.match(io.stderr, /--wine: drvmap models Wine 9\.0 and later/);
});

test('drvmap.defaultWine: used when readable, otherwise named in a message and 10.15 kept', () => {
  assert.deepEqual(analysisOptions(readSettings({ defaultWine: '10.14' })).wine, { major: 10, minor: 14 });
  assert.deepEqual(settingProblems(readSettings({ defaultWine: ' 9.3 ' })), []);
  // The manifest's default is the engine's: not passed on, so messages call it the default.
  assert.equal(analysisOptions(readSettings({ defaultWine: '10.15' })).wine, undefined);
  assert.equal(analysisOptions(readSettings({})).wine, undefined);
  // Empty: the engine's own default, no message.
  assert.equal(analysisOptions(readSettings({ defaultWine: '' })).wine, undefined);
  assert.deepEqual(settingProblems(readSettings({ defaultWine: '' })), []);
  for (const [text, why] of [
    [
      '8.0',
      "drvmap models Wine 9.0 and later (its Wine facts start with Wine 9.0's winevulkan, vulkan-wine §3.1), not 8.0",
    ],
    [
      'wine-10.15',
      'write the version without `wine-` (as `wine --version` prints it after the dash), such as 10.15',
    ],
    [
      '10.14..10.15',
      'it is a range, and the setting takes one version: a scenario runs under one Wine (e.g. 10.14)',
    ],
    ['latest', 'it is not a Wine version such as 10.15'],
  ] as const) {
    const settings = readSettings({ defaultWine: text });
    assert.equal(analysisOptions(settings).wine, undefined, text);
    assert.deepEqual(settingProblems(settings), [
      `drvmap.defaultWine \`${text}\` is not used: ${why}; scenarios without a \`wine\` line run under Wine 10.15`,
    ]);
  }
  // The manifest's default is the server's, and its pattern lets the versions above through.
  const manifest = JSON.parse(readRepoFile('package.json')) as {
    contributes: { configuration: { properties: Record<string, { default?: string; pattern?: string }> } };
  };
  const property = manifest.contributes.configuration.properties['drvmap.defaultWine']!;
  assert.equal(property.default, readSettings(undefined).defaultWine);
  const pattern = new RegExp(property.pattern!, 'u');
  for (const text of ['10.15', '9.0', '9.0.1', ' 10.14 ', '']) assert.ok(pattern.test(text), text);
  for (const text of ['wine-10.15', '10', '10.14-10.15', 'latest']) assert.ok(!pattern.test(text), text);
});
