// An unknown actor (`mesa writes mem` with no driver called mesa): one diagnostic that says how a
// driver is declared and which actors exist, and no second one blaming the memory object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const text = (declarations: string) => `scenario "a" {
${declarations}  mem = vkAllocateMemory 64KiB host-visible
  mesa writes mem, 4
}
`;

test('an unknown actor: how to declare a driver, the actors there are, nothing else (fires)', () => {
  assert.deepEqual(
    analyseDocument(text('')).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      'unknown-name: unknown actor `mesa`: a driver is declared with a `driver mesa { … }` block, any other actor with `actor mesa`; the actors here are `app`, `wine`, `host`, `device`, `driver`',
    ],
  );
});

test('the same access by a declared driver: no diagnostic (does not fire)', () => {
  assert.deepEqual(analyseDocument(text('  driver mesa {\n  }\n')).diagnostics, []);
});

test("another driver's memory object: that driver has no pointer to it (fires); its own does (does not)", () => {
  const text = (actor: string) =>
    `scenario "two" {\n  driver mesa {\n  }\n  driver other {\n  }\n  mem = vkAllocateMemory 64KiB host-visible driver mesa\n  ${actor} writes mem, 4\n}\n`;
  assert.deepEqual(
    analyseDocument(text('other')).diagnostics.map((d) => `${d.code}: ${d.message}`),
    ["wrong-kind: `mem` is mesa's memory object: only mesa has a pointer to it, not other"],
  );
  assert.deepEqual(analyseDocument(text('mesa')).diagnostics, []);
});

test('the actors listed include the declared ones', () => {
  const text = 'scenario "a" {\n  actor fex\n  a = mmap 4KiB rw private anon\n  fx writes a, 4\n}\n';
  const [message] = analyseDocument(text).diagnostics.map((d) => d.message);
  assert.match(message ?? '', /the actors here are `app`, `wine`, `host`, `device`, `fex`, `driver`$/);
});

test('a misspelt actor: did you mean first, each actor listed once (a declared driver is also an actor)', () => {
  const text =
    'scenario "typos" {\n  driver gpu {\n    preset radv\n  }\n  mem = vkAllocateMemory 1MiB host-visible coherent\n  devce writes mem, 4\n}\n';
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      'unknown-name: unknown actor `devce`: did you mean `device`? (the actors here are `app`, `wine`, `host`, `device`, `gpu`)',
    ],
  );
});

test('`drivr` is a misspelt `driver`, the name of the implicit driver', () => {
  const text = 'scenario "a" {\n  mem = vkAllocateMemory 64KiB host-visible\n  drivr writes mem, 4\n}\n';
  assert.match(analyseDocument(text).diagnostics[0]?.message ?? '', /did you mean `driver`\?/);
});
