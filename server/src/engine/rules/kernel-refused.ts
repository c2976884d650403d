// `kernel-refused`: the kernel fails a call with an errno — a raw syscall step, or a syscall a
// strategy made on the scenario's behalf. An `expect NAME == ERRNO` line that holds makes a raw
// call's refusal intended (it is left out); for a layer's call, analysis.ts shows it as expected
// (intended-failures.ts). The alias strategy also reports under this code the one call the kernel
// accepts but that fails the same way: mremap(old_size = 0) of a private mapping before Linux
// 4.14 makes an unrelated mapping, not an alias (linux-mm §3.8); the map fails as with the EINVAL
// of 4.14+, so one code (and one `expect … == VK_ERROR_MEMORY_MAP_FAILED`) covers both kernels.
import { MREMAP_DONTUNMAP, MREMAP_MAYMOVE } from '../kernel/types';
import { alignDown, alignUp, formatHex } from '../numbers';
import type { StepNode } from '../syntax/ast';
import type { FixData } from '../diagnostics';
import type { ScenarioRun } from '../sim/run';
import type { Rule } from './rule';
import { intendedFailures } from '../intended-failures';

const RAW = new Set(['mmap', 'munmap', 'mremap', 'mprotect', 'reserve', 'uffd', 'mach_vm_remap']);

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
      for (const call of record.calls) {
        if (call.ok || !call.errno) continue;
        // A raw call's own refusal that an expectation names says nothing more than it.
        if (raw && intended.has(record.index)) continue;
        const who = raw ? '' : `${call.actor}'s `;
        emit(
          raw ? record.node.verb : record.node,
          `${who}${call.text} fails with ${call.errno}: ${call.reason ?? ''}`,
          [],
          raw ? quickFix(record.node, call.errno, call.reason ?? '', run) : undefined,
        );
      }
    }
  },
};

/** The fixes that are clear from the step alone. */
function quickFix(node: StepNode, errno: string, reason: string, run: ScenarioRun): FixData | undefined {
  if (errno !== 'EINVAL') return undefined;
  const words = new Set(node.words.map((w) => w.name));
  if (node.verb.name === 'mremap') {
    const flags = [...words].reduce(
      (f, w) => f | (w === 'maymove' ? MREMAP_MAYMOVE : w === 'dontunmap' ? MREMAP_DONTUNMAP : 0),
      0,
    );
    if ((words.has('dontunmap') || words.has('fixed')) && !(flags & MREMAP_MAYMOVE)) {
      const last = node.words[node.words.length - 1];
      if (last)
        return {
          kind: 'replace',
          title: 'Add the `maymove` flag (DONTUNMAP and FIXED need MREMAP_MAYMOVE)',
          range: { start: last.end, end: last.end },
          text: ' | maymove',
          preferred: true,
        };
    }
    if (words.has('dontunmap') && /old_size|new_size|size/.test(reason)) {
      const oldSize = node.args[1];
      const newSize = node.args[2];
      if (oldSize && newSize) {
        return {
          kind: 'replace',
          title: 'Use the old size as the new size (DONTUNMAP cannot resize)',
          range: newSize,
          text: run.simulation.records.length ? textOf(run, oldSize) : '',
          preferred: true,
        };
      }
    }
  }
  if (/align/i.test(reason)) {
    const target =
      node.verb.name === 'mmap' || node.verb.name === 'reserve'
        ? node.options.find((o) => o.keyword.name === 'at')?.value
        : node.args[0];
    const value = target && target.kind === 'number' ? target.value : undefined;
    if (target && value !== undefined) {
      const page = run.simulation.pageSize;
      return {
        kind: 'choices',
        fixes: [
          {
            title: `Align down to ${formatHex(alignDown(value, page))}`,
            range: target,
            text: formatHex(alignDown(value, page)),
          },
          {
            title: `Align up to ${formatHex(alignUp(value, page))}`,
            range: target,
            text: formatHex(alignUp(value, page)),
          },
        ],
      };
    }
  }
  return undefined;
}

function textOf(run: ScenarioRun, range: { start: number; end: number }): string {
  return run.sourceText.slice(range.start, range.end);
}
