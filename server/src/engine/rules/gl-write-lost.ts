// `gl-write-lost`: 32-bit code wrote into a GL map, and the write never reaches the buffer: the copy
// path does not copy back a map without GL_MAP_WRITE_BIT, and GL_MAP_FLUSH_EXPLICIT_BIT leaves
// unflushed ranges undefined. Found by the GL layer (server/src/engine/model/gl/gl-layer.ts).
import type { Rule } from './rule';

export const glWriteLost: Rule = {
  code: 'gl-write-lost',
  family: 'unsafe',
  severity: 'error',
  title:
    'Writes into a GL map that never reach the buffer: no copy-back without GL_MAP_WRITE_BIT, or no flush of the range under GL_MAP_FLUSH_EXPLICIT_BIT.',
};
