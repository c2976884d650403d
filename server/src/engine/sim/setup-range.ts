// Where what happens at set-up (before step 1: the strategy's reservations, each driver's device
// creation, which comes after the leading `reserve … preloaded` steps: sim/device-creation-point.ts)
// is reported, since no step does it: a driver's on its block's name, the strategy's on the
// `strategy` line, either on the scenario's name when there is no such line.
import type { DriverModel } from '../model/driver';
import type { ScenarioNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';

export function setupRange(node: ScenarioNode, driver: DriverModel | undefined): TextRange {
  if (driver?.node) return driver.node.name ?? driver.node.keyword;
  if (!driver)
    for (const statement of node.body)
      if (statement.kind === 'setting' && statement.keyword.name === 'strategy') return statement;
  return node.name ?? node.keyword;
}
