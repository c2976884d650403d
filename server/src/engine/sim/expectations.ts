// `expect …` lines, checked where they stand in the scenario: whether a range is mapped, what an
// actor reads, or what a step returned. A failed expectation is a finding for its rule.
import type { Segment, Vma } from '../kernel/types';
import { canonicalVerb, ERRNO_NAMES, VK_RESULT_NAMES } from '../language/vocabulary';
import { afterUffdStep } from '../model/uffd-step';
import { isFreed } from '../model/vk-memory';
import { formatHex } from '../numbers';
import type { Argument, ExpectForm, ExpectNode, Expression, NameExpression } from '../syntax/ast';
import { checkExpectReadAfterUnmap, deviceAddressText, memoryTarget } from './access-steps';
import { checkLazilyFreedRead } from './lazy-freed-read';
import { DEVICE_ACTOR } from '../model/device-access';
import { deviceIsCpu } from '../model/software-device';
import { describeSegments, outcomeName, outcomeText, runsText } from './outcome';
import { untaggedDataProblem } from './untagged-data';
import { vkSuccessOf } from './vk-success';
import type { CallRecord, ExpectRecord, Finding } from './records';
import { listOf } from './calls';
import type { LanguageProblem } from './problems';
import type { StepContext } from './step-context';
import { addressReached, reportUnknownActor } from './step-actor';

type FormOf<F extends ExpectForm['form']> = Extract<ExpectForm, { form: F }>;

/** Whether an expectation held (undefined: not checkable here) and what was seen. */
interface Verdict {
  readonly passed: boolean | undefined;
  readonly detail: string | ReadSeen;
}

/** What a read expectation saw, formatted into its detail when read (most pass, unread). */
interface ReadSeen {
  readonly reader: string;
  readonly actual: string;
  readonly address: bigint | undefined;
  readonly memory: string | undefined;
  /** How a failed read by a driver got its bytes, when that explains it (a stale pointer). */
  readonly via: string | undefined;
  /**
   * A read that faulted past its first byte: where, and the bytes it read before (`actual` is
   * the signal). The fault's address is the kernel's si_addr, not the read's start.
   */
  readonly fault?: { readonly address: bigint; readonly before: string };
}

function readDetail(seen: ReadSeen): string {
  if (seen.fault && seen.address !== undefined)
    return `${seen.reader} reads from ${formatHex(seen.address)}: ${seen.fault.before ? `${seen.fault.before}, then ` : ''}${seen.actual} at ${formatHex(seen.fault.address)}`;
  return `${seen.reader} reads ${seen.actual}${seen.address !== undefined ? ` at ${formatHex(seen.address)}` : ` from ${seen.memory}`}${seen.via ? `, ${seen.via}` : ''}`;
}

/** An expectation's record; a read's detail is formatted when read. */
class CheckedExpectation implements ExpectRecord {
  constructor(
    readonly node: ExpectNode,
    readonly afterStep: number,
    readonly passed: boolean | undefined,
    private readonly seen: string | ReadSeen,
    readonly calls: readonly CallRecord[],
  ) {}

  get detail(): string {
    return typeof this.seen === 'string' ? this.seen : readDetail(this.seen);
  }
}

/** Not checked: its arguments are missing or invalid (already reported). */
const UNCHECKED: Verdict = { passed: undefined, detail: '' };

