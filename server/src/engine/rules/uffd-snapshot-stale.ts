// `uffd-snapshot-stale`: a userfaultfd handler that answers with UFFDIO_COPY gives the old range a
// snapshot of the moved page; a write after the copy on either side is not seen on the other.
// Found by the simulator after each step (server/src/engine/model/uffd-step.ts).
import type { Rule } from './rule';

export const uffdSnapshotStale: Rule = {
  code: 'uffd-snapshot-stale',
  family: 'unsafe',
  severity: 'error',
  title:
    "A userfaultfd handler copied a moved page into the old range (UFFDIO_COPY): a snapshot, so the driver's cached pointer and 32-bit code's pointer drift apart.",
};
