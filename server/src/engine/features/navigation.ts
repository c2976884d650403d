// Names: go to definition, references, highlights and rename. Names live in one scenario; the
// simulator's symbol table records every definition and reference with its exact range.
import type { DocumentAnalysis, ScenarioAnalysis } from '../analysis';
import { scenarioAt } from '../analysis';
import { layerActor } from '../model/layer-actors';
import {
  BUILTIN_ACTORS,
  DRIVER_TRAITS,
  SETTINGS,
  STRATEGY_WORDS,
  VERBS,
  isReservedWord,
} from '../language/vocabulary';
import { RULE_BY_CODE } from '../rules/registry';
import type { LanguageProblem } from '../sim/problems';
import type { SymbolInfo } from '../sim/symbols';
import { nameUses } from '../syntax/name-uses';
import { isUnit } from '../syntax/number-literal';
import type { TextRange } from '../syntax/text-range';
import type { TextEdit } from './edits';

export interface SymbolAt {
  readonly scenario: ScenarioAnalysis;
  readonly symbol: SymbolInfo;
  /** The occurrence under the cursor. */
  readonly range: TextRange;
}

export function symbolAt(analysis: DocumentAnalysis, offset: number): SymbolAt | undefined {
  const scenario = scenarioAt(analysis, offset);
  if (!scenario || offset < scenario.node.start || offset > scenario.node.end) return undefined;
  const symbol = scenario.run.simulation.symbols.at(offset) ?? symbolUsedEarlyAt(scenario, offset);
  if (!symbol) return undefined;
  const range = occurrences(scenario, symbol).find((r) => offset >= r.start && offset <= r.end);
  return range ? { scenario, symbol, range } : undefined;
}

/**
 * The symbol of a use above its definition: the symbol table records no reference there (the
 * name had no value yet), but the used-before-defined problem links the use to the binding.
 */
function symbolUsedEarlyAt(scenario: ScenarioAnalysis, offset: number): SymbolInfo | undefined {
  const early = usedBeforeDefined(scenario).find((p) => offset >= p.range.start && offset <= p.range.end);
  const binding = early?.related?.[0]?.range;
  if (!binding) return undefined;
  const symbol = scenario.run.simulation.symbols.at(binding.start);
  return symbol?.definition?.start === binding.start ? symbol : undefined;
}

/**
 * The run's used-before-defined problems, not the scenario's diagnostics: the rule's severity
 * set to `off` drops the diagnostic, but the use is still this name, and a rename must take it.
 */
function usedBeforeDefined(scenario: ScenarioAnalysis): LanguageProblem[] {
  return scenario.run.problems.filter((p) => p.code === 'used-before-defined');
}

export function definitionAt(analysis: DocumentAnalysis, offset: number): TextRange | undefined {
  return symbolAt(analysis, offset)?.symbol.definition;
}

/**
 * The spans that are this symbol in its scenario, in source order, without duplicates: its
 * definition, its references and its uses above the definition. Every feature here (definition,
 * references, highlights, rename) asks this one function, so that they agree on what the name is.
 */
