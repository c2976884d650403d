// The `mach_vm_remap` step (macOS) and the call the alias strategy makes on `platform macos`:
// records the call like a syscall (text, kern_return_t, effects) so hover, the trace, the panel
// and `kernel-refused` read it. The kernel side is kernel/mach-vm-remap.ts.
import type { Errno } from '../kernel/types';
import type { KernReturn, MachVmRemapArgs, MachVmRemapResult } from '../kernel/mach-vm-remap';
import { formatHex, formatSize } from '../numbers';
import type { Outcome } from '../sim/records';
import { addressOutcome } from '../sim/outcome';
import type { Simulation } from '../sim/simulation';

export function machVmRemapText(args: MachVmRemapArgs): string {
  const flags = [
    args.fixed ? 'VM_FLAGS_FIXED' : 'VM_FLAGS_ANYWHERE',
    args.overwrite ? 'VM_FLAGS_OVERWRITE' : '',
  ]
    .filter(Boolean)
    .join('|');
  return `mach_vm_remap(mach_task_self(), &${formatHex(args.target)}, ${formatSize(args.size)}, 0, ${flags}, mach_task_self(), ${formatHex(args.source)}, ${args.copy ? 'TRUE' : 'FALSE'}, &cur, &max, VM_INHERIT_DEFAULT)`;
}

/** Make the call for `actor`, record it, and return the kernel's answer. */
export function machVmRemap(
  sim: Simulation,
  actor: string,
  args: MachVmRemapArgs,
  label: string | undefined,
): MachVmRemapResult {
  if (sim.platform.os !== 'macos') {
    const reason = 'mach_vm_remap is a Mach call: it exists on macOS only (`platform macos`)';
    // Recorded like an errno so `kernel-refused` reports it; the name is the kern_return_t.
    sim.addCall({
      actor,
      text: machVmRemapText(args),
      result: '= KERN_NOT_SUPPORTED',
      ok: false,
      errno: 'KERN_NOT_SUPPORTED' as Errno,
      reason,
      effects: [],
    });
    return { ok: false, kr: 'KERN_NOT_SUPPORTED' as KernReturn, reason, effects: [] };
  }
  const result = sim.space.machVmRemap(args, { step: sim.stepIndex, actor }, label);
  sim.addCall({
    actor,
    text: machVmRemapText(args),
    result: result.ok ? `= KERN_SUCCESS, target ${formatHex(result.value)}` : `= ${result.kr}`,
    ok: result.ok,
    // A kern_return_t stands where an errno would: `kernel-refused` and expectations read it.
    ...(result.ok ? {} : { errno: result.kr as unknown as Errno, reason: result.reason }),
    effects: result.effects,
  });
  return result;
}

export function machOutcome(result: MachVmRemapResult, step: number): Outcome {
  if (result.ok) return addressOutcome(result.value, step);
  return { kind: 'errno', errno: result.kr as unknown as Errno, reason: result.reason };
}
