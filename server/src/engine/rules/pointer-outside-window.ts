// `pointer-outside-window`: A pointer handed to 32-bit code lies outside the window; the message gives the truncated value 32-bit code would use.
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const pointerOutsideWindow: Rule = {
  code: 'pointer-outside-window',
  family: 'unsafe',
  severity: 'error',
  title:
    'A pointer handed to 32-bit code lies outside the window; the message gives the truncated value 32-bit code would use.',
};
