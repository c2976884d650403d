// `expectation-failed`: An `expect` line does not hold.
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const expectationFailed: Rule = {
  code: 'expectation-failed',
  family: 'expectation',
  severity: 'error',
  title: 'An `expect` line does not hold.',
};
