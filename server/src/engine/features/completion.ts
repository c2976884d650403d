// Completion. The language is line oriented, so the context is read from the tokens of the line
// before the cursor (the parse of a half-typed line is not trusted) plus the block the line is
// in: top level, a scenario body, or a driver block. Names come from the run's symbol table —
// only those defined above the cursor, and only of the kind the position takes.
import type { DocumentAnalysis, ScenarioAnalysis } from '../analysis';
import {
  ACCESS_VERBS,
  canonicalVerb,
  BUILTIN_ACTORS,
  DRIVER_TRAITS,
  ERRNO_NAMES,
  EXPECT_WORDS,
  SETTINGS,
  SETTING_BY_NAME,
  STRATEGY_WORDS,
  TRAIT_BY_NAME,
  VERBS,
  VERB_BY_NAME,
  VK_RESULT_NAMES,
  type VerbSpec,
  type WordGroup,
} from '../language/vocabulary';
import { UNIT_BYTES } from '../numbers';
import { DRIVER_SPACE } from '../explore/driver-space';
import { DEVICE_ACTOR } from '../model/device-access';
import { layerActor, layerActors } from '../model/layer-actors';
import { DRIVER_ADDRESS_VERBS } from '../sim/driver-address';
import { DEFAULT_TRAITS, MAX_NON_COHERENT_ATOM_SIZE, PRESETS } from '../model/driver';
import { argumentSlot, requiredArguments } from './argument-slot';
import { RULES } from '../rules/registry';
import type { SymbolKind } from '../sim/symbols';
import type { DriverNode, ExpectForm, ExpectNode, ScenarioNode } from '../syntax/ast';
import { tokenize } from '../syntax/lexer';
import type { TextRange } from '../syntax/text-range';
import type { Token } from '../syntax/tokens';
import { codeSpan } from '../../../../protocol/markdown';
import { closeOfFile } from './values';
import { vkSuccessOf } from '../sim/vk-success';

export type CompletionKind =
  | 'keyword'
  | 'verb'
  | 'flag'
  | 'option'
  | 'name'
  | 'unit'
  | 'trait'
  | 'setting'
  | 'snippet'
  | 'actor'
  | 'value'
  | 'rule';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  readonly insertText?: string;
  /** `insertText` is a snippet (`${1:name}` placeholders). */
  readonly snippet?: boolean;
  /** Text to replace instead of the word at the cursor (units glued to a number). */
  readonly replace?: TextRange;
  readonly sortText?: string;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'pages'];
const KERNEL_VERSIONS = ['5.4', '5.10', '5.13', '5.15', '6.1', '6.6', '6.12', '6.18'];

/** The usual kernel versions, oldest first; `replace`: the digits typed so far, which they replace. */
function kernelVersionItems(replace?: TextRange): CompletionItem[] {
  return KERNEL_VERSIONS.map((v, i) => ({
    label: v,
    kind: 'value' as const,
    detail: `Linux ${v}`,
    sortText: String(i).padStart(2, '0'),
    ...(replace ? { replace } : {}),
  }));
}

/**
 * Wine releases where drvmap's model changes (sim/wine-version.ts), oldest first: 9.0 (no placed
 * maps), 9.4 (placed maps), 10.14 (the last winevulkan that frees an import), 10.15 (win32u).
 */
const WINE_VERSIONS: readonly (readonly [string, string])[] = [
  ['9.0', 'Wine 9.0: host imports only, no placed maps'],
  ['9.4', 'Wine 9.4: placed maps (winevulkan)'],
  ['10.14', 'Wine 10.14: the last winevulkan, frees host imports'],
  ['10.15', 'Wine 10.15 (default): win32u, never frees host imports'],
];

function wineVersionItems(replace?: TextRange): CompletionItem[] {
  return WINE_VERSIONS.map(([v, detail], i) => ({
    label: v,
    kind: 'value' as const,
    detail,
    sortText: String(i).padStart(2, '0'),
    ...(replace ? { replace } : {}),
  }));
}

