// The symbol table keeps a filter of defined names once a scenario has more than 2048 of them
// (sim/symbols.ts): a name the filter says is new must still be checked against the map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

test('a duplicate name is found among thousands (the symbol table filters absent names past 2048)', () => {
  const lines = ['scenario "many names" {'];
  for (let i = 0; i < 2100; i++) lines.push(`  m${i} = mmap 4k rw private anon`);
  lines.push('  m7 = mmap 4k rw private anon', '  m2099 = mmap 4k rw private anon', '}');
  const codes = analyseDocument(lines.join('\n')).diagnostics.map((d) => d.code);
  assert.deepEqual(
    codes.filter((c) => c === 'duplicate-name'),
    ['duplicate-name', 'duplicate-name'],
  );
});

test('no duplicate is reported among thousands of distinct names', () => {
  const lines = ['scenario "many names" {'];
  for (let i = 0; i < 2100; i++) lines.push(`  m${i} = mmap 4k rw private anon`);
  lines.push('}');
  const codes = analyseDocument(lines.join('\n')).diagnostics.map((d) => d.code);
  assert.equal(codes.filter((c) => c === 'duplicate-name').length, 0);
});
