// `hook-bypassed`: An mmap hook never saw the driver's mapping: it was made at allocation, from a pool, or by a raw syscall (H1, H3).
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const hookBypassed: Rule = {
  code: 'hook-bypassed',
  family: 'unsafe',
  severity: 'error',
  title:
    "An mmap hook never saw the driver's mapping: it was made at allocation, from a pool, or by a raw syscall (H1, H3).",
};