export function completionsAt(analysis: DocumentAnalysis, offset: number): CompletionItem[] {
  const { text, lines } = analysis;
  const lineStart = lines.lineStart(lines.position(offset).line);
  const all = tokenize(text.slice(lineStart, offset)).filter((t) => t.kind !== 'eof' && t.kind !== 'newline');
  if (all.some((t) => t.kind === 'comment')) return [];
  const last = all[all.length - 1];
  if (last?.kind === 'string' || last?.kind === 'invalid') return [];
  // The word being typed is not context; the editor filters by it.
  let tokens = all;
  if (last && last.end === offset - lineStart && (last.kind === 'ident' || last.kind === 'number')) {
    if (last.kind === 'number') {
      // A kernel version takes no unit (`kernel 6KiB` is an error): its versions, as after `kernel `.
      if (all[0]?.kind === 'ident' && all[0].text === 'kernel' && all.length === 2)
        return kernelVersionItems({ start: lineStart + last.start, end: offset });
      if (all[0]?.kind === 'ident' && all[0].text === 'wine' && all.length === 2)
        return wineVersionItems({ start: lineStart + last.start, end: offset });
      // A word of this place that starts with the digits typed (`3` of `32bit`): the lexer read
      // them as a number, but the user may be typing the word.
      const words = wordsAt(analysis, offset, all.slice(0, -1), lineStart).filter(
        (item) => item.kind !== 'snippet' && item.label.startsWith(last.text),
      );
      return [...unitCompletions(last, lineStart, lettersEnd(text, offset)), ...words];
    }
    tokens = all.slice(0, -1);
  }
  return wordsAt(analysis, offset, tokens, lineStart);
}

/** What the line's place takes after `tokens`, the words of the line before the cursor's word. */
function wordsAt(
  analysis: DocumentAnalysis,
  offset: number,
  tokens: readonly Token[],
  lineStart: number,
): CompletionItem[] {
  const { text, lines } = analysis;
  const block = blockAt(analysis, offset);
  if (block.kind === 'top') return tokens.length === 0 ? topLevelCompletions() : [];
  if (block.kind === 'driver') return driverCompletions(tokens);
  const lineNumber = lines.position(offset).line;
  const line = {
    start: lineStart,
    end: lineNumber + 1 < lines.lineCount ? lines.lineStart(lineNumber + 1) : text.length,
  };
  // Names must be defined above the line being typed.
  return scenarioCompletions(block.scenario, block.node, tokens, line);
}

type Block =
  | { kind: 'top' }
  | { kind: 'scenario'; scenario: ScenarioAnalysis | undefined; node: ScenarioNode }
  | { kind: 'driver'; driver: DriverNode };

function blockAt(analysis: DocumentAnalysis, offset: number): Block {
  for (let i = 0; i < analysis.file.scenarios.length; i++) {
    const node = analysis.file.scenarios[i]!;
    const body = node.bodyRange;
    if (!body || offset <= body.start) continue;
    if (node.closed ? offset >= node.end : offset > lastOffsetOf(analysis, i)) continue;
    for (const s of node.body) {
      if (s.kind !== 'driver') continue;
      const braceOpen = analysis.text.indexOf('{', s.keyword.end);
      if (braceOpen < 0 || braceOpen >= s.end || offset <= braceOpen) continue;
      if (
        s.closed ? offset < s.end : offset <= s.end || isOnlyWhitespaceBetween(analysis.text, s.end, offset)
      )
        return { kind: 'driver', driver: s };
    }
    return { kind: 'scenario', scenario: analysis.scenarios.find((a) => a.node === node), node };
  }
  return { kind: 'top' };
}

function lastOffsetOf(analysis: DocumentAnalysis, index: number): number {
  const next = analysis.file.scenarios[index + 1];
  return next ? next.start - 1 : analysis.text.length;
}

function isOnlyWhitespaceBetween(text: string, a: number, b: number): boolean {
  return /^\s*$/.test(text.slice(a, b));
}

// ---- top level ----

function topLevelCompletions(): CompletionItem[] {
  const out: CompletionItem[] = [
    {
      label: 'scenario',
      kind: 'snippet',
      detail: 'a scenario skeleton',
      documentation: 'A scenario with a kernel, a driver, a strategy and one mapping to check.',
      insertText: SCENARIO_SKELETON,
      snippet: true,
      sortText: '0',
    },
  ];
  for (const s of STRATEGY_WORDS) {
    out.push({
      label: `scenario: ${s.name}`,
      kind: 'snippet',
      detail: `a scenario using strategy ${s.name}`,
      documentation: `${s.doc}${s.source ? `\n\nSource: ${s.source}` : ''}`,
      insertText: strategySkeleton(s.name),
      snippet: true,
      sortText: `1${s.name}`,
    });
  }
  return out;
}

const SCENARIO_SKELETON = [
  'scenario "${1:name}" {',
  '  kernel ${2:6.18}',
  '  driver ${3:mesa} {',
  '    maps ${4|at-map,at-alloc,pool|}',
  '    backing ${5|device,shmem,anon|}',
  '  }',
  `  strategy \${6|${STRATEGY_WORDS.map((s) => s.name).join(',')}|}`,
  '  mem = vkAllocateMemory ${7:16MiB} host-visible coherent',
  '  p = vkMapMemory mem',
  '  app writes p, 64',
  '  $0',
  '}',
].join('\n');

