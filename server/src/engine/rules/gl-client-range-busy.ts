// `gl-client-range-busy`: glReleaseClientPointerRangeMESA while a buffer is still mapped in the
// range, or before glFlush after the last unmap. Found by the GL layer (model/gl/gl-layer.ts).
import type { Rule } from './rule';

export const glClientRangeBusy: Rule = {
  code: 'gl-client-range-busy',
  family: 'unsafe',
  severity: 'error',
  title:
    'The client pointer ranges are released while a buffer is mapped in them, or before glFlush: GL_INVALID_OPERATION.',
};
