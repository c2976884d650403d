// `driver-range-past-end`: a driver's syscall on its own address of a memory object (`madvise
// mem + 0xff000, 8KiB, dontneed by lvp`) whose range runs past the object's end. The kernel does
// it — it knows the pool's or the BO's mapping, not the object — so the call acts on what lies
// beyond too: other suballocations of the driver's pool (H1, facts vulkan-wine §4). Found by the
// simulator around the call, from what is mapped past the object then, and only when the kernel
// took the range (server/src/engine/sim/driver-address.ts).
import type { Rule } from './rule';

export const driverRangePastEnd: Rule = {
  code: 'driver-range-past-end',
  family: 'unsafe',
  severity: 'warning',
  title:
    "A driver's syscall on its own address of a memory object runs past the object's end: the kernel acts on what lies beyond, other suballocations of its pool too (H1).",
};
