// The `uffd` step and what the simulator shows of a userfaultfd handler: the registration (a call
// with its label and owner), every fault the handler serviced (listed in the calls of the step
// whose access touched the page, with a count per registration), and the `uffd-snapshot-stale`
// finding when a copying handler's snapshot and the moved page drift apart. The kernel side is
// kernel/userfaultfd.ts.
import { versionAtLeast } from '../kernel/config';
import type { Errno } from '../kernel/types';
import { USERFAULTFD_HISTORY } from '../kernel/userfaultfd-history';
import type { UffdEvent, UffdMode, UffdRegistration } from '../kernel/userfaultfd';
import { UFFD_WORDS } from '../language/vocabulary';
import { alignUp, formatHex, formatSize } from '../numbers';
import type { Outcome } from '../sim/records';
import { reportLazilyFreedRead } from '../sim/lazy-freed-read';
import type { Simulation } from '../sim/simulation';
import type { StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import type { VkMemory } from './vk-memory';

export interface UffdStepArgs {
  readonly address: bigint;
  readonly length: bigint;
  /** The memory object whose driver mapping is registered (`uffd mem …`). */
  readonly memory: VkMemory | undefined;
  readonly copyFrom: bigint | undefined;
  readonly mapMoved: bigint | undefined;
}

/** `source`: where the handler copies or maps from (the mode's source unless a later page's is given). */
function modeText(mode: UffdMode, source: bigint | undefined = undefined): string {
  switch (mode.kind) {
    case 'zero':
      return 'UFFDIO_ZEROPAGE';
    case 'fail':
      return 'refuse (SIGBUS)';
    case 'copy':
      return `UFFDIO_COPY from ${formatHex(source ?? mode.source)}`;
    case 'map-moved':
      return `map the moved pages at ${formatHex(source ?? mode.source)}`;
  }
}

/**
 * The calls that make the userfaultfd, as a program would write them. From 5.11 an unprivileged
 * process may only create one with UFFD_USER_MODE_ONLY (vm.unprivileged_userfaultfd defaults to
 * 0; plain userfaultfd(O_CLOEXEC) then needs CAP_SYS_PTRACE). The flag keeps the user-space
 * touches, but a kernel-mode fault on the range (another handler's UFFDIO_COPY reading it) is
 * SIGBUS (kernel/userfaultfd.ts). The `fail` handler asks for UFFD_FEATURE_SIGBUS (4.14+).
 */
function uffdCalls(sim: Simulation, mode: UffdMode): { open: string; api: string } {
  const userModeOnly = versionAtLeast(sim.space.config.version, ...USERFAULTFD_HISTORY.userModeOnly);
  return {
    open: `userfaultfd(O_CLOEXEC${userModeOnly ? '|UFFD_USER_MODE_ONLY' : ''})`,
    api: `ioctl(uffd, UFFDIO_API, {api=UFFD_API, features=${mode.kind === 'fail' ? 'UFFD_FEATURE_SIGBUS' : '0'}})`,
  };
}

/**
 * The handler simulated: the one written first (`written`, in source order), so that it is the
 * one a syntax-error at a second handler says is kept. A `copy-from`/`map-moved` whose address did
 * not resolve (already an error) gives way to the next handler written.
 */
function chosenMode(written: readonly string[], args: UffdStepArgs): UffdMode {
  for (const name of written) {
    if (name === 'copy-from' && args.copyFrom !== undefined) return { kind: 'copy', source: args.copyFrom };
    if (name === 'map-moved' && args.mapMoved !== undefined)
      return { kind: 'map-moved', source: args.mapMoved };
    if (name === 'zero' || name === 'fail') return { kind: name };
  }
  return { kind: 'fail' };
}

export function uffdStep(sim: Simulation, step: StepNode, actor: string, args: UffdStepArgs): Outcome {
  const words = new Set(step.words.map((w) => w.name));
  const given = [
    args.copyFrom !== undefined ? 'copy-from' : undefined,
    args.mapMoved !== undefined ? 'map-moved' : undefined,
    words.has('zero') ? 'zero' : undefined,
    words.has('fail') ? 'fail' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (given.length === 0) {
    sim.problems.push({
      code: 'missing-argument',
      range: step.verb,
      message: 'uffd needs a handler: `copy-from ADDR`, `map-moved ADDR`, `zero` or `fail`',
    });
    return { kind: 'skipped', reason: 'no handler' };
  }
  // The first handler written is the one simulated, the one the syntax-errors at the others keep.
  const mode = chosenMode(reportSecondHandlers(sim, step), args);
  const label = `${args.memory?.name ?? step.binding?.name ?? 'range'} (userfaultfd ${mode.kind})`;
  const result = sim.space.userfaultfd.register(args.address, args.length, mode, actor, label);
  const calls = uffdCalls(sim, mode);
  const text = `ioctl(uffd, UFFDIO_REGISTER, {start=${formatHex(args.address)}, len=${formatSize(args.length)}, mode=MISSING}) — handler: ${modeText(mode)}`;
  if (!result.ok) {
    // Which of the three calls failed: the syscall (ENOSYS), the API handshake, or the registration.
    const failed =
      result.errno === 'ENOSYS' ? calls.open : result.reason.startsWith('UFFDIO_API') ? calls.api : text;
    if (failed !== calls.open) sim.note(actor, calls.open, '= uffd', true);
    if (failed === text) sim.note(actor, calls.api, '= 0', true);
    sim.addCall({
      actor,
      text: failed,
      result: `= -1 ${result.errno}`,
      ok: false,
      errno: result.errno,
      reason: result.reason,
      effects: [],
      addresses: [args.address],
    });
    return { kind: 'errno', errno: result.errno, reason: result.reason };
  }
  sim.note(actor, calls.open, '= uffd', true);
  sim.note(actor, calls.api, '= 0', true);
  sim.note(actor, text, '= 0', true);
  args.memory?.history.push({
    step: sim.stepIndex,
    text: `${actor} registered a userfaultfd handler on its driver mapping (${modeText(mode)})`,
  });
  return { kind: 'ok' };
}

/**
 * After a step (or an expectation): list the faults the handlers serviced, check snapshots.
 * `at`: the expectation whose read faulted, where a warning about that fault goes (else the step).
 */
export function afterUffdStep(sim: Simulation, at?: TextRange): void {
  const uffd = sim.userfaultfd;
  if (uffd.registrations.length === 0) return;
  const events = uffd.takeEvents();
  const byRegistration = new Map<UffdRegistration, UffdEvent[]>();
  for (const e of events) {
    const list = byRegistration.get(e.registration) ?? [];
    list.push(e);
    byRegistration.set(e.registration, list);
  }
  for (const [registration, list] of byRegistration) {
    if (registration.mode.kind === 'copy') copiedLazilyFreed(sim, registration, list, at);
    const pages = list.map((e) => e.page);
    // The lowest page faulted, and the page the handler copied or mapped for it: the source of
    // that page's offset in the range, not the start of the source.
    const lowest = list.reduce((a, b) => (b.page < a.page ? b : a));
    const first = sim.addressOfPage(lowest.page);
    const total = registration.faults;
    const answer =
      registration.mode.kind === 'fail'
        ? 'SIGBUS'
        : `${modeText(registration.mode, lowest.source)}, ${pages.length} page(s)`;
    sim.note(
      `${registration.owner} (uffd handler)`,
      () =>
        `userfaultfd: ${pages.length} fault(s) on missing page(s) from ${formatHex(first)} (${registration.label ?? 'range'})`,
      () => `→ ${answer}; ${total} fault(s) serviced so far`,
      registration.mode.kind !== 'fail',
    );
  }
  for (const { registration, copy } of uffd.divergedCopies()) {
    const page = sim.addressOfPage(copy.page);
    const made = sim.stepRange(registration.step);
    const copied = sim.stepRange(copy.step);
    sim.finding(
      'uffd-snapshot-stale',
      `the userfaultfd handler copied ${formatHex(copy.sourceAddress)} into ${formatHex(page)} at step ${copy.step + 1} (UFFDIO_COPY: a snapshot), and now the two differ: ${copy.step === sim.stepIndex ? 'the access that faulted wrote into the copy, which the moved pages never see' : 'a write after the copy reached only one side'} — the driver's pointer and 32-bit code's pointer no longer show the same memory`,
      [
        ...(made ? [{ range: made, message: 'handler registered here' }] : []),
        ...(copied && copy.step !== sim.stepIndex ? [{ range: copied, message: 'page copied here' }] : []),
      ],
      undefined,
      false,
      [page, copy.sourceAddress],
    );
  }
}

/**
 * A copying handler's faults whose source page was lazily freed (MADV_FREE) when it copied it:
 * UFFDIO_COPY reads the page then, and gets zero if reclaim took it, so the copy may be zero.
 * One `lazy-freed-read` per registration and step, at the first such page, counting them all.
 */
function copiedLazilyFreed(
  sim: Simulation,
  registration: UffdRegistration,
  events: readonly UffdEvent[],
  at: TextRange | undefined,
): void {
  let first: UffdEvent | undefined;
  let pages = 0;
  for (const e of events) {
    if (e.lazilyFreed === undefined) continue;
    first ??= e;
    pages += e.lazilyFreed.pages;
  }
  if (first?.lazilyFreed === undefined) return;
  reportLazilyFreedRead(
    sim,
    `the userfaultfd handler's UFFDIO_COPY (registered at step ${registration.step + 1}) reads`,
    { ...first.lazilyFreed, pages },
    at,
    sim.addressOfPage(first.page),
  );
}

/** `uffd mem …`: the driver mapping of a memory object, page-rounded. */
export function uffdRangeOf(
  sim: Simulation,
  memory: VkMemory,
): { address: bigint; length: bigint } | undefined {
  if (memory.driverPointer === undefined) return undefined;
  const page = sim.pageSize;
  const start = memory.driverPointer - (memory.driverPointer % page);
  return { address: start, length: alignUp(memory.driverPointer + memory.allocationSize, page) - start };
}

export type { Errno };

/**
 * A range has one handler: each one after the first is a `syntax-error` at it, as a second word of
 * a one-of group is (docs/rules.md `syntax-error`): which one was meant cannot be told. A second
 * handler *word* (`zero fail`) is already reported by checkExclusiveWords; only a clash that
 * involves `copy-from` or `map-moved` is reported here (a repeated option too: `copy-from b
 * copy-from c`, which the step's arguments collapse into the first value), so that each mistake
 * gives one error. Returns the handlers in the order written: the first is the one kept.
 */
function reportSecondHandlers(sim: Simulation, step: StepNode): string[] {
  const handlers: { name: string; isWord: boolean; range: TextRange }[] = [];
  const options = UFFD_WORDS.alternativeOptions ?? [];
  for (const o of step.options)
    if (options.includes(o.keyword.name)) handlers.push({ name: o.keyword.name, isWord: false, range: o });
  for (const w of step.words)
    if (UFFD_WORDS.words.some((h) => h.name === w.name))
      handlers.push({ name: w.name, isWord: true, range: w });
  handlers.sort((a, b) => a.range.start - b.range.start);
  let wordSeen = handlers[0]?.isWord ?? false;
  for (let i = 1; i < handlers.length; i++) {
    const h = handlers[i]!;
    if (h.isWord && wordSeen) continue;
    wordSeen ||= h.isWord;
    sim.problems.push({
      code: 'syntax-error',
      range: h.range,
      message: `only one userfaultfd handler is allowed; \`${handlers[0]!.name}\` is already given`,
    });
  }
  return handlers.map((h) => h.name);
}
