// `lazy-freed-read`: a read of a page MADV_FREE freed lazily, with no write since. The kernel
// leaves the old data there until reclaim takes the page, so the read may return it or zero.
// Found by the simulator as the read happens (server/src/engine/sim/lazy-freed-read.ts).
import type { Rule } from './rule';

export const lazyFreedRead: Rule = {
  code: 'lazy-freed-read',
  family: 'unsafe',
  severity: 'warning',
  title:
    'A read of a page madvise(MADV_FREE) freed lazily and nothing wrote since: it returns the old data only until the kernel reclaims the page, then zero.',
};
