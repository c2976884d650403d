// Building SyscallResults: success with effects, or an errno with the precise reason.
import type { Effect, Errno, SyscallResult } from './types';

export type Failure = {
  readonly ok: false;
  readonly errno: Errno;
  readonly reason: string;
  readonly effects: readonly Effect[];
};

export function succeed(value: bigint, effects: readonly Effect[] = []): SyscallResult {
  return { ok: true, value, effects };
}

export function fail(errno: Errno, reason: string, effects: readonly Effect[] = []): Failure {
  return { ok: false, errno, reason, effects };
}

/** The same failure, with the effects that had already happened when it was detected. */
export function withEffects(failure: Failure, effects: readonly Effect[]): Failure {
  return effects.length === 0 ? failure : { ...failure, effects: [...effects, ...failure.effects] };
}
