// `wine-unmodelled`: a Wine release newer than the Wine source drvmap's model was read against
// (sim/wine-version.ts, NEWEST_WINE_READ). The scenario runs with the newest behaviour drvmap
// knows, as a kernel past the rules does (`kernel-unmodelled`); the note keeps a result from
// looking checked against a release whose winevulkan / win32u / opengl32 may have changed.
// Reported while reading the platform settings (server/src/engine/sim/platform.ts).
import type { Rule } from './rule';

export const wineUnmodelled: Rule = {
  code: 'wine-unmodelled',
  family: 'vulkan',
  severity: 'info',
  title:
    'A Wine release newer than the Wine source drvmap follows: it is simulated with the newest Wine behaviour drvmap has.',
};
