// `wine-unmodelled`: a Wine newer than the source drvmap's Wine model was read against (10.19)
// runs with the newest behaviour drvmap knows, and an info note says so — on its `wine` line, or
// on the scenario's first line when the version came from --wine / drvmap.defaultWine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { hoverOf } from '../features/fixture';

const scenario = (line: string) =>
  `scenario "w" {\n  ${line}\n  strategy placed\n  mem = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory mem\n}\n`;

test('a `wine` line past 10.19 gets the info note on the line and runs as given, with the newest behaviour', () => {
  const text = scenario('wine 11.3');
  const a = analyseDocument(text);
  const notes = a.diagnostics.filter((d) => d.code === 'wine-unmodelled');
  assert.equal(notes.length, 1);
  const [note] = notes;
  assert.equal(note!.severity, 'info');
  assert.equal(text.slice(note!.range.start, note!.range.end), '11.3');
  assert.match(
    note!.message,
    /follows Wine's source up to Wine 10\.19; 11\.3 is simulated with 10\.19's behaviour/,
  );
  const { wine } = a.scenarios[0]!.run.simulation.platform;
  assert.deepEqual([wine.major, wine.minor], [11, 3]);
  // The newest behaviour: Wine places the map (9.4 and later), nothing else is reported.
  assert.deepEqual(
    a.diagnostics.map((d) => d.code),
    ['wine-unmodelled'],
  );
});

test('no note for a Wine the model covers, and a Wine before 9.0 is still number-out-of-range', () => {
  for (const v of ['10.19', '10.15', '9.0', '10.0-rc3'])
    assert.ok(
      !analyseDocument(scenario(`wine ${v}`)).diagnostics.some((d) => d.code === 'wine-unmodelled'),
      v,
    );
  assert.deepEqual(
    analyseDocument(scenario('wine 8.0')).diagnostics.map((d) => d.code),
    ['number-out-of-range', 'placed-unsupported'],
  );
});

test('a default Wine past the model (--wine, drvmap.defaultWine) gets the note on the scenario line; a `wine` line wins', () => {
  const text = scenario('# no wine line');
  const a = analyseDocument(text, { wine: { major: 11, minor: 0 } });
  const [note] = a.diagnostics.filter((d) => d.code === 'wine-unmodelled');
  assert.ok(note, a.diagnostics.map((d) => d.code).join());
  assert.equal(text.slice(note.range.start, note.range.end), 'scenario "w"');
  assert.match(
    note.message,
    /11\.0 \(given by --wine or drvmap\.defaultWine: this scenario has no `wine` line\)/,
  );
  assert.deepEqual(
    analyseDocument(scenario('wine 10.15'), { wine: { major: 11, minor: 0 } }).diagnostics.map((d) => d.code),
    [],
  );
});

test('the hover on the `wine` line says the version is past the model', () => {
  const hover = hoverOf('scenario "h" {\n  ⟨|⟩wine 11.3\n}\n')!;
  assert.match(
    hover,
    /Simulating Wine 11\.3 \(newer than the Wine source drvmap follows: simulated with 10\.19's behaviour\)/,
  );
  assert.doesNotMatch(hoverOf('scenario "h" {\n  ⟨|⟩wine 10.19\n}\n')!, /newer than/);
});