function strategySkeleton(strategy: string): string {
  const body = [
    `scenario "\${1:${strategy}}" {`,
    '  kernel ${2:6.18}',
    '  driver ${3:mesa} {',
    `    preset \${4|${Object.keys(PRESETS).join(',')}|}`,
    '  }',
    `  strategy ${strategy}`,
    '  mem = vkAllocateMemory ${5:16MiB} host-visible coherent',
    '  p = vkMapMemory mem',
    '  app writes p + 0x100, 64',
    '  w = driver writes mem + 0x100, 64',
    '  expect app reads p + 0x100, 64 == w',
    '  $0',
    '}',
  ];
  return body.join('\n');
}

// ---- driver blocks ----

/** The traits `any` leaves open for exploration (the others keep their value). */
const EXPLORED_TRAITS: readonly string[] = DRIVER_SPACE.traits.map((t) => t.trait);

function driverCompletions(tokens: readonly Token[]): CompletionItem[] {
  if (tokens.length === 0 || (tokens.length === 1 && tokens[0]!.kind === 'lbrace')) {
    const traits: CompletionItem[] = DRIVER_TRAITS.map((t) => ({
      label: t.keyword,
      kind: 'trait' as const,
      detail: t.example,
      documentation: `${t.doc}\n\nSource: ${t.source}`,
    }));
    traits.push({
      label: 'any',
      kind: 'trait' as const,
      detail: 'any',
      documentation: `Leaves open every trait exploration varies (${EXPLORED_TRAITS.join(', ')}): \`drvmap explore\` runs the scenario under each value (language.md, "Open traits").`,
    });
    return traits;
  }
  const keyword = tokens[0]!;
  const spec = keyword.kind === 'ident' ? TRAIT_BY_NAME.get(keyword.text) : undefined;
  if (!spec) return [];
  const used = new Set(tokens.slice(1).map((t) => t.text));
  const out: CompletionItem[] = (spec.words ?? [])
    .filter((w) => !used.has(w.name))
    .map((w) => ({
      label: w.name,
      kind: 'flag' as const,
      detail: `${spec.keyword}`,
      documentation: `${w.doc}${w.source ? `\n\nSource: ${w.source}` : ''}`,
    }));
  if (EXPLORED_TRAITS.includes(spec.keyword) && tokens.length === 1)
    out.push({
      label: 'any',
      kind: 'flag' as const,
      detail: spec.keyword,
      documentation: `Leaves \`${spec.keyword}\` open: \`drvmap explore\` runs the scenario under each of its values; the analysis uses the default (or the preset's).`,
    });
  if (spec.keyword === 'non-coherent-atom' && tokens.length === 1) out.push(...nonCoherentAtomValues());
  if (spec.args === 'expr' || spec.keyword === 'placed-map') out.push(...unitsAfter(tokens));
  return out;
}

/**
 * The values nonCoherentAtomSize may take, powers of two up to the spec's 256 (model/driver.ts
 * MAX_NON_COHERENT_ATOM_SIZE), the default every preset keeps first: without them the editor
 * falls back to words from open files, none of them valid here.
 */
function nonCoherentAtomValues(): CompletionItem[] {
  const preferred = DEFAULT_TRAITS.nonCoherentAtomSize;
  const out: CompletionItem[] = [];
  for (let v = 1n; v <= MAX_NON_COHERENT_ATOM_SIZE; v *= 2n)
    out.push({
      label: String(v),
      kind: 'value',
      detail: v === preferred ? `${v} bytes (default; every preset)` : `${v} bytes`,
      sortText: v === preferred ? '0' : `1${String(v).padStart(3, '0')}`,
    });
  return out;
}

// ---- scenario bodies ----

function scenarioCompletions(
  scenario: ScenarioAnalysis | undefined,
  node: ScenarioNode,
  tokens: readonly Token[],
  /** The cursor's line: names must be defined before its start. */
  line: TextRange,
): CompletionItem[] {
  const offset = line.start;
  if (tokens.length === 0) return lineStartCompletions(scenario, offset, settingsGivenElsewhere(node, line));
  const first = tokens[0]!;
  if (first.kind !== 'ident') return [];
  // `name = …`
  if (tokens[1]?.kind === 'assign') {
    // `g = device writes mem + 0x200, 64` binds what an access wrote: its actor comes first.
    if (tokens.length === 2)
      return [
        ...VERBS.map(verbItem),
        ...actorItems(scenario, offset).map((a) => ({ ...a, sortText: `5${a.label}` })),
      ];
    return actionCompletions(scenario, tokens.slice(2), offset);
  }
  if (first.text === 'expect')
    return expectCompletions(scenario, tokens.slice(1), offset, expectOnLine(node, offset + first.start));
  const setting = SETTING_BY_NAME.get(first.text);
  // `wine writes …` is the built-in actor's access, `wine 10.15` the setting (the parser tells
  // them apart by the access verb): after `wine ` both, and past an access verb the step's.
  if (setting?.keyword === 'wine' && tokens.length === 1)
    return [...wineVersionItems(), ...actionCompletions(scenario, tokens, offset)];
  if (
    setting?.keyword === 'wine' &&
    tokens[1]?.kind === 'ident' &&
    Object.hasOwn(ACCESS_VERBS, tokens[1].text)
  )
    return actionCompletions(scenario, tokens, offset);
  if (setting) {
    if (tokens.length > 1 && setting.keyword !== 'window') return [];
    if (setting.keyword === 'kernel') return kernelVersionItems();
    if (setting.keyword === 'wine') return wineVersionItems();
    if (setting.keyword === 'window') return windowCompletions(tokens);
    return (setting.words ?? []).map((w) => ({
      label: w.name,
      kind: 'flag' as const,
      detail: setting.keyword,
      documentation: `${w.doc}${w.source ? `\n\nSource: ${w.source}` : ''}`,
    }));
  }
  if (first.text === 'driver' || first.text === 'actor') return [];
  return actionCompletions(scenario, tokens, offset);
}

