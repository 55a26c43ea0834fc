// The decisions of the replication jobs, pure: when a window call may be sent, what an
// observation after an unanswered call means, when a refusal sends the call to the pair's
// other volume, and when a mirror counts as stuck.
import { classifyStatStatus } from './pair.ts';

export type WindowAction = 'start' | 'stop';

/**
 * From the `/stat` status before a window call: send it, nothing to do, re-check later
 * (UPDATING/PENDING/RETRIEVE FAILED/unknown: the API would refuse or the outcome is unclear), or
 * give up (DELETING).
 */
export function windowStep(action: WindowAction, status: string | null | undefined): 'send' | 'already' | 'wait' | 'refuse' {
  const reading = classifyStatStatus(status);
  if (reading === 'DELETING') return 'refuse';
  if (reading === 'ACTIVE') return action === 'stop' ? 'send' : 'already';
  if (reading === 'HALT') return action === 'start' ? 'send' : 'already';
  return 'wait';
}

/**
 * What `/stat` after a window call whose answer was lost says: the call took effect (stop: HALT;
 * start: ACTIVE, or UPDATING since it was HALT before the request), may still be taking effect
 * (stop: UPDATING/PENDING, the final sync), or did not (or cannot be told).
 */
export function observedOutcome(action: WindowAction, status: string | null | undefined): 'confirmed' | 'pending' | 'not-confirmed' {
  const reading = classifyStatStatus(status);
  if (action === 'stop') {
    if (reading === 'HALT') return 'confirmed';
    return reading === 'TRANSIENT' ? 'pending' : 'not-confirmed';
  }
  return reading === 'ACTIVE' || reading === 'TRANSIENT' ? 'confirmed' : 'not-confirmed';
}

/** The fields of a failed call these decisions read (NasApiError's, read defensively). */
export interface CallFailure {
  httpStatus?: number | undefined;
  attempts?: number | undefined;
  outcomeUnknown?: boolean | undefined;
  earlierOutcomeUnknown?: boolean | undefined;
}

/**
 * A read-only `/stat` refused as "not this volume" (A1): 404, or 400 (a read cannot be refused
 * for the mirror's state). Only then is the pair's other volume tried.
 */
export function refusedAsUnknownVolume(failure: CallFailure): boolean {
  return failure.httpStatus === 404 || failure.httpStatus === 400;
}

/**
 * The mutation may have been applied although it failed: the client says so (outcomeUnknown,
 * or earlierOutcomeUnknown for an earlier attempt), or a retry was refused with 400 — which is
 * what a retry of a stop/start that took effect gets.
 */
export function mayHaveApplied(failure: CallFailure): boolean {
  if (failure.outcomeUnknown === true || failure.earlierOutcomeUnknown === true) return true;
  return failure.httpStatus === 400 && (failure.attempts ?? 1) > 1;
}

/** `/stat` statuses a mirror passes through (classifyStatStatus TRANSIENT); staying in one too long is "stuck". */
export const TRANSIENT_STAT_STATUSES = ['UPDATING', 'PENDING'] as const;

export function isTransientStatus(status: string | null | undefined): boolean {
  return classifyStatStatus(status) === 'TRANSIENT';
}

/**
 * Stuck: the current status is transient and has been since `transientSince` (the first sample
 * of the current unbroken run of UPDATING/PENDING samples) for longer than `stuckMs`.
 */
export function mirrorStuck(input: { status: string | null | undefined; transientSince: Date | null; now: Date; stuckMs: number }): { stuck: boolean; forMs: number } {
  if (!isTransientStatus(input.status) || !input.transientSince) return { stuck: false, forMs: 0 };
  const forMs = Math.max(0, input.now.getTime() - input.transientSince.getTime());
  return { stuck: forMs > input.stuckMs, forMs };
}
