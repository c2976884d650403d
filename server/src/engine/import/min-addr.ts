// A capture that maps below vm.mmap_min_addr's default (4096) came from a process that could: root
// (CAP_SYS_RAWIO) or a kernel with vm.mmap_min_addr = 0 (facts linux-mm §1.1 row 12, §1.4). A
// scenario's process is an ordinary one, so the replay of such a map is EPERM unless the scenario
// lowers the minimum: both importers then write `mmap-min-addr 0`, and say why.
import { formatHex } from '../numbers';

/** vm.mmap_min_addr's usual value (dac_mmap_min_addr): an ordinary process maps nothing below it. */
export const MIN_ADDR_DEFAULT = 0x1000n;

/** The setting (and its reason) for a capture whose lowest successful mapping starts at `lowest`. */
export function mapsBelowMinAddr(lowest: bigint): string[] {
  return [
    `  # the capture maps at ${formatHex(lowest)}, below vm.mmap_min_addr's usual ${formatHex(MIN_ADDR_DEFAULT)}: its process could (root, or vm.mmap_min_addr = 0), and a scenario's process is an ordinary one, where that map is EPERM`,
    '  mmap-min-addr 0',
  ];
}
