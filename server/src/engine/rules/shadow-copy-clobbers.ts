// `shadow-copy-clobbers`: a shadow copy's copy-back (at flush or unmap) puts the shadow's bytes
// over bytes the device (or the driver's own pointer) wrote since the copy-in, where 32-bit code
// wrote nothing: the device's data is lost without any error. Found by the shadow-copy strategy
// (server/src/engine/model/strategies/shadow-copy.ts) and by Wine's GL copy path at glUnmapBuffer
// (server/src/engine/model/gl/shadow-copy.ts).
import type { Rule } from './rule';

export const shadowCopyClobbers: Rule = {
  code: 'shadow-copy-clobbers',
  family: 'unsafe',
  severity: 'error',
  title: "A shadow copy's copy-back overwrites bytes the device wrote after the copy-in.",
};
