// Building SyscallResults: success with effects, or an errno with the precise reason.
// A run keeps every result (the call records read them), so effect lists are allocated at their
// exact length: an array grown by `push` from `[]` keeps room for 17 elements.
import type { Effect, Errno, SyscallResult } from './types';

export type Failure = {
  readonly ok: false;
  readonly errno: Errno;
  readonly reason: string;
  readonly effects: readonly Effect[];
  /** madvise: the page where a VMA refused part-way through the walk; the VMAs before it were advised. */
  readonly refusedAtPage?: number;
};

/** The one empty effect list (frozen: results share it). */
export const NO_EFFECTS: readonly Effect[] = Object.freeze([]);

export function succeed(value: bigint, effects: readonly Effect[] = NO_EFFECTS): SyscallResult {
  return { ok: true, value, effects };
}

export function fail(errno: Errno, reason: string, effects: readonly Effect[] = NO_EFFECTS): Failure {
  return { ok: false, errno, reason, effects };
}

/** The same failure, with the effects that had already happened when it was detected. */
export function withEffects(failure: Failure, effects: readonly Effect[]): Failure {
  return effects.length === 0 ? failure : { ...failure, effects: [...effects, ...failure.effects] };
}

/** A list built with `push`, as an exact-size array to keep (NO_EFFECTS when empty). */
export function exactEffects(effects: readonly Effect[]): readonly Effect[] {
  return effects.length === 0 ? NO_EFFECTS : effects.slice();
}
