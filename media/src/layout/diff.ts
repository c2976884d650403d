// What changed between two steps, per mapping: matched by start address, owner and kind (a
// reservation replaced in place by another actor's mapping is a removal plus an addition).
export type ChangeKind = 'added' | 'removed' | 'changed' | 'same';

export interface ComparableMapping {
  readonly start: string;
  readonly end: string;
  readonly perms: string;
  readonly kind: string;
  readonly owner: string;
  readonly backing: string;
  readonly stale: boolean;
  readonly hazard: string | undefined;
}

export interface MappingDiff {
  /** Change of each mapping of `before` / `after`, by index. */
  readonly before: ChangeKind[];
  readonly after: ChangeKind[];
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

function normal(address: string): string {
  return address.replace(/_/g, '').toLowerCase();
}

function identity(m: ComparableMapping): string {
  return `${normal(m.start)}@${m.owner}/${m.kind}`;
}

function same(a: ComparableMapping, b: ComparableMapping): boolean {
  return (
    normal(a.end) === normal(b.end) &&
    a.perms === b.perms &&
    a.backing === b.backing &&
    a.stale === b.stale &&
    a.hazard === b.hazard
  );
}

export function diffMappings(
  before: readonly ComparableMapping[],
  after: readonly ComparableMapping[],
): MappingDiff {
  const byStart = new Map<string, number>();
  before.forEach((m, i) => byStart.set(identity(m), i));
  const beforeKinds: ChangeKind[] = before.map(() => 'removed');
  const afterKinds: ChangeKind[] = after.map((m) => {
    const i = byStart.get(identity(m));
    if (i === undefined) return 'added';
    const kind: ChangeKind = same(before[i]!, m) ? 'same' : 'changed';
    beforeKinds[i] = kind;
    return kind;
  });
  const count = (list: ChangeKind[], kind: ChangeKind): number => list.filter((k) => k === kind).length;
  return {
    before: beforeKinds,
    after: afterKinds,
    added: count(afterKinds, 'added'),
    removed: count(beforeKinds, 'removed'),
    changed: count(afterKinds, 'changed'),
  };
}
