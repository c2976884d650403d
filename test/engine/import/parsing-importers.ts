// The importers as the import tests call them, each scenario checked to parse as it comes out:
// an importer must never write a line the parser rejects, whatever the test then asserts.
import assert from 'node:assert/strict';
import { importStrace as importStraceText } from '../../../server/src/engine/import/strace';
import { importProcMaps as importProcMapsText } from '../../../server/src/engine/import/proc-maps';
import { parse } from '../../../server/src/engine/syntax/parser';

type ImportResult = ReturnType<typeof importStraceText>;

function parsed(result: ImportResult): ImportResult {
  assert.deepEqual(
    parse(result.scenario).errors.map((e) => e.message),
    [],
    `the imported scenario parses:\n${result.scenario}`,
  );
  return result;
}

export function importStrace(...args: Parameters<typeof importStraceText>): ImportResult {
  return parsed(importStraceText(...args));
}

export function importProcMaps(...args: Parameters<typeof importProcMapsText>): ImportResult {
  return parsed(importProcMapsText(...args));
}
