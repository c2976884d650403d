// Shared by the exploration tests: the example file, and small workloads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  explore,
  type ExploreOptions,
  type ScenarioExploration,
} from '../../../server/src/engine/explore/explore';
import { analyseDocument } from '../../../server/src/engine/analysis';

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

/**
 * The invariant docs/explore.md promises: each behaviour's verdict agrees with `drvmap check` on
 * the scenario with that behaviour's traits written in (safe exactly when check finds no error).
 * For a file of one scenario whose driver opens its traits by name (`caches-pointer any`).
 */
export function assertVerdictsAgreeWithCheck(
  text: string,
  options: ExploreOptions = {},
): ScenarioExploration {
  const explored = explore(text, options);
  assert.deepEqual(explored.problems, []);
  const scenario = explored.scenarios[0]!;
  for (const behaviour of scenario.behaviours) {
    let fixed = text;
    for (const [trait, value] of Object.entries(behaviour.values))
      fixed = fixed.replace(`${trait} any`, `${trait} ${value}`);
    const errors = analyseDocument(fixed)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.code);
    assert.equal(
      behaviour.verdict === 'safe',
      errors.length === 0,
      `${JSON.stringify(behaviour.values)}: explore says ${behaviour.verdict} ${behaviour.hazard ?? ''}, check finds ${errors.join(', ') || 'no error'}`,
    );
  }
  return scenario;
}
