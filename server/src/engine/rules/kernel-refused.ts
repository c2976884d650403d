// `kernel-refused`: the kernel fails a call with an errno — a raw syscall step, or a syscall a
// strategy made on the scenario's behalf. An `expect NAME == ERRNO` line that holds makes a raw
// call's refusal intended (it is left out); for a layer's call, analysis.ts shows it as expected
// (intended-failures.ts). The alias strategy also reports under this code the one call the kernel
// accepts but that fails the same way: mremap(old_size = 0) of a private mapping before Linux
// 4.14 makes an unrelated mapping, not an alias (linux-mm §3.8); the map fails as with the EINVAL
// of 4.14+, so one code (and one `expect … == VK_ERROR_MEMORY_MAP_FAILED`) covers both kernels.
import { MREMAP_DONTUNMAP, MREMAP_MAYMOVE } from '../kernel/types';
import { alignDown, alignUp, formatHex } from '../numbers';
import type { Argument, StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import type { FixData } from '../diagnostics';
import { mremapArguments } from '../sim/raw-steps';
import type { ScenarioRun } from '../sim/run';
import type { CallRecord } from '../sim/records';
import type { Rule } from './rule';
import { setupRange } from '../sim/setup-range';
import { NVK_NO_DEVICE } from '../model/nouveau-vm-bind';
import { intendedFailures } from '../intended-failures';
import { ownCalls } from '../sim/own-calls';
import { VERBS } from '../language/vocabulary';

/** The raw syscall verbs (the vocabulary's `syscall` family) and `open`. */
const RAW = new Set([...VERBS.filter((v) => v.family === 'syscall').map((v) => v.verb), 'open']);

export const kernelRefused: Rule = {
  code: 'kernel-refused',
  family: 'kernel',
  severity: 'error',
  title:
    'The kernel refuses the call: the message names the errno, the check and the kernel version that decides it.',
  check(run, emit) {
    const intended = intendedFailures(run);
    const { records, stepsWith } = run.simulation;
    for (const step of stepsWith.failedCall) {
      const record = records[step];
      if (!record) continue; // set-up calls before the first step are not a step's
      const raw = RAW.has(record.node.verb.name);
      // Device creation after the step, or an expectation's check, is not the step's doing.
      for (const call of ownCalls(run.simulation, step, record.calls)) {
        if (call.ok || !call.errno) continue;
        // A raw call's own refusal that an expectation names says nothing more than it.
        if (raw && intended.has(record.index)) continue;
        const who = raw ? '' : `${call.actor}'s `;
        emit(
          raw ? record.node.verb : record.node,
          `${who}${call.text} fails with ${call.errno}: ${call.reason ?? ''}`,
          [],
          raw ? quickFix(record.node, call.errno, call.reason ?? '', run) : undefined,
          call.addresses,
        );
      }
    }
    // Set-up before step 1: the strategy's reservations and the drivers' device creation, or
    // the latter after the leading `reserve … preloaded` steps (its calls then in that step's
    // record, but no step's doing: noted on no step). A refusal there changes every step after
    // it, and no step shows it.
    const later = run.vulkan.devicesCreatedAfter;
    const setups: [readonly CallRecord[], string][] = [[run.vulkan.setupCalls, 'at set-up, before step 1']];
    if (later) setups.push([later.calls, `at device creation, after step ${later.step + 1}`]);
    for (const [calls, when] of setups)
      for (const call of calls) {
        if (call.ok || !call.errno) continue;
        const driver = run.drivers.get(call.actor);
        // A driver with no device on this kernel (NVK before 6.6) is said where its preset is.
        const noDevice = driver?.noDeviceBecause !== undefined;
        const consequence = noDevice
          ? NVK_NO_DEVICE
          : driver
            ? `${call.actor} cannot create its device (its internal mappings, made at vkCreateDevice), so on a real system nothing after this runs; drvmap goes on as if it had`
            : 'The strategy is set up without it, and every step after it runs so';
        emit(
          (noDevice ? driver.traitSources.get('preset') : undefined) ?? setupRange(run.node, driver),
          `${call.actor}'s ${call.text} fails with ${call.errno} ${when}${call.reason ? `: ${call.reason}` : ''}. ${consequence}`,
          [],
          undefined,
          call.addresses,
        );
      }
  },
};

/**
 * The fixes that are clear from the step alone. Each is checked by applying it before it is
 * offered (features/code-actions.ts), so a fix here only has to name the operand the reason is
 * about; it need not prove it removes the refusal.
 */
function quickFix(node: StepNode, errno: string, reason: string, run: ScenarioRun): FixData | undefined {
  // The kernel's reason names the missing flag: MAYMOVE for a grow that cannot stay in place
  // (ENOMEM), a mapping type for an mmap with neither MAP_PRIVATE nor MAP_SHARED (EINVAL).
  if (node.verb.name === 'mremap' && reason.endsWith('MREMAP_MAYMOVE is not set')) return addMaymove(node);
  if (node.verb.name === 'mmap' && /is none of MAP_PRIVATE, MAP_SHARED/.test(reason))
    return addMappingType(node);
  if (errno !== 'EINVAL') return undefined;
  if (node.verb.name === 'mremap') {
    // The flags as the simulation read them (a numeric fourth operand is FLAGS only without flag words).
    const { values, flags } = mremapArguments(node);
    const dontunmap = (flags & MREMAP_DONTUNMAP) !== 0;
    const oldSize = values[1];
    const newSize = values[2];
    const resizes =
      dontunmap && oldSize !== undefined && newSize !== undefined && !sameOperand(run, oldSize, newSize);
    const maymove = maymoveEdit(node);
    if (/requires MREMAP_MAYMOVE/.test(reason) && maymove) {
      // DONTUNMAP needs both MAYMOVE and equal sizes (check_mremap_params): one fix for both, so
      // that applying it removes the refusal.
      if (resizes && newSize.end <= maymove.range.start)
        return {
          kind: 'replace',
          title:
            'Add the `maymove` flag and keep the old size (DONTUNMAP needs MREMAP_MAYMOVE and cannot resize)',
          range: { start: newSize.start, end: maymove.range.end },
          text: `${textOf(run, oldSize)}${run.sourceText.slice(newSize.end, maymove.range.start)}${maymove.text}`,
          preferred: true,
        };
      return {
        kind: 'replace',
        title: 'Add the `maymove` flag (DONTUNMAP and FIXED need MREMAP_MAYMOVE)',
        ...maymove,
        preferred: true,
      };
    }
    if (resizes && /old_size|new_size|size/.test(reason)) {
      return {
        kind: 'replace',
        title: 'Use the old size as the new size (DONTUNMAP cannot resize)',
        range: newSize,
        text: textOf(run, oldSize),
        preferred: true,
      };
    }
  }
  return alignFix(node, reason, run);
}

/** `maymove` for an mremap that cannot grow in place. */
function addMaymove(node: StepNode): FixData | undefined {
  const maymove = maymoveEdit(node);
  if (!maymove) return undefined;
  return {
    kind: 'replace',
    title: 'Add the `maymove` flag (the mapping cannot grow in place; MREMAP_MAYMOVE lets it move)',
    ...maymove,
    preferred: true,
  };
}

/**
 * How `maymove` joins an mremap's flags: after the last flag word (`fixed | maymove`) or the
 * numeric flags operand (`4 | maymove`), in place of a flags operand `0`, or as the flags operand
 * when there is none.
 */
function maymoveEdit(node: StepNode): { range: TextRange; text: string } | undefined {
  const lastWord = node.words[node.words.length - 1];
  if (lastWord) return { range: { start: lastWord.end, end: lastWord.end }, text: ' | maymove' };
  const flags = node.args[3];
  if (flags?.kind === 'number' && flags.value === 0n)
    return { range: { start: flags.start, end: flags.end }, text: 'maymove' };
  // A numeric FLAGS is read as flags only while no flag word is written (`2 | maymove, ADDR` would
  // make the fifth value extra): the number itself gets the bit.
  if (flags?.kind === 'number' && node.args[4] !== undefined)
    return {
      range: { start: flags.start, end: flags.end },
      text: `0x${((flags.value ?? 0n) | BigInt(MREMAP_MAYMOVE)).toString(16)}`,
    };
  if (flags) return { range: { start: flags.end, end: flags.end }, text: ' | maymove' };
  const newSize = node.args[2];
  if (!newSize) return undefined;
  return { range: { start: newSize.end, end: newSize.end }, text: ', maymove' };
}

/**
 * `private` or `shared` for an mmap without a mapping type: two choices, since which one the
 * program meant is not clear from the step. Written before `anon` (as the language's examples
 * do), else after the protection.
 */
function addMappingType(node: StepNode): FixData | undefined {
  const anon = node.words.find((w) => w.name === 'anon');
  const at = anon ? anon.start : (node.words[0]?.end ?? node.args[0]?.end);
  if (at === undefined) return undefined;
  const text = (type: string) => (anon ? `${type} ` : ` ${type}`);
  return {
    kind: 'choices',
    fixes: [
      {
        title: 'Add `private` (MAP_PRIVATE: a copy-on-write mapping of its own)',
        range: { start: at, end: at },
        text: text('private'),
      },
      {
        title: 'Add `shared` (MAP_SHARED: writes reach the file or shared memory)',
        range: { start: at, end: at },
        text: text('shared'),
      },
    ],
  };
}

/**
 * The page alignment fixes of "… 0x2000_0010 is not page aligned": for the literal operand whose
 * value the reason names (the new address, the offset, the `at` address), not whichever comes
 * first. No fix when no literal has that value, or when it is aligned already.
 */
function alignFix(node: StepNode, reason: string, run: ScenarioRun): FixData | undefined {
  const named = /(0x[0-9a-f_]+) is not page aligned/i.exec(reason)?.[1];
  if (named === undefined) return undefined;
  const value = BigInt(named.replace(/_/g, ''));
  const operands = [...node.args, ...node.options.map((o) => o.value)];
  const target = operands.find((e) => e !== undefined && e.kind === 'number' && e.value === value);
  const page = run.simulation.pageSize;
  const down = alignDown(value, page);
  if (target === undefined || down === value) return undefined;
  const up = alignUp(value, page);
  return {
    kind: 'choices',
    fixes: [
      { title: `Align down to ${formatHex(down)}`, range: target, text: formatHex(down) },
      { title: `Align up to ${formatHex(up)}`, range: target, text: formatHex(up) },
    ],
  };
}

/** Whether two operands are the same number (or, when not literals, the same text). */
function sameOperand(run: ScenarioRun, a: Argument, b: Argument): boolean {
  if (a.kind === 'number' && b.kind === 'number' && a.value !== undefined && b.value !== undefined)
    return a.value === b.value;
  return textOf(run, a) === textOf(run, b);
}

function textOf(run: ScenarioRun, range: { start: number; end: number }): string {
  return run.sourceText.slice(range.start, range.end);
}
