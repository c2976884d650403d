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
  // `fx` is one edit from `fex` alone: a two-letter name gets its "did you mean" too.
  assert.equal(
    message,
    'unknown actor `fx`: did you mean `fex`? (the actors here are `app`, `wine`, `host`, `device`, `fex`, `driver`)',
  );
});

test('a two-letter actor one edit from a single actor gets did you mean; one edit from several gets none', () => {
  const text = (actors: string, name: string) =>
    `scenario "a" {
${actors}  p = mmap 4KiB rw private anon
  ${name} writes p, 4
}
`;
  assert.match(
    analyseDocument(text('', 'ap')).diagnostics[0]?.message ?? '',
    /^unknown actor `ap`: did you mean `app`\?/,
  );
  // `ap` is one edit from `app` and from a declared `up`: no guess between them.
  const ambiguous = analyseDocument(text('  actor up\n', 'ap')).diagnostics[0]?.message ?? '';
  assert.match(ambiguous, /^unknown actor `ap`: a driver is declared with/);
  assert.doesNotMatch(ambiguous, /did you mean/);
});

test('a misspelt `driver NAME` of an allocation: did you mean the driver, short names too', () => {
  const text = (name: string) =>
    `scenario "a" {\n  driver nv {\n  }\n  driver mesa {\n  }\n  m = vkAllocateMemory 64KiB host-visible driver ${name}\n}\n`;
  assert.deepEqual(
    analyseDocument(text('n')).diagnostics.map((d) => `${d.code}: ${d.message}`),
    ['unknown-name: unknown driver `n`'],
  );
  assert.deepEqual(
    analyseDocument(text('mvsa')).diagnostics.map((d) => d.message),
    ['unknown driver `mvsa`; did you mean `mesa`?'],
  );
  assert.deepEqual(
    analyseDocument(text('mv')).diagnostics.map((d) => d.message),
    ['unknown driver `mv`; did you mean `nv`?'],
  );
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

test('a misspelt reader of `expect … reads` is unknown-name, and the expectation is not checked (fires)', () => {
  const gpu = `scenario "typo" {
  mem = vkAllocateMemory 1MiB host-visible coherent
  g = device writes mem, 4
  expect devce reads mem, 4 == 0x55
}
`;
  const analysis = analyseDocument(gpu);
  assert.deepEqual(
    analysis.diagnostics.map((d) => `${d.code} ${gpu.slice(d.range.start, d.range.end)}`),
    ['unknown-name devce'],
  );
  const [expectation] = analysis.scenarios[0]!.run.simulation.expects;
  assert.equal(expectation?.passed, undefined);
  assert.equal(expectation?.detail, 'unknown actor `devce`');
  // A CPU address is not read by an actor that does not exist either.
  const cpu = 'scenario "cpu" {\n  a = mmap 4KiB rw private anon\n  expect nobody reads a, 4 == 0x11\n}\n';
  assert.deepEqual(
    analyseDocument(cpu).diagnostics.map((d) => d.code),
    ['unknown-name'],
  );
});

test('the right reader is checked: `device` and the scenario’s `driver` (does not fire)', () => {
  const text = (reader: string) => `scenario "ok" {
  mem = vkAllocateMemory 1MiB host-visible coherent
  g = device writes mem, 4
  expect ${reader} reads mem, 4 == g
}
`;
  assert.deepEqual(analyseDocument(text('device')).diagnostics, []);
  assert.deepEqual(analyseDocument(text('driver')).diagnostics, []);
});

test('`ACTOR writes … by OTHER`: the second actor is wrong-kind, not silently dropped (fires)', () => {
  const text = `scenario "two actors" {
  mem = vkAllocateMemory 1MiB host-visible coherent
  a = mmap 4KiB rw private anon
  host writes a, 4 by wine
  device writes mem, 4 by nobody
}
`;
  const found = analyseDocument(text).diagnostics;
  assert.deepEqual(
    found.map((d) => `${d.code} ${text.slice(d.range.start, d.range.end)}`),
    ['wrong-kind by wine', 'wrong-kind by nobody'],
  );
  assert.equal(
    found[1]?.message,
    "`by nobody` would be a second actor: this line is already `device`'s (`device writes …`); name the actor once, before the verb or with `by`",
  );
});

test('one actor, named once or the same twice: no diagnostic (does not fire)', () => {
  const text = `scenario "one actor" {
  a = mmap 4KiB rw private anon
  wine writes a, 4
  write a, 4 by wine
  wine writes a, 4 by wine
}
`;
  assert.deepEqual(analyseDocument(text).diagnostics, []);
});

test('a value where the actor goes (`expect p reads 4`): the actor was left out, and the message says how to write it', () => {
  const text = (line: string) =>
    `scenario "a" {\n  p = mmap 4KiB rw private anon\n  write p, 4, 0xab\n  mem = vkAllocateMemory 64KiB host-visible\n  ${line}\n}\n`;
  const first = (line: string) =>
    analyseDocument(text(line)).diagnostics.map((d) => `${d.code}: ${d.message}`)[0];
  assert.equal(
    first('expect p reads 4 bytes'),
    "unknown-name: `p` is an address, not an actor: the address goes after the verb and the actor before it: `expect app reads p, 4 == VALUE`, or the host's read `expect read p, 4 == VALUE`",
  );
  // A step: its own verb.
  assert.equal(
    first('p writes p, 4'),
    'unknown-name: `p` is an address, not an actor: the address goes after the verb and the actor before it: `app writes p, 4`',
  );
  // A memory object: only the GPU or its driver reaches it, so that is the advice.
  assert.equal(
    first('expect mem reads 4'),
    'unknown-name: `mem` is a memory object, not an actor: the GPU (`device`) or its driver reaches it, named before the verb: `expect device reads mem, 4 == VALUE`',
  );
  // After `by`: who makes the call.
  assert.equal(
    first('q = mmap 4KiB rw private anon by p'),
    'unknown-name: `p` is an address, not an actor: `by` names who makes the call (app, wine, host or a driver)',
  );
  // Written as the messages say: no diagnostic.
  assert.deepEqual(analyseDocument(text('expect read p, 4 == 0xab')).diagnostics, []);
  assert.deepEqual(analyseDocument(text('expect device reads mem, 4 == zero')).diagnostics, []);
});