export function checkExpectation(context: StepContext, node: ExpectNode): ExpectRecord {
  const { sim, problems } = context;
  const afterStep = sim.records.length - 1;
  const problemsBefore = problems.list.length;
  const e = node.expectation;
  let verdict: Verdict;
  switch (e.form) {
    case 'diagnostic':
      // Checked after the rules ran (analysis.ts), against the step before this line.
      verdict = {
        passed: undefined,
        detail: e.code ? `diagnostic ${e.code.name} on step ${afterStep + 1}` : '',
      };
      break;
    case 'mapped':
      verdict = checkMapped(context, e);
      break;
    case 'read':
      verdict = checkRead(context, e);
      break;
    case 'value':
      verdict = checkValue(context, e);
      break;
  }
  afterUffdStep(sim, node); // a read in an expectation can fault pages in too
  const calls = listOf(sim.takeCalls());
  // An operand that has no value because its step failed (use-of-failed-result, a warning) left
  // the expectation unchecked: a test that did not run fails rather than passing a check.
  // The expectation's failure says why, with the failed step as its related location: the
  // operand's own use-of-failed-result would say the same thing twice.
  let related: Finding['related'];
  if (verdict.passed === undefined && e.form !== 'diagnostic') {
    const list = problems.list;
    const unusable: LanguageProblem[] = [];
    for (let at = problemsBefore; at < list.length;) {
      if (list[at]!.code === 'use-of-failed-result') unusable.push(...list.splice(at, 1));
      else at++;
    }
    if (unusable.length > 0) {
      verdict = { passed: false, detail: `not checked: ${unusable.map((u) => u.message).join('; ')}` };
      related = unusable.flatMap((u) => u.related ?? []);
    }
  }
  const record = new CheckedExpectation(node, afterStep, verdict.passed, verdict.detail, calls);
  sim.expects.push(record);
  if (record.passed === false) {
    sim.findings.push({
      code: 'expectation-failed',
      range: node,
      message: `expectation failed: ${record.detail}`,
      ...(related ? { related } : {}),
    });
  }
  return record;
}

/** `expect [not] mapped ADDRESS [, LENGTH]` (one page when no length is given). */
function checkMapped(context: StepContext, e: FormOf<'mapped'>): Verdict {
  const { sim, scope } = context;
  const address = e.address ? scope.evaluate(e.address) : undefined;
  const length = e.length ? scope.evaluate(e.length) : sim.pageSize;
  if (address === undefined || length === undefined) return UNCHECKED;
  const firstPage = sim.pageOf(address);
  const lastPage = sim.pageOf(address + (length > 0n ? length - 1n : 0n));
  let allMapped = true;
  let anyMapped = false;
  for (let page = firstPage; page <= lastPage;) {
    const vma = sim.space.vmaAt(page);
    if (vma) {
      anyMapped = true;
      page = vma.endPage;
    } else {
      allMapped = false;
      page++;
      const next = sim.space.vmas().find((v: Vma) => v.startPage > page);
      page = next ? Math.min(next.startPage, lastPage + 1) : lastPage + 1;
    }
  }
  return {
    passed: e.negated ? !anyMapped : allMapped,
    detail: `${formatHex(address)}..${formatHex(address + length)} is ${allMapped ? 'mapped' : anyMapped ? 'partly mapped' : 'not mapped'}`,
  };
}

/** `expect [ACTOR] reads ADDRESS, LENGTH ==|!= BYTE|zero|WRITE|SIGSEGV|SIGBUS` */
function checkRead(context: StepContext, e: FormOf<'read'>): Verdict {
  const { sim, scope, vulkan, problems } = context;
  const reader = e.actor ? e.actor.name : 'host';
  if (e.actor) {
    // A misspelt reader (`expect devce reads mem, 4 == g`) is an error where it is named, as in
    // a step: the line reads nothing, and says so rather than passing unseen.
    if (reportUnknownActor(context, e.actor, { verb: 'reads', expectation: true }))
      return { passed: undefined, detail: `unknown actor \`${reader}\`` };
    sim.symbols.reference(e.actor.name, e.actor);
  }
  const target = e.address ? memoryTarget(context, e.address, reader) : undefined;
  if (target === null) return UNCHECKED;
  if (reader === DEVICE_ACTOR && !target) {
    if (e.address) problems.report('wrong-kind', e.address, deviceAddressText('read'));
    return UNCHECKED;
  }
  const evaluated = target ? undefined : e.address ? scope.evaluate(e.address) : undefined;
  const address = evaluated === undefined ? undefined : addressReached(reader, evaluated);
  const length = e.length ? scope.evaluate(e.length) : undefined;
  if ((address === undefined && !target) || length === undefined || !e.value) return UNCHECKED;
  const result = target
    ? reader === DEVICE_ACTOR
      ? vulkan.deviceReadNow(target.memory, target.offset, length, e.address)
      : vulkan.driverRead(reader, target.memory, target.offset, length, e.address)
    : sim.read(reader, address ?? 0n, length);
  // A memory object's read through the driver's pointer is checked where it is made (VulkanLayer).
  if (result && !target) checkLazilyFreedRead(sim, reader, address ?? 0n, result, e.address);
  if (result && !target && e.address && evaluated !== undefined && address !== undefined)
    checkExpectReadAfterUnmap(context, reader, e.address, evaluated, address, result, e.address);
  if (!result) {
    const detail =
      target !== undefined && isFreed(target.memory)
        ? `${target.memory.name} was freed: there is nothing to read`
        : `${reader} has no mapping of ${target?.memory.name} to read`;
    // Nothing to read is a failed expectation (reported with it), in every view: check, trace, hover.
    return { passed: false, detail: `cannot check: ${detail}` };
  }
  const actual = result.ok ? describeSegments(result, sim) : result.signal;
  const expected = expectedData(context, e.value);
  if (!expected) return UNCHECKED;
  const matches = result.ok
    ? expected.kind === 'datum' && allOf(result.segments, expected.datum) && result.segments.length > 0
    : expected.kind === 'signal' && expected.signal === result.signal;
  const passed = e.op === '==' ? matches : !matches;
  // The device reads the pages themselves; only a software driver's "device" has a pointer to go stale.
  const throughPointer =
    reader !== DEVICE_ACTOR || (target !== undefined && deviceIsCpu(target.memory.driver));
  const via = !passed && target && throughPointer ? vulkan.staleReadNote(target.memory) : undefined;
  const memory = target
    ? `${target.memory.name}${target.offset !== 0n ? ` + ${formatHex(target.offset)}` : ''}`
    : undefined;
  const fault =
    !result.ok && address !== undefined && result.address !== BigInt.asUintN(64, address)
      ? { address: result.address, before: runsText(result.segments, sim) }
      : undefined;
  return {
    passed,
    detail: fault
      ? { reader, actual, address, memory, via, fault }
      : { reader, actual, address, memory, via },
  };
}