export function occurrences(
  scenario: ScenarioAnalysis,
  symbol: SymbolInfo,
  includeDeclaration = true,
): TextRange[] {
  const seen = new Set<number>();
  const out: TextRange[] = [];
  const definition = symbol.definition;
  const all = [
    ...(includeDeclaration && definition ? [definition] : []),
    ...symbol.references,
    ...(definition ? earlyUses(scenario, definition) : []),
  ];
  for (const r of all) {
    if (seen.has(r.start)) continue;
    seen.add(r.start);
    out.push({ start: r.start, end: r.end });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The uses above a definition, which used-before-defined links to it (they had no value yet). */
function earlyUses(scenario: ScenarioAnalysis, definition: TextRange): TextRange[] {
  return usedBeforeDefined(scenario)
    .filter((p) => p.related?.[0]?.range.start === definition.start)
    .map((p) => p.range);
}

export function referencesAt(
  analysis: DocumentAnalysis,
  offset: number,
  includeDeclaration = true,
): TextRange[] {
  const found = symbolAt(analysis, offset);
  return found ? occurrences(found.scenario, found.symbol, includeDeclaration) : [];
}

export interface Highlight {
  readonly range: TextRange;
  /** The definition is a write; uses are reads. */
  readonly kind: 'read' | 'write';
}

export function highlightsAt(analysis: DocumentAnalysis, offset: number): Highlight[] {
  const found = symbolAt(analysis, offset);
  if (!found) return [];
  const def = found.symbol.definition;
  return occurrences(found.scenario, found.symbol).map((range) => ({
    range,
    kind: def && def.start === range.start ? 'write' : 'read',
  }));
}

export type PrepareRenameResult =
  { readonly range: TextRange; readonly placeholder: string } | { readonly error: string };

export function prepareRename(analysis: DocumentAnalysis, offset: number): PrepareRenameResult {
  const found = symbolAt(analysis, offset);
  if (!found) return { error: 'Only names defined in the scenario can be renamed' };
  if (!found.symbol.definition)
    return { error: `\`${found.symbol.name}\` is built in and cannot be renamed` };
  return { range: found.range, placeholder: found.symbol.name };
}

export type RenameResult = { readonly edits: readonly TextEdit[] } | { readonly error: string };

export function rename(analysis: DocumentAnalysis, offset: number, newName: string): RenameResult {
  const found = symbolAt(analysis, offset);
  if (!found) return { error: 'Only names defined in the scenario can be renamed' };
  if (!found.symbol.definition)
    return { error: `\`${found.symbol.name}\` is built in and cannot be renamed` };
  if (newName === found.symbol.name) return { edits: [] };
  const problem = nameProblem(newName, found.scenario) ?? captureProblem(analysis, found.scenario, newName);
  if (problem) return { error: problem };
  const ranges = occurrences(found.scenario, found.symbol);
  // A unit word is a free name (`page`), except right after a number, where it reads as the
  // number's unit (`4 page`): refused only where a use would land there.
  if (isUnit(newName)) {
    const afterNumber = ranges.find((range) => followsNumber(analysis.text, range.start));
    if (afterNumber) {
      const line = analysis.lines.position(afterNumber.start).line + 1;
      return {
        error: `\`${newName}\` is a unit: on line ${line} it would read as the unit of the number before it`,
      };
    }
  }
  return { edits: ranges.map((range) => ({ range, newText: newName })) };
}

/** Whether the token before `offset`, past blanks, is a number literal (`4 page` reads as 4 pages). */
function followsNumber(text: string, offset: number): boolean {
  let end = offset;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  let start = end;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1]!)) start--;
  return start < end && /[0-9]/.test(text[start]!);
}

/**
 * A new name that the scenario already uses, although nothing defines it (`expect zz == 0` with
 * no `zz`): renaming to it would make that line mean the renamed value, silently.
 */
function captureProblem(
  analysis: DocumentAnalysis,
  scenario: ScenarioAnalysis,
  newName: string,
): string | undefined {
  // Only name uses: the same word as a flag, a rule code (`expect diagnostic kernel-refused`) or
  // a driver trait means something else, and a rename does not change it.
  for (const use of nameUses(scenario.node.body)) {
    if (use.name === newName) {
      const line = analysis.lines.position(use.start).line + 1;
      return `\`${newName}\` is already used in this scenario (line ${line}): that use would then mean the renamed value`;
    }
  }
  return undefined;
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*$/;

let vocabularyWords: Set<string> | undefined;

/** Every word the parser may read as part of the language somewhere. */
function languageWords(): Set<string> {
  if (vocabularyWords) return vocabularyWords;
  const words = new Set<string>();
  for (const v of VERBS) {
    words.add(v.verb);
    for (const g of v.wordGroups) for (const w of g.words) words.add(w.name);
    for (const o of v.options) words.add(o.name);
  }
  for (const s of SETTINGS) {
    words.add(s.keyword);
    for (const w of s.words ?? []) words.add(w.name);
  }
  for (const t of DRIVER_TRAITS) {
    words.add(t.keyword);
    for (const w of t.words ?? []) words.add(w.name);
  }
  for (const w of STRATEGY_WORDS) words.add(w.name);
  for (const a of BUILTIN_ACTORS) words.add(a.name);
  for (const c of RULE_BY_CODE.keys()) words.add(c);
  for (const w of [
    'read',
    'write',
    'reads',
    'writes',
    'driver',
    'actor',
    'expect',
    'scenario',
    'mapped',
    'unmapped',
    'diagnostic',
  ])
    words.add(w);
  vocabularyWords = words;
  return words;
}

/** Why `name` cannot be a name in this scenario, or undefined when it can. */
export function nameProblem(name: string, scenario: ScenarioAnalysis | undefined): string | undefined {
  if (!NAME_PATTERN.test(name))
    return `\`${name}\` is not a valid name: letters, digits, \`_\`, and \`-\` between words; it must start with a letter`;
  if (isReservedWord(name) || languageWords().has(name))
    return `\`${name}\` is a word of the language; choose another name`;
  if (scenario) {
    if (scenario.run.simulation.symbols.get(name)) return `\`${name}\` is already defined in this scenario`;
    if (scenario.run.drivers.has(name)) return `\`${name}\` is already a driver in this scenario`;
    const strategy = scenario.run.simulation.platform.strategy;
    if (layerActor(strategy, name))
      return `\`${name}\` is already an actor in this scenario (the layer's, under \`strategy ${strategy}\`)`;
  }
  return undefined;
}
