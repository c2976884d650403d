// `gl-error`: a GL call raises an error (GL_INVALID_VALUE, GL_INVALID_OPERATION): a range past the
// buffer, a map of a mapped buffer, access bits the storage flags do not allow…
// Found by the GL layer (server/src/engine/model/gl/gl-layer.ts).
import type { Rule } from './rule';

export const glError: Rule = {
  code: 'gl-error',
  family: 'vulkan',
  severity: 'error',
  title: 'A GL call raises a GL error: the message names it and the rule of the OpenGL specification.',
};