/** Every run of bytes holds the datum (a loop: an arrow capturing it allocates per expectation). */
function allOf(segments: readonly Segment[], datum: number): boolean {
  for (const segment of segments) if (segment.datum !== datum) return false;
  return true;
}

/** What a read is compared with: one byte value (a write's name stands for its data) or a signal. */
function expectedData(
  context: StepContext,
  value: Argument,
): { kind: 'datum'; datum: number } | { kind: 'signal'; signal: 'SIGSEGV' | 'SIGBUS' } | undefined {
  const { sim, scope, problems } = context;
  if (value.kind === 'name') {
    if (value.name === 'zero') return { kind: 'datum', datum: 0 };
    if (value.name === 'SIGSEGV' || value.name === 'SIGBUS') return { kind: 'signal', signal: value.name };
    const bound = scope.get(value.name);
    if (bound?.kind === 'data') {
      sim.symbols.reference(value.name, value);
      return { kind: 'datum', datum: bound.datum };
    }
    const untagged = untaggedDataProblem(context, value);
    if (untagged !== undefined) {
      sim.symbols.reference(value.name, value);
      problems.report('wrong-kind', value, untagged);
      return undefined;
    }
  }
  if (value.kind === 'string') {
    problems.report(
      'wrong-kind',
      value,
      'expected a byte (`0xAB`), `zero`, the name of a write, SIGSEGV or SIGBUS',
    );
    return undefined;
  }
  const v = scope.evaluate(value);
  if (v === undefined) return undefined;
  if (v > 0xffn) {
    problems.report(
      'number-out-of-range',
      value,
      'a read is compared with one byte value (0x00..0xff), `zero`, or the name of a write',
    );
    return undefined;
  }
  return { kind: 'datum', datum: Number(v) };
}

/** `expect SUBJECT ==|!= VALUE` */
function checkValue(context: StepContext, e: FormOf<'value'>): Verdict {
  if (!e.subject || !e.value) return UNCHECKED;
  const comparison = compareValue(context, e.subject, e.value, e.op === '==' ? '' : 'anything but ');
  if (!comparison) return UNCHECKED;
  return { passed: e.op === '==' ? comparison.equal : !comparison.equal, detail: comparison.actual };
}

