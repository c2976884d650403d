// When the exploration matrix stops belonging to what the address map follows (the panel and
// the extension host both ask explorationFate).
import assert from 'node:assert/strict';
import test from 'node:test';
import { explorationFate } from '../../../protocol/panel';

const explored = { uri: 'file:///w/a.drvmap', scenarioIndex: 1 };
const at = (uri: string | undefined, scenarioIndex: number | undefined) => ({ uri, scenarioIndex });

test('another document, or none, drops the exploration', () => {
  for (const anchored of [false, true]) {
    assert.equal(explorationFate(explored, at('file:///w/b.drvmap', 1), anchored), 'drop');
    assert.equal(explorationFate(explored, at('file:///w/b.drvmap', undefined), anchored), 'drop');
    assert.equal(explorationFate(explored, at(undefined, undefined), anchored), 'drop');
  }
});

test('the explored scenario anchors it; then another scenario drops it', () => {
  assert.equal(explorationFate(explored, at(explored.uri, 1), false), 'anchor');
  assert.equal(explorationFate(explored, at(explored.uri, 0), true), 'drop');
});

test('another scenario before the map showed the explored one keeps it (the code lens)', () => {
  assert.equal(explorationFate(explored, at(explored.uri, 0), false), 'keep');
});

test('the cursor in no scenario of the explored document keeps it', () => {
  assert.equal(explorationFate(explored, at(explored.uri, undefined), true), 'keep');
});
