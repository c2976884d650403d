// From a cell of the exploration matrix to what the server needs to replay it: the behaviour's
// values as driver traits by their driver-block words, and a readable name for its trace. Pure.
import type { DriverOverrides, ExploreMatrix } from '../protocol/panel';

/** The driver traits behaviour `index` stands for; undefined for an index out of range. */
export function overridesForBehaviour(matrix: ExploreMatrix, index: number): DriverOverrides | undefined {
  const behaviour = matrix.behaviours[index];
  if (!behaviour) return undefined;
  // Keyed by driver names from the file, so gathered in Maps and made objects by fromEntries,
  // which defines each key as the object's own: a driver named `__proto__` stays a driver (on
  // `{}`, `drivers['__proto__']` is Object.prototype, which every extension in the host shares).
  const drivers = new Map<string, Map<string, string>>();
  for (const dimension of matrix.dimensions) {
    // The kernel is not a driver trait; the editor's exploration does not open it.
    if (dimension.driver === undefined) continue;
    const value = behaviour.values[dimension.key];
    if (value === undefined) continue;
    let traits = drivers.get(dimension.driver);
    if (!traits) drivers.set(dimension.driver, (traits = new Map()));
    traits.set(dimension.trait, value);
  }
  return {
    scenarioIndex: matrix.scenarioIndex,
    drivers: Object.fromEntries([...drivers].map(([driver, traits]) => [driver, Object.fromEntries(traits)])),
  };
}

/** `/remap-dontunmap-under-any-driver/behaviour-12.trace`: the trace document's path. */
export function traceDocumentPath(scenario: string, index: number): string {
  const slug =
    scenario
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'scenario';
  return `/${slug}/behaviour-${index + 1}.trace`;
}
