// `gl-client-range-too-small`: a map with MAP_CLIENT_POINTER_BIT_MESA finds no room in the client
// pointer ranges: GL_OUT_OF_MEMORY, with BUFFER_CLIENT_POINTER_SIZE_MESA the size needed.
// Found by the GL layer (server/src/engine/model/gl/client-pointer.ts).
import type { Rule } from './rule';

export const glClientRangeTooSmall: Rule = {
  code: 'gl-client-range-too-small',
  family: 'unsafe',
  severity: 'error',
  title:
    'A GL map placed in the client pointer ranges (GL_MESA_map_buffer_client_pointer) does not fit: GL_OUT_OF_MEMORY, with the size needed.',
};