function compareValue(
  context: StepContext,
  subject: Expression,
  value: Argument,
  /** Before the expected value in the detail: '' for `==`, 'anything but ' for `!=`. */
  expectedPrefix: string,
): { equal: boolean; actual: string } | undefined {
  const { sim, scope, problems } = context;
  // `expect b == EINVAL` / `== ok` / `== VK_ERROR_…`: compare a step's outcome.
  const stepValue = subject.kind === 'name' ? scope.get(subject.name) : undefined;
  const symbol = subject.kind === 'name' ? sim.symbols.get(subject.name) : undefined;
  const outcomeWord =
    value.kind === 'name' &&
    (ERRNO_NAMES.includes(value.name) ||
      VK_RESULT_NAMES.includes(value.name) ||
      value.name === 'ok' ||
      value.name === 'SIGSEGV' ||
      value.name === 'SIGBUS');
  if (
    subject.kind === 'name' &&
    symbol?.stepIndex !== undefined &&
    (outcomeWord || stepValue?.kind !== 'address')
  ) {
    sim.symbols.reference(subject.name, subject);
    const record = sim.records[symbol.stepIndex];
    if (!record) return undefined;
    // A step that did not run has no result to compare, not even a failure: reported as a read's
    // operand is (use-of-failed-result, the step as related location), which checkExpectation
    // turns into `not checked`. Compared as an outcome, `expect c != EFAULT` passed and
    // `expect c == EFAULT` said only "c is skipped".
    if (record.outcome.kind === 'skipped' && stepValue?.kind === 'failed') {
      scope.reportFailed(subject, stepValue);
      return undefined;
    }
    const actual = outcomeWord ? outcomeName(record.outcome) : outcomeText(record.outcome).replace(/^→ /, '');
    if (!outcomeWord) {
      if (value.kind === 'string') return undefined;
      const expected = scope.evaluate(value);
      if (expected === undefined) return undefined;
      return {
        equal: record.outcome.kind === 'address' && record.outcome.value === expected,
        actual: `${subject.name} is ${actual}, expected ${expectedPrefix}${formatHex(expected)}`,
      };
    }
    const expectedName = (value as NameExpression).name;
    const outcome = record.outcome;
    // Against a VkResult (not a Mach or GL result, nor NULL): a Vulkan call that succeeded
    // returned VK_SUCCESS, and a void one none.
    const vkCall = vkSuccessOf(record);
    const againstVkResult = expectedName.startsWith('VK_');
    if (againstVkResult && vkCall === 'void') {
      const verb = canonicalVerb(record.node.verbName);
      // `== VK_SUCCESS` and `!= VK_SUCCESS` keep their meaning with `ok`; an error code has no
      // such counterpart (a void command cannot fail with one), so it gets no fix.
      problems.report(
        'wrong-kind',
        value,
        `${verb} returns void, not a VkResult: compare ${subject.name} with ok`,
        undefined,
        expectedName === 'VK_SUCCESS'
          ? {
              kind: 'replace',
              title: `Compare ${subject.name} with \`ok\` (${verb} returns void)`,
              range: value,
              text: 'ok',
              preferred: true,
            }
          : undefined,
      );
      return undefined;
    }
    // A Vulkan call that succeeded returned VK_SUCCESS ("m is ok" read as if ok were not it), but
    // an address is shown as itself ("a is ok" hid what the call returned), unless it is compared
    // with a VkResult: `expect p == NULL` is about the pointer, `expect p == VK_ERROR_…` the call.
    const shown =
      outcome.kind === 'address' && !(againstVkResult && vkCall === 'success')
        ? `${formatHex(outcome.value)} (it succeeded)`
        : vkCall === 'success'
          ? 'VK_SUCCESS'
          : actual;
    return {
      equal: actual === expectedName || (vkCall === 'success' && expectedName === 'VK_SUCCESS'),
      actual: `${subject.name} is ${shown}${outcome.kind === 'errno' ? ` (${outcome.reason})` : ''}, expected ${expectedPrefix}${expectedName}`,
    };
  }
  if (value.kind === 'string') {
    problems.report('wrong-kind', value, 'expected a number, an address expression, an errno or ok');
    return undefined;
  }
  if (outcomeWord) {
    problems.report(
      'wrong-kind',
      subject,
      `only a step's name can be compared with ${(value as NameExpression).name}`,
    );
    return undefined;
  }
  const left = scope.evaluate(subject);
  const right = scope.evaluate(value);
  if (left === undefined || right === undefined) return undefined;
  const subjectText = subject.kind === 'name' ? subject.name : 'the value';
  return {
    equal: left === right,
    actual: `${subjectText} is ${formatHex(left)}, expected ${expectedPrefix}${formatHex(right)}`,
  };
}
