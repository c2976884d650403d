// Exploration benchmark: a 1k-step Vulkan workload with its driver left open (`any`), explored
// over the full driver space (DRIVER_SPACE) for each of the four strategies of the design.
// bench/run.ts picks up `benchExplore` (scripts/bench.mjs bundles this file when it exists).
//
// The workload is what a renderer does: allocations of mixed sizes (some smaller than a page, so
// pools suballocate), maps, application writes, driver writes checked by the application's
// reads, flushes, unmaps and frees, with a bounded number of live objects. A seeded PRNG makes
// every run the same text.
import { explore } from '../server/src/engine/explore/explore';
import { prng } from './engine-bench';

export const EXPLORE_STRATEGIES = ['remap-dontunmap', 'hook-mmap', 'placed', 'alias'] as const;

/** A scenario of exactly `steps` Vulkan steps for `strategy`, its driver open. */
export function generateExploreWorkload(steps: number, strategy: string, seed = 7): string {
  const random = prng(seed ^ steps);
  const lines = [
    `scenario "explore ${steps} steps" {`,
    '  kernel 6.6',
    '  driver gpu {',
    '    any',
    '  }',
    `  strategy ${strategy}`,
  ];
  const sizes = ['4KiB', '64KiB', '64KiB', '256KiB', '1MiB', '1MiB', '4MiB'];
  type Live = { name: string; mapped: string | undefined; size: number };
  const live: Live[] = [];
  const bytes = (s: string) =>
    s.endsWith('MiB') ? parseInt(s) << 20 : s.endsWith('KiB') ? parseInt(s) << 10 : parseInt(s);
  let next = 1;
  let count = 0;
  const add = (line: string, isStep = true) => {
    lines.push(`  ${line}`);
    if (isStep) count++;
  };
  while (count < steps) {
    const r = random();
    const mapped = live.filter((m) => m.mapped !== undefined);
    const unmapped = live.filter((m) => m.mapped === undefined);
    if (live.length < 4 || (r < 0.18 && live.length < 12)) {
      const size = sizes[Math.floor(random() * sizes.length)]!;
      const name = `m${next++}`;
      add(`${name} = vkAllocateMemory ${size} host-visible coherent`);
      live.push({ name, mapped: undefined, size: bytes(size) });
    } else if (r < 0.36 && unmapped.length > 0) {
      const m = unmapped[Math.floor(random() * unmapped.length)]!;
      m.mapped = `p${next++}`;
      add(`${m.mapped} = vkMapMemory ${m.name}`);
    } else if (r < 0.62 && mapped.length > 0) {
      const m = mapped[Math.floor(random() * mapped.length)]!;
      const offset = Math.floor((random() * m.size) / 2 / 16) * 16;
      const w = `w${next++}`;
      add(`${w} = gpu writes ${m.name} + 0x${offset.toString(16)}, 16`);
      if (count < steps) add(`expect app reads ${m.mapped} + 0x${offset.toString(16)}, 16 == ${w}`, false);
    } else if (r < 0.8 && mapped.length > 0) {
      const m = mapped[Math.floor(random() * mapped.length)]!;
      add(`app writes ${m.mapped} + 0x${(Math.floor((random() * m.size) / 2 / 16) * 16).toString(16)}, 16`);
    } else if (r < 0.86 && mapped.length > 0) {
      const m = mapped[Math.floor(random() * mapped.length)]!;
      add(`vkFlushMappedMemoryRanges ${m.name}`);
    } else if (r < 0.94 && mapped.length > 0) {
      const m = mapped[Math.floor(random() * mapped.length)]!;
      add(`vkUnmapMemory ${m.name}`);
      m.mapped = undefined;
    } else if (live.length > 4) {
      const i = Math.floor(random() * live.length);
      add(`vkFreeMemory ${live[i]!.name}`);
      live.splice(i, 1);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export interface ExploreBench {
  /** The slowest strategy's exploration of the 1k-step workload over the full space (ms). */
  readonly ms: number;
  /** The same in CPU time (user + system): what a busy machine does not inflate as much. */
  readonly cpuMs: number;
  readonly perStrategyMs: Readonly<Record<string, number>>;
  /** Simulations run, all strategies (after pruning). */
  readonly runs: number;
  /** Behaviours classified, all strategies. */
  readonly behaviours: number;
}

export async function benchExplore(steps = 1_000): Promise<ExploreBench> {
  const perStrategyMs: Record<string, number> = {};
  const perStrategyCpuMs: Record<string, number> = {};
  let runs = 0;
  let behaviours = 0;
  // Warm the JIT on a small workload first, as an editor session would be.
  for (const strategy of EXPLORE_STRATEGIES) explore(generateExploreWorkload(100, strategy));
  for (const strategy of EXPLORE_STRATEGIES) {
    const text = generateExploreWorkload(steps, strategy);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = explore(text);
    perStrategyMs[strategy] = performance.now() - started;
    const used = process.cpuUsage(cpu);
    perStrategyCpuMs[strategy] = (used.user + used.system) / 1000;
    for (const s of result.scenarios) {
      runs += s.runs;
      behaviours += s.total;
    }
  }
  return {
    ms: Math.max(...Object.values(perStrategyMs)),
    cpuMs: Math.max(...Object.values(perStrategyCpuMs)),
    perStrategyMs,
    runs,
    behaviours,
  };
}
