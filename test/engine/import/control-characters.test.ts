// A capture's control characters (a file named with ESC, a line strace printed with an OSC
// sequence in it) never reach the scenario an importer writes: that text is printed by `drvmap
// import`, saved with -o and opened in the editor, and a terminal obeys ESC, BEL and CSI (set
// the title, erase the screen, make a hyperlink), while a lone CR ends a line for the lexer. The
// capture's text is kept, with each control character written as `\xNN`, as the CLI shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importProcMaps } from '../../../server/src/engine/import/proc-maps';
import { importStrace } from '../../../server/src/engine/import/strace';
import { parse } from '../../../server/src/engine/syntax/parser';
import { analyseDocument } from '../../../server/src/engine/analysis';

/** C0 controls but tab and newline, DEL and C1: what engine/printable.ts escapes. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** ESC, BEL, a C1 CSI and DEL, as an attacker or a careless program would put into a name. */
const NASTY = '\u001b]0;PWNED\u0007\u009b2J\u007f';
const SHOWN = '\\x1b]0;PWNED\\x07\\x9b2J\\x7f';

/** Asserts what every imported scenario must be, whatever it was made from. */
function assertClean(scenario: string): void {
  // Where the first one is, not the scenario: a failure must not put them on the terminal.
  assert.equal(scenario.search(CONTROL), -1, 'no control character in the scenario');
  assert.deepEqual(
    parse(scenario).errors.map((e) => e.message),
    [],
    `the scenario parses:\n${scenario}`,
  );
  const errors = analyseDocument(scenario).diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => `${d.code}: ${d.message}`),
    [],
    scenario,
  );
}

/** The string values of the scenario's `open` steps, read back by the parser. */
function openedNames(scenario: string): string[] {
  return [...scenario.matchAll(/= open \w+ ("(?:[^"\\]|\\.)*")/g)].map((m) =>
    (m[1] as string).slice(1, -1).replace(/\\(.)/g, '$1'),
  );
}

test('import maps: control characters in a path and the title are escaped, one name per file', () => {
  const text = [
    `7f0000000000-7f0000001000 rw-p 00000000 00:00 0 /x${NASTY}`,
    `7f0000001000-7f0000002000 r--p 00000000 08:01 42 /lib/a${NASTY}.so`,
    `7f0000003000-7f0000004000 r--p 00002000 08:01 42 /lib/a${NASTY}.so`,
    `7f0000005000-7f0000006000 rw-s 00000000 00:01 7 /memfd:w${NASTY} (deleted)`,
    `7f0000007000-7f0000008000 rw-p 00000000 00:00 0 \u001b[2J\u001b]8;;http://x\u0007`,
  ].join('\n');
  const { scenario, lines } = importProcMaps(text, `imported from m${NASTY}.txt`);
  assertClean(scenario);
  assert.ok(scenario.startsWith(`scenario "imported from m${SHOWN.replace(/\\/g, '\\\\')}.txt" {\n`));
  assert.deepEqual(openedNames(scenario), [
    `/x${SHOWN}`,
    `/lib/a${SHOWN}.so`,
    `w${SHOWN}`,
    '\\x1b[2J\\x1b]8;;http://x\\x07',
  ]);
  // The two lines of the library are one object: both map the one file opened for it.
  const library = /(f_\w+) = open file "\/lib\/a/.exec(scenario)?.[1];
  assert.ok(library, scenario);
  assert.equal(scenario.split(`fd ${library}`).length - 1, 2, scenario);
  // The capture's lines are kept as comments, escaped.
  assert.ok(scenario.includes(`  # 7f0000000000-7f0000001000 rw-p 00000000 00:00 0 /x${SHOWN}\n`), scenario);
  assert.ok(lines.every((l) => l.status === 'imported'));
});

test('import strace: control characters in a line and in an fd path are escaped, the path named alike', () => {
  const path = `/x${NASTY}`;
  const text = [
    `mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3<${path}>, 0) = 0x7f0000000000`,
    `mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3<${path}>, 0) = 0x7f0000010000 ${NASTY}`,
    `mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 4</memfd:w${NASTY} (deleted)>, 0) = 0x7f0000020000`,
    `munmap(0x7f0000010000, 4096) = 0 \u001b]0;PWNED\u0007`,
    `munmap(0x7f0000011000, 4096) = 0 \r  bad = mmap 4096 rw`,
  ].join('\n');
  const { scenario } = importStrace(text, `imported from s${NASTY}.txt`);
  assertClean(scenario);
  // fd 3 mapped twice at offset 0 (ld.so's way with a new library) is opened twice: by one name.
  assert.deepEqual(openedNames(scenario), [`/x${SHOWN}`, `/x${SHOWN}`, `w${SHOWN}`]);
  assert.ok(scenario.includes(`  # munmap(0x7f0000010000, 4096) = 0 \\x1b]0;PWNED\\x07\n`), scenario);
  // A lone CR ends a line for the lexer: copied raw, the rest of the capture line would be a step.
  assert.ok(!/^\s*bad = mmap/m.test(scenario), scenario);
});
