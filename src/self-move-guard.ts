// When the panel moves the editor's cursor (a click on the timeline or on a mapping), VS Code
// reports that move as a selection change like any other. Following it would send the panel a
// state it did not ask for (a feedback loop). The guard remembers the moves we made and
// recognises their echo once.

export interface CursorSpot {
  readonly uri: string;
  readonly line: number;
  readonly character: number;
}

const sameSpot = (a: CursorSpot, b: CursorSpot) =>
  a.uri === b.uri && a.line === b.line && a.character === b.character;

export class SelfMoveGuard {
  private expected: { spot: CursorSpot; until: number }[] = [];

  /**
   * @param windowMs how long an expected echo stays armed: if VS Code reports no change (the
   * cursor was already there) the expectation must not swallow a later genuine move.
   */
  constructor(
    private readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call before moving the cursor ourselves. */
  expect(spot: CursorSpot): void {
    this.prune();
    this.expected.push({ spot, until: this.now() + this.windowMs });
  }

  /** True (once) when a selection change is the echo of our own move. */
  isEcho(spot: CursorSpot): boolean {
    this.prune();
    const at = this.expected.findIndex((e) => sameSpot(e.spot, spot));
    if (at < 0) return false;
    this.expected.splice(at, 1);
    return true;
  }

  clear(): void {
    this.expected = [];
  }

  private prune(): void {
    const now = this.now();
    this.expected = this.expected.filter((e) => e.until >= now);
  }
}
