// A capture that maps below vm.mmap_min_addr's default (4096) came from a process that could: root
// (CAP_SYS_RAWIO) or a kernel with vm.mmap_min_addr = 0 (facts linux-mm §1.1 row 12, §1.4). A
// scenario's process is an ordinary one, so the replay of such a map is EPERM unless the scenario
// says otherwise: both importers then write `privileged` (CAP_SYS_RAWIO, which replays a root
// capture's maps and keeps its hints raised to the effective minimum, and a map at 0 on a kernel
// with vm.mmap_min_addr = 0 alike), and say why.
import { formatHex } from '../numbers';
import { defaultKernelConfig } from '../kernel/config';

/** vm.mmap_min_addr's usual value (dac_mmap_min_addr): an ordinary process maps nothing below it. */
export const MIN_ADDR_DEFAULT = defaultKernelConfig().dacMmapMinAddr;

/** The setting (and its reason) for a capture whose lowest successful mapping starts at `lowest`. */
export function mapsBelowMinAddr(lowest: bigint): string[] {
  return [
    `  # the capture maps at ${formatHex(lowest)}, below vm.mmap_min_addr's usual ${formatHex(MIN_ADDR_DEFAULT)}: its process could (root, or vm.mmap_min_addr = 0), and a scenario's process is an ordinary one, where that map is EPERM`,
    '  privileged',
  ];
}
