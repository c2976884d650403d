// One lane per actor, in a stable order: the application, the compatibility layer, then the
// others by name. What an actor is comes from the state: only the scenario's drivers (the
// server lists them) are called drivers; `host` is the process's other 64-bit code, and a
// declared `actor NAME` is just that, unless its name is a known compatibility layer.
const FIRST = ['app', 'wine'];
const LAYERS = new Set(['wine', 'fex', 'box64', 'hangover', 'crossover', 'layer']);

export type ActorKind = 'application' | 'layer' | 'driver' | 'host' | 'actor';

export function laneOrder(owners: Iterable<string>): string[] {
  const unique = [...new Set(owners)];
  const rank = (owner: string): number => {
    const i = FIRST.indexOf(owner);
    return i === -1 ? FIRST.length : i;
  };
  return unique.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `drivers`: the scenario's driver names (PanelState.drivers). */
export function actorKind(owner: string, drivers: ReadonlySet<string>): ActorKind {
  if (owner === 'app') return 'application';
  // A driver's name is checked first: the language forbids a driver named like a built-in actor.
  if (drivers.has(owner)) return 'driver';
  if (owner === 'host') return 'host';
  return LAYERS.has(owner) ? 'layer' : 'actor';
}

/** Short name for the lane's row header. */
export function laneLabel(owner: string, drivers: ReadonlySet<string>): string {
  switch (actorKind(owner, drivers)) {
    case 'application':
      return 'application';
    case 'layer':
      return `${owner} (layer)`;
    case 'driver':
      return `${owner} (driver)`;
    case 'host':
      return 'host (64-bit)';
    case 'actor':
      return `${owner} (actor)`;
  }
}

/** Display name of an actor. */
export function actorLabel(owner: string, drivers: ReadonlySet<string>): string {
  switch (actorKind(owner, drivers)) {
    case 'application':
      return 'application';
    case 'layer':
      return `compat layer (${owner})`;
    case 'driver':
      return `driver ${owner}`;
    case 'host':
      return 'host (other 64-bit code)';
    case 'actor':
      return `actor ${owner}`;
  }
}
