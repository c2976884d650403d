// One lane per actor, in a stable order: the application, the compatibility layer, then drivers.
const FIRST = ['app', 'wine'];
const LAYERS = new Set(['wine', 'fex', 'box64', 'hangover', 'crossover', 'layer']);

export function laneOrder(owners: Iterable<string>): string[] {
  const unique = [...new Set(owners)];
  const rank = (owner: string): number => {
    const i = FIRST.indexOf(owner);
    return i === -1 ? FIRST.length : i;
  };
  return unique.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Short name for the lane's row header. */
export function laneLabel(owner: string): string {
  if (owner === 'app') return 'application';
  return LAYERS.has(owner) ? `${owner} (layer)` : `${owner} (driver)`;
}

/** Display name of an actor. */
export function actorLabel(owner: string): string {
  if (owner === 'app') return 'application';
  if (LAYERS.has(owner)) return `compat layer (${owner})`;
  return `driver ${owner}`;
}