/** After `window`: the usual windows; after its start, the `..` that ends it. */
function windowCompletions(tokens: readonly Token[]): CompletionItem[] {
  if (tokens.length === 1)
    return [
      { label: '0x1_0000 .. 0x8000_0000', kind: 'value', detail: '2 GiB (default)' },
      { label: '0x1_0000 .. 0x1_0000_0000', kind: 'value', detail: '4 GiB, large-address-aware' },
    ];
  const last = tokens[tokens.length - 1]!;
  const startEnded = last.kind === 'number' || last.kind === 'ident' || last.kind === 'rparen';
  if (!startEnded || tokens.some((t) => t.kind === 'dotdot')) return [];
  return [{ label: '..', kind: 'keyword', detail: 'window START .. END (END exclusive)' }];
}

/** A step, bound or not: `mmap …`, or `app writes …` with an actor before the access verb. */
function actionCompletions(
  scenario: ScenarioAnalysis | undefined,
  tokens: readonly Token[],
  offset: number,
): CompletionItem[] {
  const first = tokens[0]!;
  if (first.kind !== 'ident') return [];
  if (tokens.length === 1 && isActorName(scenario, first.text) && !VERB_BY_NAME.has(first.text)) {
    return [
      {
        label: 'writes',
        kind: 'verb',
        detail: `${first.text} writes ADDRESS, LENGTH`,
        documentation: VERB_BY_NAME.get('write')?.doc ?? '',
      },
      {
        label: 'reads',
        kind: 'verb',
        detail: `${first.text} reads ADDRESS, LENGTH`,
        documentation: VERB_BY_NAME.get('read')?.doc ?? '',
      },
    ];
  }
  return stepCompletions(scenario, tokens, offset);
}

/**
 * The settings the scenario gives on lines other than `line`. Each may be given once: a second
 * one is `duplicate-setting`, for every keyword (sim/platform.ts readPlatform, which reads these
 * same setting statements of the parse). The one on the cursor's own line is the one being
 * edited (`kern|el 6.6`), so it does not count.
 */
function settingsGivenElsewhere(node: ScenarioNode, line: TextRange): ReadonlySet<string> {
  const given = new Set<string>();
  for (const s of node.body)
    if (s.kind === 'setting' && (s.start < line.start || s.start >= line.end)) given.add(s.keyword.name);
  return given;
}

function lineStartCompletions(
  scenario: ScenarioAnalysis | undefined,
  offset: number,
  /** Settings the scenario already has: offering one again would only make a duplicate-setting. */
  given: ReadonlySet<string>,
): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const s of SETTINGS) {
    if (given.has(s.keyword)) continue;
    out.push({
      label: s.keyword,
      kind: 'setting',
      detail: s.example,
      documentation: s.doc,
      sortText: `2${s.keyword}`,
    });
  }
  for (const v of VERBS) out.push({ ...verbItem(v), sortText: `1${v.verb}` });
  out.push(
    {
      label: 'driver',
      kind: 'snippet',
      detail: 'driver NAME { traits }',
      documentation: 'A driver and its behaviour.',
      insertText:
        'driver ${1:mesa} {\n  maps ${2|at-map,at-alloc,pool|}\n  backing ${3|device,shmem,anon|}\n}',
      snippet: true,
      sortText: '3driver',
    },
    {
      label: 'actor',
      kind: 'keyword',
      detail: 'actor NAME',
      documentation: 'Declares another actor.',
      sortText: '3actor',
    },
    {
      label: 'expect',
      kind: 'keyword',
      detail: 'expect …',
      documentation: 'An expectation checked at this point.',
      sortText: '3expect',
    },
  );
  for (const s of given.has('strategy') ? [] : STRATEGY_WORDS) {
    out.push({
      label: `strategy ${s.name}`,
      kind: 'snippet',
      detail: 'strategy',
      documentation: `${s.doc}${s.source ? `\n\nSource: ${s.source}` : ''}`,
      insertText: `strategy ${s.name}`,
      sortText: `4${s.name}`,
    });
  }
  for (const a of actorItems(scenario, offset)) out.push({ ...a, sortText: `5${a.label}` });
  return out;
}

