// Whether this machine can run the kernel side of the fidelity tests: Linux x86-64 with a C compiler.
import { spawnSync } from 'node:child_process';
import { arch, platform } from 'node:os';

/** Undefined when the harness can run here, otherwise why not (for t.skip). */
export function kernelUnavailable(): string | undefined {
  if (platform() !== 'linux') return `not Linux (${platform()})`;
  if (arch() !== 'x64') return `not x86-64 (${arch()}): the simulator models x86-64`;
  const cc = process.env.CC ?? 'cc';
  const r = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return `no C compiler (${cc}); install gcc`;
  return undefined;
}
