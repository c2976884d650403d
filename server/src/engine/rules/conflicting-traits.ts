// `conflicting-traits`: two traits of one driver block that no real driver can have together
// (`backing anon` has no GPU, so its accesses always use the CPU pointer; private anonymous
// memory cannot be mapped a second time, neither at a placed map's address nor inside a GL
// client pointer range). The simulation keeps
// what the backing allows and ignores the other trait. Reported while reading the driver block
// (server/src/engine/model/driver.ts).
import type { Rule } from './rule';

export const conflictingTraits: Rule = {
  code: 'conflicting-traits',
  family: 'language',
  severity: 'error',
  title: 'Two traits of a driver that no real driver has together; the one the backing rules out is ignored.',
};