function verbItem(v: VerbSpec): CompletionItem {
  return {
    label: v.verb,
    kind: 'verb',
    detail: v.example,
    documentation: `${v.doc}\n\nExample: \`${v.example}\``,
  };
}

function isActorName(scenario: ScenarioAnalysis | undefined, name: string): boolean {
  if (BUILTIN_ACTORS.some((a) => a.name === name) || name === 'driver') return true;
  if (!scenario) return false;
  if (layerActor(scenario.run.simulation.platform.strategy, name)) return true;
  if (scenario.run.drivers.has(name)) return true;
  return scenario.run.simulation.symbols.get(name)?.kind === 'actor';
}

function actorItems(scenario: ScenarioAnalysis | undefined, offset: number): CompletionItem[] {
  const out: CompletionItem[] = BUILTIN_ACTORS.map((a) => ({
    label: a.name,
    kind: 'actor' as const,
    detail: 'actor',
    documentation: a.doc,
  }));
  if (scenario) {
    // The layer's own actor (`fex` under reserve-high): offered without a declaration.
    const layer = layerActors(scenario.run.simulation.platform.strategy);
    for (const a of layer) out.push({ label: a.name, kind: 'actor', detail: 'actor', documentation: a.doc });
    for (const [name, driver] of scenario.run.drivers) {
      if (driver.node) out.push({ label: name, kind: 'actor', detail: 'driver' });
    }
    for (const s of scenario.run.simulation.symbols.all()) {
      if (layer.some((a) => a.name === s.name)) continue;
      if (s.kind === 'actor' && s.definition && s.definition.start < offset)
        out.push({ label: s.name, kind: 'actor', detail: 'actor' });
    }
  }
  return out;
}

/** Names defined above the cursor, of the given kinds. */
function nameItems(
  scenario: ScenarioAnalysis | undefined,
  offset: number,
  kinds: readonly SymbolKind[],
  /** Only names bound by this verb (`import` takes an fd from `vkGetMemoryFdKHR`, not `open`). */
  boundBy?: string,
): CompletionItem[] {
  if (!scenario) return [];
  const out: CompletionItem[] = [];
  for (const s of scenario.run.simulation.symbols.all()) {
    if (!kinds.includes(s.kind) || !s.definition || s.definition.start >= offset) continue;
    const record = s.stepIndex !== undefined ? scenario.run.simulation.records[s.stepIndex] : undefined;
    if (boundBy !== undefined && record?.node.verb.name !== boundBy) continue;
    if (s.kind === 'file' && isClosedBefore(scenario, s.name, offset)) continue;
    out.push({
      label: s.name,
      kind: 'name',
      detail: `${s.kind}${record?.resultText ? ` ${record.resultText}` : ''}`,
      documentation: record ? codeSpan(record.node.text.replace(/\s+/g, ' ')) : undefined,
      sortText: `0${s.name}`,
    });
  }
  return out;
}

/**
 * Whether a step above the cursor closed the file `name` stands for (a successful import takes the
 * fd, docs/language.md): `mmap … fd` or a second `import` of it is then an error, so it is not offered.
 */
function isClosedBefore(scenario: ScenarioAnalysis, name: string, offset: number): boolean {
  const closed = closeOfFile(scenario.run, name);
  if (closed === undefined) return false;
  const closing = scenario.run.simulation.records[closed.step];
  return closing !== undefined && closing.node.start < offset;
}

const ADDRESS_KINDS: readonly SymbolKind[] = ['mapping', 'pointer'];
/** `uffd mem …`: a memory object registers its driver's mapping (model/uffd-step.ts). */
const UFFD_VERB = 'uffd';
/** What a syscall's address may name: a memory object too, for its driver's own address. */
const SYSCALL_ADDRESS_KINDS: readonly SymbolKind[] = [...ADDRESS_KINDS, 'memory'];

