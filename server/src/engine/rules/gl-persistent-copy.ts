// `gl-persistent-copy`: GL_MAP_PERSISTENT_BIT on Wine's copy path: FIXME, the map fails.
// Found by the GL layer (server/src/engine/model/gl/shadow-copy.ts).
import type { Rule } from './rule';

export const glPersistentCopy: Rule = {
  code: 'gl-persistent-copy',
  family: 'unsafe',
  severity: 'error',
  title:
    "A persistent GL map that can only take Wine's copy path (no Vulkan-backed buffer): Wine prints a FIXME and glMapBufferRange returns NULL.",
};
