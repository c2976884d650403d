// A hostile capture cannot stall an importer (security review F2). The editor's import command
// runs the importer on the language server's only thread, so one slow line blocks diagnostics,
// hovers and completion. Each capture below holds one line of 200 KB or more, made of what a
// regular expression the importers used to read with had to backtrack over from every position in
// turn: quadratic in the line's length. With those expressions each of these imports took more
// than 30 s: the review measured 47 s for the fd's `<`s and the comment's `/*`s still running at
// 60 s; on a loaded two-core machine the fd took 133 s, the comment more than 240 s, the `()=`
// path 80 s, the resumed line 192 s, the maps line with blanks 26 s at 200 KB and 123 s at
// 400 KB (hence 400 KB), and the `_`s 82 s. Do not shrink the inputs: 60 KB took the old code
// only 3 to 5 s. No clock is read: the failure signal is this file taking minutes. Each line is
// also checked to be read right, and the line after it to be read as usual.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importProcMaps } from '../../../server/src/engine/import/proc-maps';
import { importStrace } from '../../../server/src/engine/import/strace';

/** The length of a hostile line (see above: not smaller). */
const K = 200_000;
/** A line after the hostile one, read as usual. */
const NEXT_STRACE = 'munmap(0x7f0000000000, 4096) = 0';
const NEXT_MAPS = '7f0000100000-7f0000101000 rw-p 00000000 00:00 0';

function statuses(lines: readonly { status: string; reason?: string }[]): string[] {
  return lines.map((l) => (l.reason ? `${l.status}: ${l.reason}` : l.status));
}

test('strace: an argument with 66,000 `/*` and no `*/` is read as written (not a -X verbose comment)', () => {
  const flags = `MAP_PRIVATE|MAP_ANONYMOUS|${'/* '.repeat(K / 3)}`;
  const { scenario, lines } = importStrace(
    `mmap(NULL, 4096, PROT_READ|PROT_WRITE, ${flags}, -1, 0) = 0x7f0000000000\n${NEXT_STRACE}\n`,
  );
  assert.deepEqual(statuses(lines), ['imported', 'imported']);
  assert.match(scenario, /^ {2}m1 = mmap 4096 rw private anon$/m);
  // The unclosed comment is a flag without a drvmap word, said so and left out.
  assert.ok(scenario.includes(`  # ${'/* '.repeat(K / 3).trim()}: no drvmap word, left out\n`));
  assert.match(scenario, /^ {2}m2 = munmap m1, 4096$/m);
});

test('strace: an fd followed by 200,000 `<` and no `>` is fd 3 without a path', () => {
  const { scenario, lines } = importStrace(
    `mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3${'<'.repeat(K)}, 0) = 0x7f0000000000\n${NEXT_STRACE}\n`,
  );
  assert.deepEqual(statuses(lines), ['imported', 'imported']);
  assert.match(scenario, /^ {2}f3 = open file "fd 3" 0x1000\n {2}m1 = mmap 4096 r shared fd f3$/m);
  assert.match(scenario, /^ {2}m2 = munmap m1, 4096$/m);
});

test('strace: a path of 66,000 `()=` on a line with a lone CR is read whole', () => {
  // Each `)=` could end the call's arguments; a CR that `.` does not match sent the search back
  // through every one of them. A lone CR (a line ended `\r\r\n`) is taken as any other character.
  const path = `/x${'()='.repeat(K / 3)}`;
  const { scenario, lines } = importStrace(
    `mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3<${path}>, 0) = 0x7f0000000000\r\r\n${NEXT_STRACE}\n`,
  );
  assert.deepEqual(statuses(lines), ['imported', 'imported']);
  assert.ok(scenario.includes(`  f3 = open file "${path}" 0x1000\n  m1 = mmap 4096 r shared fd f3\n`));
  assert.match(scenario, /^ {2}m2 = munmap m1, 4096$/m);
});

test('strace: a "resumed" line of 200,000 blanks and a lone CR completes its call', () => {
  const { scenario, lines } = importStrace(
    [
      '1 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1 <unfinished ...>',
      `1 <... mmap resumed>${' '.repeat(K)}, 0) = 0x7f0000000000\r`,
      `1 ${NEXT_STRACE}`,
    ].join('\n'),
  );
  assert.deepEqual(statuses(lines), ['skipped: continued on its "resumed" line', 'imported', 'imported']);
  assert.match(scenario, /^ {2}m1 = mmap 4096 r private anon$/m);
  assert.match(scenario, /^ {2}m2 = munmap m1, 4096$/m);
});

test('maps: a line with 400,000 blanks before a path holding a lone CR is read', () => {
  // Twice K: each blank cost the old code a scan of the rest of the line only, 26 s at 200 KB.
  const { scenario, lines } = importProcMaps(
    `7f0000000000-7f0000001000 r--p 00000000 08:01 42${' '.repeat(2 * K)}/x\ry\n${NEXT_MAPS}\n`,
  );
  assert.deepEqual(statuses(lines), ['imported', 'imported']);
  // A scenario's string holds no line end: the CR is a blank there (syntax/string-literal.ts).
  assert.match(scenario, /^ {2}f_x_y = open file "\/x y" 0x1000$/m);
  assert.match(scenario, /^ {2}x_y = mmap 0x1000 r private at 0x7f00_0000_0000 fixed fd f_x_y by host$/m);
});

test('maps: a file named with 200,000 `_`s is named after it, the `_`s kept', () => {
  const run = '_'.repeat(K);
  const { scenario, lines } = importProcMaps(
    `7f0000000000-7f0000001000 r--p 00000000 08:01 42 /lib/a${run}b.so\n${NEXT_MAPS}\n`,
  );
  assert.deepEqual(statuses(lines), ['imported', 'imported']);
  assert.ok(scenario.includes(`  f_a${run}b_so = open file "/lib/a${run}b.so" 0x1000\n`));
  assert.ok(
    scenario.includes(
      `  a${run}b_so = mmap 0x1000 r private at 0x7f00_0000_0000 fixed fd f_a${run}b_so by host\n`,
    ),
  );
});
