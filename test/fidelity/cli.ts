// `npm run fidelity -- --runs N --seed S [--steps MIN-MAX] [--ignore-merge] [--bench STEPS] [--json FILE]`:
// runs N random programs on the kernel and the simulator, groups the mismatches by class, shrinks
// one example per class and prints it side by side. Exit code 1 when any mismatch was found.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Mismatch } from './compare';
import { compareRuns, renderMismatch } from './compare';
import { kernelUnavailable } from './env';
import { programArbitrary } from './generate';
import { runKernel } from './kernel-runner';
import { benchKernelVsSim } from './perf';
import type { Program } from './program';
import { runSim } from './sim-runner';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface ClassReport {
  key: string;
  cls: string;
  count: number;
  firstRun: number;
  shrunk?: string;
}

async function main(): Promise<number> {
  const why = kernelUnavailable();
  if (why) {
    console.error(`fidelity: cannot run the kernel side here: ${why}`);
    return 2;
  }
  const bench = arg('bench');
  if (bench !== undefined) {
    const r = await benchKernelVsSim(Number(bench) || 100_000);
    console.log(
      `bench ${Number(bench) || 100_000} steps: kernel ${r.kernelMs.toFixed(1)} ms, simulator ${r.simMs.toFixed(1)} ms`,
    );
    return 0;
  }
  const runs = Number(arg('runs') ?? 500);
  const seed = Number(arg('seed') ?? 0x6d6d6170);
  const [minSteps, maxSteps] = (arg('steps') ?? '8-30').split('-').map(Number) as [number, number];
  const arb = programArbitrary(minSteps, maxSteps);
  // --ignore-merge: VMA boundaries that differ only by merging are not mismatches (to look past them).
  const opts = { ignoreMergeBoundaries: process.argv.includes('--ignore-merge') };
  const classes = new Map<string, ClassReport>();
  let agreed = 0;
  let run = 0;
  const started = Date.now();
  const check = async (program: Program): Promise<Mismatch | undefined> => {
    const kernel = await runKernel(program);
    return compareRuns(program, kernel, runSim(program), opts);
  };
  // Pass 1: every run, recording the class of each mismatch (the property never fails).
  await fc.assert(
    fc.asyncProperty(arb, async (program) => {
      const m = await check(program);
      if (!m) agreed++;
      else {
        const c = classes.get(m.key) ?? { key: m.key, cls: m.cls, count: 0, firstRun: run };
        c.count++;
        classes.set(m.key, c);
      }
      run++;
    }),
    { seed, numRuns: runs },
  );
  const elapsed = Date.now() - started;
  // Pass 2: one shrunk example per class (the property fails only on that class).
  for (const c of classes.values()) {
    const result = await fc.check(
      fc.asyncProperty(arb, async (program) => (await check(program))?.key !== c.key),
      { seed, numRuns: runs },
    );
    const program = result.counterexample?.[0];
    if (program) {
      const kernel = await runKernel(program);
      const sim = runSim(program);
      const m = compareRuns(program, kernel, sim, opts);
      if (m) c.shrunk = renderMismatch(program, kernel, sim, m);
    }
  }
  console.log(
    `fidelity: ${runs} programs (seed ${seed}, ${minSteps}-${maxSteps} steps) in ${(elapsed / 1000).toFixed(1)} s`,
  );
  console.log(`agreed: ${agreed}, mismatched: ${runs - agreed}, classes: ${classes.size}`);
  for (const c of [...classes.values()].sort((a, b) => b.count - a.count)) {
    console.log(`\n=== ${c.count}x ${c.key} (first at run ${c.firstRun})`);
    if (c.shrunk) console.log(c.shrunk);
  }
  const json = arg('json');
  if (json)
    writeFileSync(json, JSON.stringify({ runs, seed, agreed, classes: [...classes.values()] }, null, 2));
  return classes.size === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
