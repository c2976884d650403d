// Kernel versus simulator speed on one long raw-syscall sequence.
import { longProgram } from './generate';
import { runKernelBatch } from './kernel-runner';
import { runSim } from './sim-runner';

/**
 * Generates one sequence of `steps` random syscalls (the differential generator's mix) and times it
 * on the kernel (measured inside the harness child around the syscall loop, no per-step maps, no
 * JSON) and on the simulator (around the step loop, no per-step maps).
 */
export async function benchKernelVsSim(steps = 100_000): Promise<{ kernelMs: number; simMs: number }> {
  const program = longProgram(steps);
  const [kernel] = await runKernelBatch([program], 'bench');
  if (!kernel || kernel.crash !== undefined) throw new Error(`harness crashed: ${kernel?.crash}`);
  const sim = runSim(program, { perStepMaps: false });
  if (sim.crash !== undefined) throw new Error(sim.crashMessage ?? 'simulator crashed');
  return { kernelMs: kernel.ns / 1e6, simMs: sim.ns / 1e6 };
}