function stepCompletions(
  scenario: ScenarioAnalysis | undefined,
  tokens: readonly Token[],
  offset: number,
): CompletionItem[] {
  // tokens: [actor?] verb …
  let k = 0;
  if (tokens.length > 1 && tokens[1]!.kind === 'ident' && ACCESS_VERBS[tokens[1]!.text] !== undefined) k = 1;
  const verbToken = tokens[k];
  if (!verbToken || verbToken.kind !== 'ident') return [];
  const spec = VERB_BY_NAME.get(canonicalVerb(verbToken.text));
  if (!spec) return [];
  const rest = tokens.slice(k + 1);
  const previous = rest[rest.length - 1];
  const option = previous?.kind === 'ident' ? spec.options.find((o) => o.name === previous.text) : undefined;
  if (option) return optionValueCompletions(scenario, spec, option.name, offset, rest);
  // `device writes …`: the actor is named already, so no `by`, and what it reaches is known.
  const actor = k === 1 ? tokens[0]!.text : undefined;
  const slot = argumentSlot(spec, rest);
  // `a + |`: the rest of an expression, an address or an offset.
  if (slot.midExpression) return nameItems(scenario, offset, ADDRESS_KINDS);
  const used = new Set(rest.filter((t) => t.kind === 'ident').map((t) => t.text));
  const out: CompletionItem[] = [...unitsAfter(rest)];
  // A required argument still missing: its names only (`madvise |` takes an address, not an
  // advice). The verb's words come once the positional arguments are all there
  // (`madvise a, 4KiB, |`, `vkGetMemoryFdKHR m |`), so that the first item never makes an
  // extra argument. A leading group (open's file kind) is required and comes first: it is
  // offered until one of its words is given.
  const complete = slot.given >= requiredArguments(spec);
  // A one-of group is settled by one of its words or of the options that are its alternatives
  // (`uffd a, 4KiB copy-from b`: no `zero`, `fail` or `map-moved` after it).
  const settled = (g: WordGroup) =>
    g.one && (g.words.some((w) => used.has(w.name)) || !!g.alternativeOptions?.some((o) => used.has(o)));
  for (const g of spec.wordGroups) {
    if (!complete && !g.leading) continue;
    if (settled(g)) continue;
    for (const w of g.words) {
      if (used.has(w.name)) continue;
      out.push({
        label: w.name,
        kind: 'flag',
        detail: g.group,
        documentation: `${w.doc}${w.source ? `\n\nSource: ${w.source}` : ''}`,
        sortText: `${g.leading ? '0' : '1'}${w.name}`,
      });
    }
  }
  for (const o of spec.options) {
    if (used.has(o.name) || (actor !== undefined && o.name === 'by')) continue;
    if (spec.wordGroups.some((g) => g.alternativeOptions?.includes(o.name) && settled(g))) continue;
    out.push({
      label: o.name,
      kind: 'option',
      detail: `option of ${spec.verb}`,
      documentation: o.doc,
      sortText: `2${o.name}`,
    });
  }
  // An optional argument (mremap's new address) comes after the words.
  const namesSort = complete ? '3' : '0';
  for (const item of argumentNames(scenario, spec, slot.given, actor, offset))
    out.push({ ...item, sortText: `${namesSort}${item.label}` });
  return out;
}

/** Names that fit positional argument `index` of the verb (none past its last one). */
function argumentNames(
  scenario: ScenarioAnalysis | undefined,
  spec: VerbSpec,
  index: number,
  actor: string | undefined,
  offset: number,
): CompletionItem[] {
  const arg = spec.args[index];
  if (!arg) return [];
  if (arg.kind === 'memory') return nameItems(scenario, offset, ['memory']);
  if (arg.kind !== 'expr') return [];
  // Without a leading actor a `by DRIVER` may still follow, so memory objects stay offered.
  if (spec.family === 'access' && index === 0) return accessTargetItems(scenario, offset, actor ?? 'driver');
  // A syscall's address may be a memory object in a step its driver makes (`madvise mem, … by
  // lvp`, sim/driver-address.ts); the `by` comes after it, so memory objects are offered.
  if (index === 0 && (DRIVER_ADDRESS_VERBS.has(spec.verb) || spec.verb === UFFD_VERB))
    return nameItems(scenario, offset, SYSCALL_ADDRESS_KINDS);
  return nameItems(scenario, offset, ADDRESS_KINDS);
}

/**
 * What an access by `actor` reaches (docs/language.md "Reads and writes"; sim/access-steps.ts
 * memoryTarget): the GPU (`device`) memory objects only, a driver a memory object through its
 * own pointer as well as addresses, any other actor CPU addresses only (`app writes mem` is
 * `wrong-kind`: it must map the memory first).
 */
/**
 * The names `actor` can read or write through: accessTargetKinds, and of the memory objects only a
 * driver's own (`lvp writes m` of radv's memory is wrong-kind: only radv has a pointer to it).
 */
function accessTargetItems(
  scenario: ScenarioAnalysis | undefined,
  offset: number,
  actor: string,
): CompletionItem[] {
  const items = nameItems(scenario, offset, accessTargetKinds(scenario, actor));
  if (!scenario?.run.drivers.has(actor)) return items;
  return items.filter((item) => {
    const value = scenario.run.simulation.symbols.symbolNamed(item.label)?.value;
    return value?.kind !== 'memory' || value.memory.driver.name === actor;
  });
}

