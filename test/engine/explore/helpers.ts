// Shared by the exploration tests: the example file, and small workloads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioExploration } from '../../../server/src/engine/explore/explore';

export const root = join(__dirname, '..', '..', '..', '..');

export function exampleText(): string {
  return readFileSync(join(root, 'examples', '12-explore-strategies.drvmap'), 'utf8');
}

/** Per behaviour, `verdict hazard`, keyed by the behaviour's values: what pruning must preserve. */
export function verdictTable(s: ScenarioExploration): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of s.behaviours) {
    const key = Object.entries(b.values)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    out.set(key, `${b.verdict} ${b.hazard ?? ''}`);
  }
  return out;
}

/** A scenario for `strategy` whose driver block is `traits` (one per line). */
export function scenario(
  strategy: string,
  traits: readonly string[],
  steps: readonly string[],
  extra: readonly string[] = [],
): string {
  return [
    `scenario "${strategy}" {`,
    `  strategy ${strategy}`,
    ...extra.map((l) => `  ${l}`),
    '  driver gpu {',
    ...traits.map((t) => `    ${t}`),
    '  }',
    ...steps.map((s) => `  ${s}`),
    '}',
    '',
  ].join('\n');
}

export const WORKLOAD = [
  'other = vkAllocateMemory 64KiB host-visible coherent',
  'mem = vkAllocateMemory 1MiB host-visible coherent',
  'p = vkMapMemory mem',
  'app writes p + 0x100, 64',
  'w = gpu writes mem + 0x200, 64',
  'expect app reads p + 0x200, 64 == w',
  'vkUnmapMemory mem',
  'vkFreeMemory mem',
];

/** A placed-strategy scenario with one driver per name, every trait open, each mapping memory. */
export function openDriversScenario(names: readonly string[]): string {
  return [
    'scenario "open" {',
    '  strategy placed',
    ...names.flatMap((n) => [`  driver ${n} {`, '    any', '  }']),
    ...names.flatMap((n) => [
      `  m${n} = vkAllocateMemory 1MiB host-visible coherent driver ${n}`,
      `  p${n} = vkMapMemory m${n}`,
      `  ${n} writes m${n}, 4`,
    ]),
    '}',
    '',
  ].join('\n');
}
