// Which simulation "Run on This Kernel" builds its harness program from and compares the harness's
// run with. A scenario models an ordinary process (no CAP_SYS_RAWIO: a fixed map below
// vm.mmap_min_addr is EPERM, facts linux-mm §1.1 row 12), but the harness runs as the editor's
// user, which in a dev container is root: there such a map succeeds, and comparing with the
// scenario's own run reported a false kernel-mismatch. For a root harness the scenario is
// simulated again as a root process (one run per request, small next to the harness's), and both
// the program and the comparison come from that run, so they match each other.
import { runScenario, type RunOptions, type ScenarioRun } from '../sim/run';

export interface HarnessSimulation {
  readonly run: ScenarioRun;
  /** For the run's notes: how the harness's privilege was taken into account (root only). */
  readonly note: string | undefined;
}

/** `run`: the scenario's own run (an ordinary process), made with `options` from `text`. */
export function harnessSimulation(
  run: ScenarioRun,
  text: string,
  options: RunOptions,
  harnessRoot: boolean,
): HarnessSimulation {
  if (!harnessRoot) return { run, note: undefined };
  return {
    run: runScenario(run.node, text, { ...options, capSysRawio: true }),
    note: 'The harness ran as root, which may map below vm.mmap_min_addr: it is compared with the scenario simulated as a root process (CAP_SYS_RAWIO); scenarios model an ordinary one.',
  };
}
