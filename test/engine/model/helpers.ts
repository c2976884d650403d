// Shared helpers for the model tests: analyse a scenario, list its codes, read its outcomes.
import { analyseDocument } from '../../../server/src/engine/analysis';

export function codes(text: string): string[] {
  return analyseDocument(text)
    .diagnostics.map((d) => d.code)
    .sort();
}

export function analyse(text: string) {
  return analyseDocument(text);
}

/** The calls of step `index` (0-based) of the first scenario, as `actor: text result`. */
export function callsOf(text: string, index: number): string[] {
  const run = analyseDocument(text).scenarios[0]!.run;
  return (run.simulation.records[index]?.calls ?? []).map((c) => `${c.actor}: ${c.text} ${c.result}`);
}
