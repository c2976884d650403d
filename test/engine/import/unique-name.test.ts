import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newUsedNames, uniqueName } from '../../../server/src/engine/import/unique-name';

test('unique names: the base, then base_2, base_3…; a reserved word is never given', () => {
  const used = newUsedNames();
  assert.deepEqual(
    [uniqueName('f3', used), uniqueName('f3', used), uniqueName('f3', used), uniqueName('f4', used)],
    ['f3', 'f3_2', 'f3_3', 'f4'],
  );
  // A name taken by hand in between is skipped, not given twice.
  used.names.add('f3_4');
  assert.equal(uniqueName('f3', used), 'f3_5');
  assert.equal(uniqueName('shared', used), 'shared_2');
});
