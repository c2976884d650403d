// A long run makes its records as literals over the record classes' prototypes, a short one
// with the classes' constructors (sim/long-run-records.ts): every reader must see the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { setLongRunStatements } from '../../../server/src/engine/sim/long-run-records';
import { generateScenario as lspScenario } from '../../../bench/lsp-bench';
import { generateScenario as rawScenario } from '../../../bench/engine-bench';

const examplesDir = join(__dirname, '..', '..', '..', '..', 'examples');
const texts = [
  ...readdirSync(examplesDir)
    .filter((f) => f.endsWith('.drvmap'))
    .map((f) => readFileSync(join(examplesDir, f), 'utf8')),
  lspScenario(600),
  rawScenario(600, 1),
];

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
}

/** Everything hover, hints, the panel, the CLI and the rules read of records and symbols. */
function digest(text: string): unknown {
  const analysis = analyseDocument(text);
  return {
    diagnostics: plain(analysis.diagnostics),
    scenarios: analysis.scenarios.map(({ run }) => ({
      records: run.simulation.records.map((r) => ({
        index: r.index,
        node: [r.node.start, r.node.end],
        actor: r.actor,
        outcome: plain(r.outcome),
        resultText: r.resultText,
        calls: r.calls.map((c) => ({
          actor: c.actor,
          text: c.text,
          result: c.result,
          ok: c.ok,
          errno: c.errno,
          reason: c.reason,
          effects: c.effects.length,
        })),
      })),
      symbols: run.simulation.symbols.all().map((s) => ({
        name: s.name,
        kind: s.kind,
        definition: s.definition && [s.definition.start, s.definition.end],
        statement: s.statement && [s.statement.start, s.statement.end],
        stepIndex: s.stepIndex,
        references: s.references.map((r) => [r.start, r.end]),
      })),
    })),
  };
}

test('records made as literals (long runs) read the same as records made by constructors', () => {
  const previous = setLongRunStatements(Number.POSITIVE_INFINITY);
  try {
    const short = texts.map(digest);
    setLongRunStatements(0);
    const long = texts.map(digest);
    for (let i = 0; i < texts.length; i++) assert.deepEqual(long[i], short[i], `text ${i}`);
  } finally {
    setLongRunStatements(previous);
  }
});

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
