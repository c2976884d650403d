// Run on This Kernel as root (a dev container): the harness may map below vm.mmap_min_addr, which
// the scenario's ordinary process may not, so a root harness is compared with a root simulation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { compareKernelRun, parseHarnessOutput } from '../../../server/src/engine/export/kernel-compare';
import { harnessSimulation } from '../../../server/src/engine/export/harness-simulation';
import { syscallProgram } from '../../../server/src/engine/export/syscall-program';

const ARENA = 0x7e00_0000_0000n;
const TEXT = `scenario "s" {
  z = mmap 4KiB rw private anon at 0 fixed
  app writes z, 1, 0x5
}
`;

/** What the harness reports for TEXT's program run as root: the map at 0 and the write succeed. */
const ROOT_OUTPUT = parseHarnessOutput({
  arenaBase: Number(ARENA),
  steps: [
    { op: 'M', ok: true, v: 0, rel: false },
    { op: 'W', ok: true },
  ],
});

function compare(harnessRoot: boolean) {
  const analysis = analyseDocument(TEXT);
  const scenario = analysis.scenarios[0]!;
  const sim = harnessSimulation(scenario.run, analysis.text, {}, harnessRoot);
  // The program sent to the harness and the comparison come from the same run.
  const program = syscallProgram(sim.run, ARENA);
  const steps = sim.run.simulation.records.map((r) => ({
    stepIndex: r.index,
    start: r.node.start,
    end: r.node.end,
    text: r.node.text,
  }));
  assert.ok(ROOT_OUTPUT);
  return { sim, compared: compareKernelRun(program, ROOT_OUTPUT, steps) };
}

test('a root harness that maps at 0 agrees with the simulation of a root process, and the notes say so', () => {
  const { sim, compared } = compare(true);
  assert.deepEqual(
    compared.map((c) => `${c.status}: ${c.detail}`),
    ['agree: both succeed', 'agree: both succeed'],
  );
  assert.match(sim.note ?? '', /ran as root.*below vm\.mmap_min_addr.*ordinary/);
});

test("a harness that is not root is compared with the scenario's own run: its map at 0 is EPERM there", () => {
  const { sim, compared } = compare(false);
  assert.equal(compared[0]!.status, 'differ');
  assert.match(compared[0]!.detail, /EPERM/);
  assert.equal(sim.note, undefined);
});
