// Hover: compact markdown about what is under the cursor — a number or address expression (its
// value, alignment, window, what is mapped there at that step), a name (its life), a step's verb
// (what it expanded to and returned), or a word of the language (its documentation and source).
import { expectationHeld, type DocumentAnalysis, type ScenarioAnalysis } from '../analysis';
import { effectPages } from '../kernel/effect-pages';
import type { Effect, KernelConfig } from '../kernel/types';
import { hugePageSizes } from '../kernel/config';
import { pageUnitNote } from './page-unit';
import {
  canonicalVerb,
  BUILTIN_ACTORS,
  DRIVER_TRAITS,
  SETTING_BY_NAME,
  EXPECT_WORDS,
  TRAIT_BY_NAME,
  VERB_BY_NAME,
  VK_RESULT_NAMES,
  type WordDoc,
} from '../language/vocabulary';
import { ERRNO_NUMBER, type Errno } from '../kernel/types';
import { addressReached } from '../sim/step-actor';
import { rulesKernel } from '../sim/platform';
import {
  formatWineVersion,
  NEWEST_WINE_READ,
  wineCopiesGlInUnixLib,
  wineFreesImports,
  wineHasGlVulkanBuffers,
  wineHasPlacedMaps,
  wineNewerThanModel,
  wineText,
} from '../sim/wine-version';
import { formatDecimal, formatHex, formatSize, truncate32 } from '../numbers';
import { RULE_BY_CODE, ruleDocUrl } from '../rules/registry';
import { ownCalls } from '../sim/own-calls';
import type { CallRecord, StepRecord } from '../sim/records';
import type { ScenarioRun } from '../sim/run';
import { layerActor } from '../model/layer-actors';
import type { ExpectNode, Expression, NameExpression, Statement, StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import { locate, stepIndexAt, type Target, type ValueRole } from './locate';
import { backingText, vmaContaining, vmaEnd, vmaLabel, vmaStart } from './mappings';
import { mappingPastWindowText } from './mapping-past-window';
import { WINE_USER_SHARED_DATA, WINE_USER_SHARED_DATA_LABEL } from '../sim/wine-user-shared-data';
import { vmaPermsText } from '../kernel/prot-text';
import { stepsTouching } from './range-events';
import { nameExpressionsIn } from '../syntax/name-uses';
import { closeOfFile, evaluateIn, memoryOfName, symbolOf } from './values';
import { checksAmdgpuDomains } from '../model/amdgpu-domains';
import { codeSpan, escapeMarkdown, proseMarkdown } from '../../../../protocol/markdown';

export interface HoverResult {
  readonly markdown: string;
  readonly range: TextRange;
}

const code = codeSpan;

export function hoverAt(analysis: DocumentAnalysis, offset: number): HoverResult | undefined {
  const { scenario, statement, target } = locate(analysis, offset);
  if (!scenario || !target) return undefined;
  const ctx: HoverContext = {
    analysis,
    scenario,
    run: scenario.run,
    stepNode: statement?.kind === 'step' ? statement : undefined,
    statement,
    offset,
  };
  const markdown = hoverTarget(ctx, target);
  return markdown ? { markdown, range: rangeOf(target) } : undefined;
}

interface HoverContext {
  readonly analysis: DocumentAnalysis;
  readonly scenario: ScenarioAnalysis;
  readonly run: ScenarioRun;
  /** The step the cursor is in, if any. */
  readonly stepNode: StepNode | undefined;
  /** The statement the cursor is in, if any. */
  readonly statement: Statement | undefined;
  readonly offset: number;
}

function rangeOf(target: Target): TextRange {
  switch (target.kind) {
    case 'expression':
      return target.outer;
    case 'name':
      return target.range;
    case 'verb':
      return target.step.verb;
    case 'word':
      return target.word;
    case 'setting':
      return target.setting.keyword;
    case 'trait':
      return target.trait.keyword;
    case 'option':
      return target.option.keyword;
    case 'keyword':
      return target.keyword;
    case 'rule-code':
      return target.code;
  }
}

function hoverTarget(ctx: HoverContext, target: Target): string | undefined {
  switch (target.kind) {
    case 'expression':
      return expressionHover(ctx, target.outer, target.focus, target.role);
    case 'name':
      // A memory object standing for its driver's address (`madvise mem, … by lvp`) is an address there.
      if (target.role === 'reference' && ctx.run.simulation.driverAddresses?.has(target.range as Expression))
        return expressionHover(ctx, target.range as Expression, target.range as Expression, 'address');
      return nameHover(ctx, target.name, target.role);
    case 'verb':
      return stepHover(ctx, target.step);
    case 'word':
      return wordHover(target);
    case 'setting': {
      const spec = SETTING_BY_NAME.get(target.setting.keyword.name);
      if (!spec) return undefined;
      const lines = [`**${spec.keyword}** (setting) — ${spec.doc}`];
      if (spec.keyword === 'strategy') lines.push(`Now: ${code(ctx.run.simulation.platform.strategy)}`);
      if (spec.keyword === 'window' || spec.keyword === 'large-address-aware') {
        const w = ctx.run.simulation.platform.window;
        lines.push(
          `Window: ${code(formatHex(w.start))} .. ${code(formatHex(w.end))} (${formatSize(w.end - w.start)})`,
        );
      }
      if (spec.keyword === 'kernel') lines.push(`Simulating ${kernelText(ctx.run)}`);
      if (spec.keyword === 'wine') lines.push(`Simulating ${wineBehaviour(ctx.run)}`);
      lines.push(`Example: ${code(spec.example)}`);
      return lines.join('\n\n');
    }
    case 'trait': {
      if (target.trait.keyword.name === 'any' && target.trait.words.length === 0)
        return "**any** (open traits) — every trait of this driver is left open: `drvmap explore` runs the scenario under each combination of their values; the analysis uses the defaults (or the preset's). A later line that sets a trait closes it again. docs/explore.md";
      const spec = TRAIT_BY_NAME.get(target.trait.keyword.name);
      if (!spec) return undefined;
      return [
        `**${spec.keyword}** (driver trait) — ${spec.doc}`,
        `Source: ${spec.source}`,
        `Example: ${code(spec.example)}`,
      ].join('\n\n');
    }
    case 'option': {
      const spec = VERB_BY_NAME.get(canonicalVerb(target.step.verb.name));
      const doc = spec?.options.find((o) => o.name === target.option.keyword.name);
      return doc ? `**${doc.name}** (option of ${code(spec?.verb ?? '')}) — ${doc.doc}` : undefined;
    }
    case 'keyword':
      if (target.keyword.name === 'expect' && ctx.statement?.kind === 'expect')
        return [expectVerdict(ctx, ctx.statement), keywordHover('expect')].filter(Boolean).join('\n\n');
      return keywordHover(target.keyword.name);
    case 'rule-code': {
      const rule = RULE_BY_CODE.get(target.code.name);
      return rule
        ? `**${rule.code}** (${rule.family}, ${rule.severity}) — ${rule.title}\n\n[Documentation](${ruleDocUrl(rule.code)})`
        : undefined;
    }
  }
}

function keywordHover(name: string): string | undefined {
  switch (name) {
    case 'scenario':
      return '**scenario** `"name" { … }` — one simulated process: settings, drivers, steps and expectations, run top to bottom.';
    case 'driver':
      return '**driver** `NAME { traits }` — a GPU driver and the behaviour that decides whether a strategy survives.';
    case 'actor':
      return '**actor** `NAME` — declares another actor (a thunk library, an emulator) that can make calls with `by NAME`.';
    case 'expect':
      return '**expect** — an expectation checked at this point: `expect a == 0x1000`, `expect b == EINVAL`, `expect read a, 1 == 0xAB`, `expect mapped a`, `expect diagnostic CODE`.';
  }
  return undefined;
}

// ---- numbers and addresses ----

function expressionHover(
  ctx: HoverContext,
  outer: Expression,
  focus: Expression,
  role: ValueRole,
): string | undefined {
  const run = ctx.run;
  if (role === 'wine-version' && outer.kind === 'number') {
    return `**Wine ${outer.text}** — the Wine release whose WOW64 Vulkan and OpenGL mapping applies (simulating ${wineBehaviour(run)}).`;
  }
  if (role === 'version' && outer.kind === 'number') {
    return `**Linux ${outer.text}** — the kernel whose rules apply (simulating ${kernelText(run)}). 5.7 adds MREMAP_DONTUNMAP, 5.13 extends it to shared mappings.`;
  }
  const lines: string[] = [];
  const show = (e: Expression, heading: boolean) => {
    const evaluated = evaluateIn(run, e);
    const text = ctx.analysis.text.slice(e.start, e.end);
    if (evaluated.value === undefined) {
      lines.push(`${code(text)}: no value — ${proseMarkdown(evaluated.why ?? 'not computable')}`);
      return undefined;
    }
    const isLiteral = e.kind === 'number' && text === formatHex(evaluated.value);
    lines.push(
      `${heading && !isLiteral ? `${code(text)} = ` : ''}${numberFacts(evaluated.value, e.kind === 'number' && e.unit ? 'size' : role, run.simulation.platform.kernel)}`,
    );
    return evaluated.value;
  };
  const value = driverAddress(ctx, outer, lines) ?? show(outer, true);
  if (focus !== outer && focus.kind !== 'name') {
    const text = ctx.analysis.text.slice(focus.start, focus.end);
    const evaluated = evaluateIn(run, focus);
    if (evaluated.value !== undefined)
      lines.push(
        `${code(text)} = ${code(formatHex(evaluated.value))} (${formatDecimal(evaluated.value)}${evaluated.value >= 1024n ? `, ${formatSize(evaluated.value)}` : ''})`,
      );
  }
  const pageNote = pageUnitNote(outer, run.simulation.platform.kernel.pageSize);
  if (pageNote !== undefined) lines.push(pageNote);
  if (value !== undefined && role === 'address') {
    lines.push(...windowFacts(run, value));
    const actor = accessingActor(ctx);
    const reached = actor === undefined ? value : addressReached(actor, value);
    if (actor !== undefined && reached !== value) {
      // 32-bit code holds only the low 32 bits of the pointer: that is where the access goes.
      lines.push(
        `**${escapeMarkdown(actor)}** reaches ${code(formatHex(reached))} (a 32-bit pointer keeps the low 32 bits)`,
      );
      lines.push(...mappedFacts(ctx, reached));
      lines.push(...mappedFacts(ctx, value).map((l) => `At the 64-bit address: ${l}`));
    } else lines.push(...mappedFacts(ctx, value));
    lines.push(...movedNames(ctx, outer));
  }
  return lines.join('\n\n');
}

/**
 * `mem + 0x10` in a raw syscall step its driver makes (`madvise mem, 1MiB, dontneed by lvp`): the
 * driver's own CPU address the run resolved it to (sim/driver-address.ts), shown as an address.
 */
function driverAddress(ctx: HoverContext, expression: Expression, lines: string[]): bigint | undefined {
  const address = ctx.run.simulation.driverAddresses?.get(expression)?.address;
  if (address === undefined) return undefined;
  const text = ctx.analysis.text.slice(expression.start, expression.end);
  const actor = ctx.stepNode ? stepActorName(ctx.stepNode) : undefined;
  lines.push(
    `${code(text)} = ${actor ? `${escapeMarkdown(actor)}'s` : "the driver's"} own CPU address: ${numberFacts(address, 'address', ctx.run.simulation.platform.kernel)}`,
  );
  return address;
}

/** The actor a step names (`lvp writes …`, `… by lvp`), if it names one. */
function stepActorName(step: StepNode): string | undefined {
  const by = step.options.find((o) => o.keyword.name === 'by')?.value;
  return step.actor?.name ?? (by?.kind === 'name' ? by.name : undefined);
}

/** `Linux 6.6`, or `Linux 7.2 with 6.19's rules` for a kernel newer than the rules. */
function kernelText(run: ScenarioRun): string {
  const v = run.simulation.platform.kernel.version;
  const rules = rulesKernel(v);
  return rules === v
    ? `Linux ${v.major}.${v.minor}`
    : `Linux ${v.major}.${v.minor} with ${rules.major}.${rules.minor}'s rules, the newest drvmap follows`;
}

/**
 * `Wine 10.15: …` with what that release does where drvmap's model depends on it (sim/wine-version.ts):
 * the placed path (9.4), the release of a host import's window space (before 10.15), the GL
 * copy (the Unix lib's from 10.15) and the Vulkan-backed GL buffers (10.18).
 */
function wineBehaviour(run: ScenarioRun): string {
  const { wine, wineSource } = run.simulation.platform;
  const placed = wineHasPlacedMaps(wine)
    ? 'places maps (VK_EXT_map_memory_placed, from 9.4)'
    : 'has no placed maps (they came in 9.4): `placed` and `mmap32` import host memory or map directly';
  const release = wineFreesImports(wine)
    ? "vkFreeMemory gives a host import's window space back (dlls/winevulkan, before 10.15)"
    : "vkFreeMemory never gives a host import's window space back (dlls/win32u from 10.15: vm_map stays NULL)";
  const glCopy = wineCopiesGlInUnixLib(wine)
    ? 'the GL copy is buffer_vm_alloc in the Unix lib (from 10.15)'
    : "the GL copy keeps its 32-bit pointer in the buffer's first 4 mapped bytes (before 10.15)";
  const glVulkan = wineHasGlVulkanBuffers(wine)
    ? 'persistent GL buffers are Vulkan-backed on a driver with placed maps (from 10.18)'
    : 'no Vulkan-backed GL buffers (they came in 10.18): a persistent GL map that does not fit fails';
  const newer = wineNewerThanModel(wine)
    ? ` (newer than the Wine source drvmap follows: simulated with ${formatWineVersion(NEWEST_WINE_READ)}'s behaviour)`
    : '';
  return `${wineText(wine, wineSource)}${newer}: ${placed}; ${release}; ${glCopy}; ${glVulkan}`;
}

/** The actor that reads or writes the address at the cursor: an access step's, a read expectation's. */
function accessingActor(ctx: HoverContext): string | undefined {
  const statement = ctx.statement;
  if (statement?.kind === 'expect') {
    const e = statement.expectation;
    return e.form === 'read' ? (e.actor?.name ?? 'host') : undefined;
  }
  if (statement?.kind !== 'step') return undefined;
  if (VERB_BY_NAME.get(canonicalVerb(statement.verb.name))?.family !== 'access') return undefined;
  return stepActorName(statement) ?? 'host';
}

/**
 * The names in an address expression whose memory moved, was emptied or unmapped before the
 * state the hover reads: `a + 0x10` after `mremap a … dontunmap` is an empty range, not `a`'s data.
 */
function movedNames(ctx: HoverContext, expression: Expression): string[] {
  const { step } = stateStep(ctx);
  const out: string[] = [];
  for (const { name } of nameExpressionsIn(expression, [] as NameExpression[])) {
    const symbol = symbolOf(ctx.run, name);
    const record = symbol?.stepIndex !== undefined ? ctx.run.simulation.records[symbol.stepIndex] : undefined;
    if (!record) continue;
    // What happened after the name's own step (its allocation and mapping are what it names).
    const events = lifeOf(ctx, name, record, step, record.index);
    if (events.length) out.push(`Since ${code(name)} was made:\n${events.map((e) => `- ${e}`).join('\n')}`);
  }
  return out;
}

/**
 * Whether the expectation at the cursor held, with what the trace shows for it: the calls its
 * check made (a read that faulted pages in through a userfaultfd handler).
 */
function expectVerdict(ctx: HoverContext, node: ExpectNode): string | undefined {
  const record = ctx.run.simulation.expects.find((r) => r.node === node);
  if (!record) return undefined;
  const held = expectationHeld(ctx.scenario, record);
  const verdict = held === true ? '✓ **Held**' : held === false ? '✗ **Failed**' : '**Not checked**';
  const text = `${verdict}${record.detail ? `: ${proseMarkdown(record.detail)}` : ''}`;
  return record.calls.length ? `${text}\n\nIts check made:\n${callList(record.calls)}` : text;
}

/** Calls as a list, the first 12: actor, call, result, and why a refused one was refused. */
function callList(calls: readonly CallRecord[]): string {
  return (
    calls
      .slice(0, 12)
      .map(
        (c) =>
          `- ${escapeMarkdown(c.actor)}: ${code(c.text)}${c.result ? ` ${code(c.result)}` : ''}${!c.ok && c.reason ? ` — ${proseMarkdown(c.reason)}` : ''}`,
      )
      .join('\n') + (calls.length > 12 ? `\n- … ${calls.length - 12} more calls` : '')
  );
}

/**
 * The alignments that decide something here, largest first: the huge page sizes of this kernel's
 * page geometry (hugePageSizes: 1 GiB and 2 MiB on x86-64; PMD_SIZE is 32 MiB with arm64's 16 KiB
 * pages and 512 MiB with 64 KiB ones), which THP, hugetlb and drivers' large-BO alignment use, and
 * 64 KiB (Wine's allocation granularity, the placed-map limit).
 */
function notedAlignments(geometry: Pick<KernelConfig, 'arch' | 'pageSize'>): bigint[] {
  const sizes = new Set([...hugePageSizes(geometry), 64n << 10n]);
  return [...sizes].filter((a) => a > geometry.pageSize).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
}

export function numberFacts(
  value: bigint,
  role: ValueRole,
  geometry: Pick<KernelConfig, 'arch' | 'pageSize'>,
): string {
  const pageSize = geometry.pageSize;
  const parts = [`${code(formatHex(value))}`, formatDecimal(value)];
  if (value >= 1024n && role !== 'value') parts.push(formatSize(value));
  const alignment: string[] = [];
  if (role !== 'value' && value !== 0n) {
    const page = pageSize === 4096n ? 'page' : `${formatSize(pageSize)} page`;
    const largest = notedAlignments(geometry).find((a) => value % a === 0n);
    if (value % pageSize !== 0n) alignment.push(`not ${page}-aligned (+${formatHex(value % pageSize)})`);
    else if (largest !== undefined) alignment.push(`${formatSize(largest)}-aligned`);
    else if (pageSize < 65536n) alignment.push(`${page}-aligned, not 64 KiB-aligned`);
    else alignment.push(`${page}-aligned`);
  }
  return parts.join(' · ') + (alignment.length ? ` · ${alignment.join(', ')}` : '');
}

function windowFacts(run: ScenarioRun, value: bigint): string[] {
  const { start, end } = run.simulation.platform.window;
  const window = `${code(formatHex(start))}..${code(formatHex(end))}`;
  if (value >= start && value < end) {
    const inside = `Inside the 32-bit window ${window} (${formatSize(end - value)} below its end)`;
    // Not a mapping drvmap makes, but no allocation of Wine's lands here (sim/wine-user-shared-data.ts).
    const usd = run.simulation.userSharedData;
    return usd !== undefined && value >= usd[0] && value < usd[1]
      ? [
          inside,
          `${WINE_USER_SHARED_DATA_LABEL} (${code(formatHex(WINE_USER_SHARED_DATA))}, Wine's from process start): no window allocation of Wine's covers ${code(formatHex(usd[0]))}..${code(formatHex(usd[1]))}`,
        ]
      : [inside];
  }
  // The end is exclusive (docs/language.md): the end itself is the first address outside.
  const by =
    value < start
      ? `${formatSize(start - value)} below its start`
      : value === end
        ? 'at its end (the end is exclusive)'
        : `${formatSize(value - end)} past its end`;
  return [
    `**Outside** the 32-bit window ${window}, ${by}; truncated to 32 bits: ${code(formatHex(truncate32(value)))}`,
  ];
}

/** The step whose state an address at the cursor is read against, and how to say it. */
function stateStep(ctx: HoverContext): { step: number; when: string } {
  const records = ctx.run.simulation.records;
  if (ctx.stepNode) {
    const index = ctx.run.stepByOffset.get(ctx.stepNode.start);
    if (index !== undefined) return { step: index - 1, when: `before step ${index + 1}` };
  }
  const step = stepIndexAt(ctx.scenario, ctx.offset);
  return step < 0
    ? { step: -1, when: 'before step 1' }
    : { step, when: `after step ${step + 1}${records[step] ? '' : ''}` };
}

function mappedFacts(ctx: HoverContext, value: bigint): string[] {
  const { step, when } = stateStep(ctx);
  const vma = vmaContaining(ctx.run, step, value);
  if (!vma) return [`Nothing mapped there ${when}`];
  return [`Mapped ${when}: ${describeVma(ctx, vma)}`];
}

function describeVma(ctx: HoverContext, vma: import('../kernel/types').Vma): string {
  const run = ctx.run;
  const start = vmaStart(run, vma);
  const end = vmaEnd(run, vma);
  const made = vma.createdStep >= 0 ? run.simulation.records[vma.createdStep] : undefined;
  const where = made
    ? `step ${vma.createdStep + 1} (line ${ctx.analysis.lines.position(made.node.start).line + 1})`
    : 'set-up';
  return `${code(formatHex(start))}..${code(formatHex(end))} (${formatSize(end - start)}) ${code(vmaPermsText(vma))}, ${code(backingText(vma))}, **${escapeMarkdown(vmaLabel(vma))}** of ${escapeMarkdown(vma.owner)}, made at ${where}`;
}

// ---- names ----

function nameHover(ctx: HoverContext, name: string, role: string): string | undefined {
  const run = ctx.run;
  const builtin =
    BUILTIN_ACTORS.find((a) => a.name === name) ?? layerActor(run.simulation.platform.strategy, name);
  const driver = run.drivers.get(name);
  if (driver && (role === 'driver' || role === 'actor' || role === 'reference')) {
    const traits = [
      `maps ${driver.maps}`,
      `backing ${driver.backing}`,
      driver.cachesPointer ? 'caches-pointer' : 'keeps no pointer',
      ...(driver.fixedMapping ? ['fixed-mapping (its CPU mapping is the GPU address)'] : []),
      `reuses ${driver.reuses}`,
      driver.placed.supported
        ? `placed-map ${formatSize(driver.placed.alignment)}${driver.placed.rangePlaced ? ' range-placed' : ''}${driver.placed.unmapReserve ? '' : ' no-unmap-reserve'}`
        : 'no placed maps',
      `mmap via ${driver.mmapVia}`,
    ];
    traits.push(driver.externalMemoryHost ? 'external-memory-host' : 'no external-memory-host');
    if (driver.traitSources.has('gl-client-pointer'))
      traits.push(
        driver.backing === 'anon' ? 'gl-client-pointer (cannot hold: backing anon)' : 'gl-client-pointer',
      );
    if (driver.alignment > 4096n) traits.push(`alignment ${formatSize(driver.alignment)}`);
    if (driver.internalMappings > 0n) traits.push(`internal-mappings ${formatSize(driver.internalMappings)}`);
    traits.push(`non-coherent-atom ${driver.nonCoherentAtomSize}`);
    // amdgpu's domain sizes: only a driver whose memory is amdgpu BOs checks a BO against them.
    if (checksAmdgpuDomains(driver))
      traits.push(`vram ${formatSize(driver.vramSize)}`, `gtt ${formatSize(driver.gttSize)}`);
    const open = [...(driver.openTraits ?? [])].filter((t) => !t.startsWith('!'));
    const openText = open.length
      ? `\n\nLeft open for exploration: ${open.includes('*') ? 'every trait' : open.map((t) => code(t)).join(', ')} (the analysis uses the values above)`
      : '';
    return `**${escapeMarkdown(name)}** (driver) — ${traits.join(' · ')}${openText}`;
  }
  if (builtin && !symbolOf(run, name)) return `**${escapeMarkdown(name)}** (actor) — ${builtin.doc}`;
  if (name === 'driver' && (role === 'actor' || role === 'expect-word'))
    return `**driver** (actor) — the scenario's driver`;
  const symbol = symbolOf(run, name);
  if (!symbol) return resultWordHover(name) ?? `**${escapeMarkdown(name)}** — not defined in this scenario`;
  if (symbol.kind === 'actor')
    return `**${escapeMarkdown(name)}** (actor) — declared on line ${line(ctx, symbol.definition?.start ?? 0)}`;
  const lines: string[] = [];
  const record = symbol.stepIndex !== undefined ? run.simulation.records[symbol.stepIndex] : undefined;
  const head = `**${escapeMarkdown(name)}** (${symbolKindText(run, symbol)})`;
  if (record) {
    lines.push(
      `${head} — step ${record.index + 1}, line ${line(ctx, record.node.start)}: ${code(record.node.text.replace(/\s+/g, ' '))}${record.resultText ? ` ${code(record.resultText)}` : ''}`,
    );
  } else lines.push(head);
  const life = lifeOf(ctx, name, record);
  if (life.length) lines.push(life.map((l) => `- ${l}`).join('\n'));
  if (record?.outcome.kind === 'address') {
    const value = record.outcome.value;
    lines.push(numberFacts(value, 'address', run.simulation.platform.kernel));
    lines.push(...windowFacts(run, value));
    const past = mappingPastWindowText(ctx.scenario, record, value);
    if (past !== undefined) lines.push(past);
    if (role === 'reference') lines.push(...mappedFacts(ctx, value));
  }
  lines.push(`${symbol.references.length} reference${symbol.references.length === 1 ? '' : 's'}`);
  return lines.join('\n\n');
}

/**
 * What kind of thing a name is. An fd from vkGetMemoryFdKHR says which: its handle type, its
 * number, whose buffer object, and whether an import took it (the driver closes it then).
 */
function symbolKindText(run: ScenarioRun, symbol: NonNullable<ReturnType<typeof symbolOf>>): string {
  const exported =
    symbol.kind === 'file' && symbol.stepIndex !== undefined
      ? run.vulkan.exportedFdAt(symbol.stepIndex)
      : undefined;
  if (exported === undefined) return symbol.kind;
  const what = `${exported.dmaBuf ? 'dma-buf' : 'opaque'} fd ${exported.fd.fd} of ${escapeMarkdown(exported.memory.name)}'s buffer object`;
  const taken = exported.takenBy;
  return taken === undefined
    ? what
    : `${what}; closed: the import into ${escapeMarkdown(taken.name)} at step ${taken.allocStep + 1} took it`;
}

function line(ctx: HoverContext, offset: number): number {
  return ctx.analysis.lines.position(offset).line + 1;
}

const MAX_LIFE_EVENTS = 8;

/**
 * What happened to a name's memory, step by step: in steps after `after` up to step `until`
 * (0-based, when given).
 */
function lifeOf(
  ctx: HoverContext,
  name: string,
  record: StepRecord | undefined,
  until = Number.POSITIVE_INFINITY,
  after = -1,
): string[] {
  const run = ctx.run;
  const memory = memoryOfName(run, name) ?? memoryMappedBy(run, record);
  const events: string[] = [];
  if (memory) {
    for (const h of memory.history)
      if (h.step > after && h.step <= until) events.push(`step ${h.step + 1}: ${proseMarkdown(h.text)}`);
  }
  if (record?.outcome.kind === 'address') {
    const vma = vmaContaining(run, record.index, record.outcome.value);
    if (vma) {
      const startPage = vma.startPage;
      const endPage = vma.endPage;
      if (record.index > after)
        events.push(
          `step ${record.index + 1}: created ${code(formatHex(vmaStart(run, vma)))}..${code(formatHex(vmaEnd(run, vma)))} by ${escapeMarkdown(vma.owner)}`,
        );
      const records = run.simulation.records;
      // Only the steps that touched the range (range-events.ts): walking every later record made
      // each hover linear in the run. Each such step adds an event, so 2 × MAX + 1 of them suffice.
      for (const i of stepsTouching(
        records,
        startPage,
        endPage,
        Math.max(record.index, after),
        until,
        MAX_LIFE_EVENTS * 2 + 1,
      )) {
        const later = records[i]!;
        for (const call of later.calls) {
          for (const effect of call.effects) {
            const what = effectTouching(effect, startPage, endPage, run);
            if (what) events.push(`step ${later.index + 1}: ${what} (${code(call.text)})`);
          }
        }
        if (events.length > MAX_LIFE_EVENTS * 2) break;
      }
    }
  }
  const closed = closeOfFile(run, name);
  if (closed !== undefined && closed.step > after && closed.step <= until) {
    const closing = run.simulation.records[closed.step];
    const where = closing ? `, line ${line(ctx, closing.node.start)}` : '';
    events.push(`step ${closed.step + 1}${where}: closed: ${proseMarkdown(closed.by)}`);
  }
  const unique = [...new Set(events)];
  return unique.length > MAX_LIFE_EVENTS
    ? [...unique.slice(0, MAX_LIFE_EVENTS), `… ${unique.length - MAX_LIFE_EVENTS} more`]
    : unique;
}

function memoryMappedBy(run: ScenarioRun, record: StepRecord | undefined) {
  if (!record || !/^vkMapMemory2?$/.test(canonicalVerb(record.node.verb.name))) return undefined;
  const arg = record.node.args[0];
  return arg?.kind === 'name' ? memoryOfName(run, arg.name) : undefined;
}

function effectTouching(
  effect: Effect,
  startPage: number,
  endPage: number,
  run: ScenarioRun,
): string | undefined {
  // The same pages the index files (range-events.ts).
  const [from, to] = effectPages(effect);
  if (!(from < endPage && startPage < to)) return undefined;
  const hex = (page: number) => code(formatHex(run.simulation.addressOfPage(page)));
  switch (effect.kind) {
    case 'mapped':
      return `mapped over by ${escapeMarkdown(effect.vma.owner)}`;
    case 'unmapped':
      return 'unmapped';
    case 'replaced':
      return 'replaced';
    case 'moved':
      return `moved to ${hex(effect.toPage)}`;
    case 'emptied':
      return `emptied${effect.aliasOfNew ? ' (now an alias of the new range)' : ' (pages moved away; the next touch reads zeros)'}`;
    case 'aliased':
      return `aliased at ${hex(effect.startPage)}`;
    case 'protected':
      return 'protection changed';
  }
}

// ---- steps ----

function stepHover(ctx: HoverContext, step: StepNode): string | undefined {
  const run = ctx.run;
  const verbName = canonicalVerb(step.verb.name);
  const spec = VERB_BY_NAME.get(verbName);
  const lines: string[] = [
    spec ? `**${spec.verb}** — ${spec.doc}` : `**${escapeMarkdown(step.verb.name)}** — not a command`,
  ];
  const index = run.stepByOffset.get(step.start);
  const record = index !== undefined ? run.simulation.records[index] : undefined;
  if (!record) {
    lines.push('Not simulated.');
    return lines.join('\n\n');
  }
  lines.push(`Step ${record.index + 1}, by ${escapeMarkdown(record.actor)}`);
  // Calls an expectation or device creation made after the step are not the step's.
  const calls = ownCalls(run.simulation, record.index, record.calls);
  if (calls.length) lines.push(callList(calls));
  lines.push(outcomeLine(record));
  return lines.join('\n\n');
}

function outcomeLine(record: StepRecord): string {
  const o = record.outcome;
  switch (o.kind) {
    case 'address':
      return `Result: ${code(formatHex(o.value))}`;
    case 'ok':
      return 'Result: ok';
    case 'errno':
      return `Result: **${o.errno}** — ${proseMarkdown(o.reason)}`;
    case 'vk':
      return o.result === 'VK_SUCCESS'
        ? 'Result: VK_SUCCESS'
        : `Result: **${o.result}** — ${proseMarkdown(o.reason)}`;
    case 'data':
      return `Result: ${proseMarkdown(o.summary || 'done')}`;
    case 'fault':
      return `Result: **${o.signal}** at ${code(formatHex(o.address))} — ${proseMarkdown(o.reason)}`;
    case 'skipped':
      return `Not run: ${proseMarkdown(o.reason)}`;
  }
}

// ---- words ----

function wordHover(target: Extract<Target, { kind: 'word' }>): string | undefined {
  const owner = target.owner;
  const name = target.word.name;
  let doc: WordDoc | undefined;
  let what = '';
  if (owner.kind === 'step') {
    const spec = VERB_BY_NAME.get(canonicalVerb(owner.verb.name));
    for (const g of spec?.wordGroups ?? []) {
      const found = g.words.find((x) => x.name === name);
      if (found) {
        doc = found;
        what = g.group;
        break;
      }
    }
  } else if (owner.kind === 'setting') {
    const spec = SETTING_BY_NAME.get(owner.keyword.name);
    doc = spec?.words?.find((x) => x.name === name);
    what = owner.keyword.name;
  } else {
    const spec =
      TRAIT_BY_NAME.get(owner.keyword.name) ?? DRIVER_TRAITS.find((t) => t.keyword === owner.keyword.name);
    doc = spec?.words?.find((x) => x.name === name);
    what = `${owner.keyword.name} trait`;
  }
  if (!doc && name === 'any' && owner.kind === 'trait')
    return `**any** (open trait) — ${code(owner.keyword.name)} is left open: \`drvmap explore\` runs the scenario under each of its values; the analysis uses the default (or the preset's). docs/explore.md`;
  if (!doc) return `**${escapeMarkdown(name)}** — not a known word here`;
  return `**${doc.name}** (${what}) — ${doc.doc}${doc.source ? `\n\nSource: ${doc.source}` : ''}`;
}

/** Which API a result name belongs to, and what `expect NAME == RESULT` holds for. */
function apiResultHover(name: string): string {
  if (name === 'VK_SUCCESS')
    return 'Vulkan result) — what a Vulkan command that returns a VkResult answers when it succeeds: `expect NAME == VK_SUCCESS` holds for a successful vkAllocateMemory, vkMapMemory (whose result is the pointer), vkGetMemoryFdKHR, vkFlushMappedMemoryRanges…; vkUnmapMemory and vkFreeMemory return void (compare them with `ok`), and a syscall or GL call is never VK_SUCCESS';
  const api = name.startsWith('VK_') ? 'Vulkan' : name.startsWith('KERN_') ? 'Mach' : 'OpenGL';
  if (name === 'NULL')
    return 'OpenGL map result) — what `glMapBufferRange` returns when Wine could not map the buffer for 32-bit code (a persistent map on the copy path, a failed host map); when GL itself refuses the call the result is its error (`GL_INVALID_VALUE`…). A failed `vkMapMemory` is its VkResult and a failed syscall its errno, never NULL';
  if (name === 'KERN_SUCCESS')
    return 'Mach result) — what a successful `mach_vm_remap` returns; `expect NAME == KERN_SUCCESS` checks it';
  return `${api} result) — what a failing ${api} call returns; \`expect NAME == ${name}\` makes that failure intended`;
}

/** The values an expectation compares a result with: errnos, API results, `ok`, `zero`, signals. */
function resultWordHover(name: string): string | undefined {
  const word = EXPECT_WORDS.find((w) => w.name === name);
  if (word) return `**${name}** (expected result) — ${word.doc}`;
  if (Object.hasOwn(ERRNO_NUMBER, name))
    return `**${name}** (errno ${ERRNO_NUMBER[name as Errno]}) — the call fails with this error; \`expect NAME == ${name}\` makes the refusal intended`;
  if (VK_RESULT_NAMES.includes(name)) return `**${name}** (${apiResultHover(name)}`;
  return undefined;
}