function accessTargetKinds(scenario: ScenarioAnalysis | undefined, actor: string): readonly SymbolKind[] {
  if (actor === DEVICE_ACTOR) return ['memory'];
  if (actor === 'driver' || scenario?.run.drivers.has(actor)) return [...ADDRESS_KINDS, 'memory'];
  return ADDRESS_KINDS;
}

function optionValueCompletions(
  scenario: ScenarioAnalysis | undefined,
  spec: VerbSpec,
  option: string,
  offset: number,
  /** The step's tokens after the verb. */
  rest: readonly Token[],
): CompletionItem[] {
  switch (option) {
    case 'by': {
      // `madvise mem, … by |`: a memory object's address is its own driver's only; any other
      // actor is wrong-kind (sim/driver-address.ts), so that driver is the one actor offered.
      const owner = DRIVER_ADDRESS_VERBS.has(spec.verb) ? memoryDriverOf(scenario, rest[0]) : undefined;
      if (owner !== undefined) return [{ label: owner, kind: 'actor', detail: 'driver (its memory object)' }];
      // The GPU only reads and writes memory objects: a syscall or API call `by device` is
      // `wrong-kind` (sim/step-actor.ts).
      return spec.family === 'access'
        ? actorItems(scenario, offset)
        : actorItems(scenario, offset).filter((a) => a.label !== DEVICE_ACTOR);
    }
    case 'fd':
      return nameItems(scenario, offset, ['file']);
    case 'import':
      // A file from `open` is wrong-kind there (model/vulkan-layer.ts): offer exported fds only.
      return nameItems(scenario, offset, ['file'], 'vkGetMemoryFdKHR');
    case 'driver':
      return scenario
        ? [...scenario.run.drivers.keys()].map((d) => ({
            label: d,
            kind: 'actor' as const,
            detail: 'driver',
          }))
        : [];
    case 'size':
      // A size: `whole` is a word of the verb's own (`[size N] [whole]`), not a value of `size`.
      return nameItems(scenario, offset, ADDRESS_KINDS);
    default:
      return nameItems(scenario, offset, ADDRESS_KINDS);
  }
}

/**
 * The driver of the memory object a syscall's address starts with (`mem`, `mem + 0x1000`: the
 * first token), or undefined when it names no memory object.
 */
function memoryDriverOf(
  scenario: ScenarioAnalysis | undefined,
  token: Token | undefined,
): string | undefined {
  if (scenario === undefined || token?.kind !== 'ident') return undefined;
  const value = scenario.run.simulation.symbols.symbolNamed(token.text)?.value;
  return value?.kind === 'memory' ? value.memory.driver.name : undefined;
}

function unitsAfter(tokens: readonly Token[]): CompletionItem[] {
  const previous = tokens[tokens.length - 1];
  if (previous?.kind !== 'number' || /[A-Za-z]$/.test(previous.text.replace(/^0[xXbB]/, ''))) return [];
  return UNITS.map((u, i) => ({
    label: u,
    kind: 'unit' as const,
    detail: `${UNIT_BYTES[u]} bytes`,
    sortText: `0${i}`,
  }));
}

/** `16M|`: units for the letters glued to a number. */
/**
 * A unit glued to a number is replaced whole, also the letters after the cursor: `16M|iB` with
 * `KiB` accepted is `16KiB`, not `16KiBiB`. `unitEnd` is where those letters end.
 */
function unitCompletions(token: Token, lineStart: number, unitEnd: number): CompletionItem[] {
  const match = /^(\d[\d_]*(?:\.\d[\d_]*)?)([A-Za-z]*)$/.exec(token.text);
  if (!match) return [];
  const digits = match[1]!;
  const replace = { start: lineStart + token.start + digits.length, end: unitEnd };
  return UNITS.filter((u) => u !== 'B').map((u, i) => ({
    label: u,
    kind: 'unit' as const,
    detail: `${UNIT_BYTES[u]} bytes`,
    replace,
    sortText: `0${i}`,
  }));
}

/** The end of the run of letters that starts at `offset`. */
function lettersEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && /[A-Za-z]/.test(text[i]!)) i++;
  return i;
}

// ---- expectations ----

/** The `expect` statement whose keyword starts at `keywordStart`, as the parser read the line. */
function expectOnLine(node: ScenarioNode, keywordStart: number): ExpectNode | undefined {
  for (const s of node.body) if (s.kind === 'expect' && s.keyword.start === keywordStart) return s;
  return undefined;
}

