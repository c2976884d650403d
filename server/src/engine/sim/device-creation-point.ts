// Where the drivers create their devices in a scenario's run. Wine's reserved areas exist before
// anything else in the process runs: the preloader maps them in wld_start before it jumps to
// ld.so (wine-mirror/wine loader/preloader.c), and box64, which skips the preloader when it runs
// Wine, maps its own list (and a WINEPRELOADRESERVE range) at start-up before Wine's code runs
// (box64 src/core.c, model/box64-prereserve.ts). So they precede every library's constructor and
// the Vulkan device Wine creates, whose driver then makes its internal mappings (radv's pools,
// Mesa src/amd/vulkan radv_device.c radv_CreateDevice) wherever the kernel finds room outside
// them. A scenario states such areas with `reserve … preloaded` steps written first, and the
// drivers' device creation comes after them; with no such steps it comes before step 1 with the
// rest of the set-up (a strategy's own start-up: box64's wine_prereserve).
//
// Deferring device creation, rather than running those steps inside set-up, keeps every step in
// its place and the timeline exact: each leading step's state is the one it made, and the state
// after the last of them is the one device creation left (run.ts). A `maxSteps` cut among them
// never reaches the device creation, as it reaches no later step or expectation; nothing else
// moves, so no step, rule or view needs to know that some steps ran "before set-up".
import type { Statement, StepNode } from '../syntax/ast';
import { canonicalVerb } from '../language/vocabulary';
import { stepHasWord } from './words';

/**
 * The index in `body` of the statement before which the drivers create their devices: 0 (before
 * step 1, at set-up) unless the scenario starts with `reserve … preloaded` steps (settings and
 * declarations between them do not count), else the first step or expectation after them, or
 * `body.length` when nothing follows them.
 */
export function deviceCreationPoint(body: readonly Statement[]): number {
  let leading = 0;
  // Indexed: it runs once per run, in the interpreter, where `for…of` makes an iterator result each.
  for (let i = 0; i < body.length; i++) {
    const statement = body[i]!;
    if (statement.kind !== 'step' && statement.kind !== 'expect') continue;
    if (statement.kind === 'expect' || !isPreloadedReserve(statement)) return leading === 0 ? 0 : i;
    leading++;
  }
  return leading === 0 ? 0 : body.length;
}

function isPreloadedReserve(step: StepNode): boolean {
  return canonicalVerb(step.verbName) === 'reserve' && stepHasWord(step, 'preloaded');
}
