// When the server dies: restart it, unless it keeps dying. Pure, so the limits are tested.

export type CrashDecision = 'restart' | 'give-up';

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    /** Restarts allowed within `windowMs`; one crash more gives up. */
    private readonly maxRestarts = 4,
    private readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  onCrash(): CrashDecision {
    const now = this.now();
    this.crashes = this.crashes.filter((t) => now - t <= this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.maxRestarts ? 'restart' : 'give-up';
  }

  /** The user restarted the server: start counting afresh. */
  reset(): void {
    this.crashes = [];
  }

  get recentCrashes(): number {
    return this.crashes.length;
  }
}
