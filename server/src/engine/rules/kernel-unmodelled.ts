// `kernel-unmodelled`: a `kernel` version newer than the facts the simulator follows. The
// scenario still runs, with the newest rules drvmap knows; the note keeps a result from looking
// checked against a release whose rules may differ (linux-mm.md §3.4 names one change expected
// after 6.19: DRM_GEM_FOPS drivers' and panthor's BOs leave multi-VMA moves; docs/kernel-model.md).
// Reported while reading the platform settings (server/src/engine/sim/platform.ts). On `platform
// macos`, also for a call or strategy macOS does not have (mremap, MAP_FIXED_NOREPLACE, FEX, …),
// which still runs Linux's way (server/src/engine/sim/linux-only.ts). And for a madvise advice the
// model does not take (guard regions, the hints), whose step is not run
// (server/src/engine/sim/unmodelled-advice.ts).
import type { Rule } from './rule';

export const kernelUnmodelled: Rule = {
  code: 'kernel-unmodelled',
  family: 'kernel',
  severity: 'info',
  title:
    'A kernel whose rules drvmap does not follow (a version newer than its Linux rules, or macOS for a call or strategy only Linux has): it is simulated with the Linux rules drvmap has. A madvise advice drvmap does not model (guard regions, the hints) is named, and its step not run.',
};
