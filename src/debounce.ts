// A debouncer with injectable timers, so the editor-following logic can be tested without
// waiting: the last call within `delayMs` wins.

export interface Timers {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Debouncer {
  private handle: unknown;
  private pending: (() => void) | undefined;

  constructor(private readonly timers: Timers = realTimers) {}

  /** Runs `action` after `delayMs` unless another call comes first; the latest action wins. */
  schedule(action: () => void, delayMs: number): void {
    this.cancel();
    this.pending = action;
    this.handle = this.timers.set(() => this.flush(), delayMs);
  }

  /** Runs the pending action now, if any. */
  flush(): void {
    const action = this.pending;
    this.cancel();
    action?.();
  }

  cancel(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
    this.pending = undefined;
  }

  get isPending(): boolean {
    return this.pending !== undefined;
  }
}
