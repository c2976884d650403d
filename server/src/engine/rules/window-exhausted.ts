// `window-exhausted`: No block of the needed size is free in the 32-bit window: exhausted, fragmented, or cut short by Wine's 64 KiB granularity (the largest free block is given).
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const windowExhausted: Rule = {
  code: 'window-exhausted',
  family: 'unsafe',
  severity: 'error',
  title:
    "No block of the needed size is free in the 32-bit window: exhausted, fragmented, or cut short by Wine's 64 KiB granularity (the largest free block is given).",
};
