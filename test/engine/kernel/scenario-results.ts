// Runs scenario lines on one kernel and reads back what each step answered, as a user sees it.
import { analyseDocument } from '../../../server/src/engine/analysis';

export interface ScenarioResults {
  /** Each step's result without the arrow: `0x2000_0000`, `EINVAL`, `ok`. */
  readonly results: string[];
  /** The diagnostics' codes, in document order. */
  readonly codes: string[];
}

/** `lines`: the scenario body after `kernel KERNEL`, one statement each. */
export function runOn(kernel: string, lines: readonly string[]): ScenarioResults {
  const text = `scenario "s" {\n  kernel ${kernel}\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;
  const analysis = analyseDocument(text);
  return {
    results: analysis.scenarios[0]!.run.simulation.records.map((r) => r.resultText.replace(/^→ /, '')),
    codes: analysis.diagnostics.map((d) => d.code),
  };
}

/** A result text such as `0x2aaa_aaaa_b000` as an address. */
export function addressOf(result: string): bigint {
  if (!/^0x[0-9a-f_]+$/.test(result)) throw new Error(`not an address: ${result}`);
  return BigInt(result.replaceAll('_', ''));
}