function expectCompletions(
  scenario: ScenarioAnalysis | undefined,
  tokens: readonly Token[],
  offset: number,
  /** The line's parse: which form the comparison belongs to, and its subject. */
  expect: ExpectNode | undefined,
): CompletionItem[] {
  if (tokens.length === 0) {
    return [
      {
        label: 'read',
        kind: 'keyword',
        detail: 'expect read ADDRESS, LENGTH == VALUE',
        documentation: 'What `host` reads there.',
      },
      { label: 'mapped', kind: 'keyword', detail: 'expect mapped ADDRESS[, LENGTH]' },
      { label: 'unmapped', kind: 'keyword', detail: 'expect unmapped ADDRESS[, LENGTH]' },
      {
        label: 'diagnostic',
        kind: 'keyword',
        detail: 'expect diagnostic CODE',
        documentation:
          'The step just above, or an expect line between it and this one, has this diagnostic: the hazard is documented, not hidden.',
      },
      ...actorItems(scenario, offset),
      ...nameItems(scenario, offset, ['mapping', 'pointer', 'memory', 'result', 'data', 'file']),
    ];
  }
  const first = tokens[0]!;
  if (first.text === 'diagnostic' && tokens.length === 1) {
    return RULES.map((r) => ({
      label: r.code,
      kind: 'rule' as const,
      detail: `${r.family}, ${r.severity}`,
      documentation: r.title,
    }));
  }
  if (tokens.length === 1 && isActorName(scenario, first.text))
    return [
      { label: 'reads', kind: 'keyword', detail: `expect ${first.text} reads ADDRESS, LENGTH == VALUE` },
    ];
  const comparison = tokens.findIndex((t) => t.kind === 'eq' || t.kind === 'neq');
  if (comparison >= 0) {
    if (comparison !== tokens.length - 1) return [];
    return comparedValues(scenario, expect?.expectation, offset);
  }
  // `expect device reads …` / `expect radv reads mem …`: what that actor reaches; `expect read`
  // and the address forms (`expect mapped …`) take CPU addresses.
  const reader = tokens[1]?.text === 'reads' ? first.text : 'host';
  // After `+`, `-`, `*` or `,`: an offset or a length, which a memory object cannot be.
  const previous = tokens[tokens.length - 1]?.kind;
  if (previous === 'plus' || previous === 'minus' || previous === 'star' || previous === 'comma')
    return nameItems(scenario, offset, ADDRESS_KINDS);
  return [...accessTargetItems(scenario, offset, reader), ...unitsAfter(tokens)];
}

/**
 * What the value after `==` / `!=` may be in this form, as sim/expectations.ts checks it
 * (docs/language.md, Expectations); anything else there is an error:
 * - `expect [ACTOR] read(s) ADDRESS, LENGTH ==`: `zero`, a fault, or a write's data (a byte too,
 *   which is typed, not completed); an address is number-out-of-range, an outcome unknown-name.
 * - `expect NAME ==`, NAME a step's: the step's outcome (an errno, an API result, `ok`), or an
 *   address; `zero` and a write's name are errors there.
 * - `expect EXPR ==`, any other subject: an address only (an outcome word is wrong-kind).
 */
function comparedValues(
  scenario: ScenarioAnalysis | undefined,
  form: ExpectForm | undefined,
  offset: number,
): CompletionItem[] {
  const word = (name: string): CompletionItem => ({
    label: name,
    kind: 'value',
    documentation: EXPECT_WORDS.find((w) => w.name === name)?.doc,
  });
  if (form?.form === 'read')
    return [...['zero', 'SIGSEGV', 'SIGBUS'].map(word), ...nameItems(scenario, offset, ['data'])];
  if (form?.form !== 'value') return [];
  const addresses = nameItems(scenario, offset, ADDRESS_KINDS);
  const subject = form.subject?.kind === 'name' ? form.subject.name : undefined;
  if (subject === undefined) return addresses;
  const symbol = scenario?.run.simulation.symbols.get(subject);
  // Without a run the subject's kind is unknown: every outcome word may fit.
  if (
    scenario &&
    (symbol?.stepIndex === undefined || !symbol.definition || symbol.definition.start >= offset)
  )
    return addresses;
  const record =
    symbol?.stepIndex !== undefined ? scenario?.run.simulation.records[symbol.stepIndex] : undefined;
  // A Vulkan command declared void returns no VkResult: comparing it with one is wrong-kind.
  const noVkResult = record !== undefined && vkSuccessOf(record) === 'void';
  // Only an access faults (its outcome is SIGSEGV or SIGBUS, `expect w == SIGSEGV`); the checker
  // lets any step be compared with a signal, but for the others it can never hold.
  const faults =
    record === undefined || VERB_BY_NAME.get(canonicalVerb(record.node.verbName))?.family === 'access';
  return [
    ...ERRNO_NAMES.map((e) => ({ label: e, kind: 'value' as const, detail: 'errno' })),
    ...VK_RESULT_NAMES.filter((e) => !(noVkResult && e.startsWith('VK_'))).map((e) => ({
      label: e,
      kind: 'value' as const,
      detail: 'VkResult',
    })),
    word('ok'),
    ...(faults ? ['SIGSEGV', 'SIGBUS'].map(word) : []),
    ...addresses,
  ];
}
