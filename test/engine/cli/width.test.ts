// `--width COLUMNS` (check, trace): long lines folded at spaces for a plain-text email, with a
// hanging indent; nothing split inside a word, escapes not counted, short lines untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError, type CheckCommand } from '../../../server/src/cli/args';
import { runCli } from '../../../server/src/cli/cli';
import { memoryIo } from '../../../server/src/cli/io';
import { wrapText } from '../../../server/src/cli/formats/wrap';

/** A hook the driver bypasses: two long diagnostics, each with a related location. */
const HOOKED = `scenario "hook on at-alloc driver" {
  strategy hook-mmap
  driver gpu {
    maps at-alloc
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
}
`;

// eslint-disable-next-line no-control-regex -- colour escapes are what is taken out
const visible = (line: string) => line.replace(/\u001b\[[0-9;]*m/g, '');
const words = (text: string) => visible(text).split(/\s+/).filter(Boolean);

test('wrapText folds at spaces with a hanging indent, keeps short lines and long words whole', () => {
  assert.equal(wrapText('short line', 20), 'short line');
  assert.equal(
    wrapText('  step 1  one two three four five six', 20),
    ['  step 1  one two', '        three four', '        five six'].join('\n'),
  );
  // A word longer than the width stays whole on its own line.
  assert.equal(
    wrapText('a 0x7fff_f7ef_f000_0000_0000 b', 10),
    'a\n      0x7fff_f7ef_f000_0000_0000\n      b',
  );
  // Colour escapes take no columns.
  const red = '\u001b[31merror\u001b[39m';
  assert.equal(wrapText(`${red} aaaa bbbb`, 15), `${red} aaaa bbbb`);
});

test('drvmap check --width 76: every line fits where it has spaces, and the text is the same words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-width-'));
  writeFileSync(join(dir, 'hook.drvmap'), HOOKED);
  const plain = memoryIo(dir);
  assert.equal(runCli(['check', 'hook.drvmap'], plain), 1);
  const folded = memoryIo(dir);
  assert.equal(runCli(['check', '--width', '76', 'hook.drvmap'], folded), 1);
  assert.ok(
    plain.stdout.split('\n').some((l) => l.length > 300),
    'the unfolded message is one long line',
  );
  for (const line of folded.stdout.split('\n'))
    assert.ok(line.length <= 76 || !line.trim().includes(' '), `too long: ${line}`);
  assert.deepEqual(words(folded.stdout), words(plain.stdout));
  // A folded message is indented past its related locations (four columns), so it does not read as one.
  assert.match(folded.stdout, /\n {6}\S/);
  assert.match(folded.stdout, /\n {4}hook\.drvmap:6:3: the driver mapped it here, unhooked/);
  const trace = memoryIo(dir);
  assert.equal(runCli(['trace', '--width', '60', '--no-maps', 'hook.drvmap'], trace), 0);
  for (const line of trace.stdout.split('\n'))
    assert.ok(line.length <= 60 || !line.trim().includes(' '), `too long: ${line}`);
});

test('--width: a number of columns from 40 to 1000, for the text format only', () => {
  assert.equal((parseArgs(['check', 'a']) as CheckCommand).width, undefined);
  assert.equal((parseArgs(['check', '--width', '76', 'a']) as CheckCommand).width, 76);
  assert.equal((parseArgs(['trace', '--width=100', 'a']) as CheckCommand).width, 100);
  for (const [argv, message] of [
    [
      ['check', '--width', '30', 'a'],
      '--width takes a number of columns from 40 to 1000, such as 76 for an email, not `30`',
    ],
    [
      ['check', '--width', 'wide', 'a'],
      '--width takes a number of columns from 40 to 1000, such as 76 for an email, not `wide`',
    ],
    [
      ['check', '--width', '76', '--format', 'json', 'a'],
      '--width folds the text format only: give it without --format json or sarif',
    ],
  ] as const) {
    assert.throws(
      () => parseArgs([...argv]),
      (e: unknown) => e instanceof UsageError && e.message === message,
    );
  }
});
