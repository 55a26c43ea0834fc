// The replication pair's mirror calls for the window jobs and the status watch: which volume id
// and region each call uses (the writer's first, the peer's only when that is refused as unknown,
// decided on the read-only /stat), the settled-state rule for start/stop, and re-observation
// after a call whose outcome is unknown.
import { alertKeys } from '../src/alerts/alert-book.ts';
import { isNasApiError } from '../src/nas/errors.ts';
import type { MirrorStat } from '../src/nas/schemas.ts';
import { pairCallTargets, type PairContext } from '../src/replication/acting-volume.ts';
import { mayHaveApplied, observedOutcome, refusedAsUnknownVolume, windowStep, type WindowAction } from '../src/replication/mirror-decisions.ts';
import type { MirrorCallTarget } from '../src/replication/pair.ts';
import { PermanentJobError, type JobContext, type JobOutcome } from './context.ts';

/** The target a call used, for run details and logs. */
export interface UsedTarget extends MirrorCallTarget {
  /** The writer's target refused /stat as unknown (A1), so this is the peer's. */
  fallbackFrom?: { volumeId: string; region: string; httpStatus: number | undefined };
}

export interface StatReading {
  stat: MirrorStat;
  target: UsedTarget;
}

/** The pair a mirror job works on (jobs/acting-volume.ts resolved it before the lock). */
export function pairOf(ctx: JobContext): PairContext {
  if (!ctx.pair) throw new PermanentJobError(`volume ${ctx.selected.name} (${ctx.selected.id}) has no mirror (policy ${ctx.policy.name}, spec.replication.mirror)`);
  return ctx.pair;
}

/** `/stat` through the writer's target, or the peer's when the writer's answers 404/400 (A1). */
export async function readStat(ctx: JobContext): Promise<StatReading> {
  const pair = pairOf(ctx);
  const targets = pairCallTargets(pair);
  const [first, second] = targets;
  if (!first || !second) {
    throw new Error(`mirror ${pair.mirrorId} of volume ${ctx.selected.name} (${ctx.selected.id}) has an unknown direction; no mirror call is made on a guess`);
  }
  try {
    return { stat: await statAt(ctx, first), target: first };
  } catch (err) {
    if (!(isNasApiError(err) && refusedAsUnknownVolume(err))) throw err;
    ctx.log.info({ volumeId: first.volumeId, region: first.region, status: err.httpStatus }, `mirror /stat refused on ${first.volumeId} (${first.region}); trying the peer ${second.volumeId} (${second.region})`);
    const target: UsedTarget = { ...second, fallbackFrom: { volumeId: first.volumeId, region: first.region, httpStatus: err.httpStatus } };
    try {
      return { stat: await statAt(ctx, second), target };
    } catch (peerErr) {
      if (isNasApiError(peerErr) && refusedAsUnknownVolume(peerErr)) {
        throw new PermanentJobError(`mirror ${pair.mirrorId}: neither ${first.volumeId} (${first.region}, ${err.httpStatus}) nor ${second.volumeId} (${second.region}, ${peerErr.httpStatus}) accepts mirror calls`);
      }
      throw peerErr;
    }
  }
}

export function statAt(ctx: JobContext, target: MirrorCallTarget): Promise<MirrorStat> {
  return ctx.nasFor(target.region).getMirrorStat(target.volumeId, target.mirrorId);
}

/** For details and logs: where the calls went. */
export function describeTarget(target: UsedTarget): Record<string, unknown> {
  return { volumeId: target.volumeId, region: target.region, ...(target.fallbackFrom ? { fallbackFrom: target.fallbackFrom } : {}) };
}

/** A window call not sent because the mirror did not settle: worth another attempt later. */
export class MirrorNotSettledError extends Error {
  override name = 'MirrorNotSettledError';
}

/**
 * Moves replication to the wanted state unless it is already there, so a retried or duplicated
 * window job is a no-op rather than a second state change. Only from a settled /stat.
 */
export async function setReplication(ctx: JobContext, action: WindowAction): Promise<JobOutcome> {
  if (!ctx.policy.replication) return { status: 'skipped', details: { reason: 'policy has no replication section' } };
  const pair = pairOf(ctx);
  if (pair.failedOver) {
    const writer = pair.writer!;
    return {
      status: 'skipped',
      details: {
        mirrorId: pair.mirrorId,
        reason: `pair ${pair.key} is failed over (${pair.recordedReason ?? 'failover record'}): ${writer.name} (${writer.id}) takes writes; a window ${action} is left to the failover runbooks`,
      },
    };
  }
  const { settleChecks, settleIntervalMs } = ctx.replication;
  const volume = ctx.volume;
  const unsettledKey = alertKeys.mirrorUnsettled(volume.id);

  let { stat, target } = await readStat(ctx);
  const where = describeTarget(target);
  const seen: string[] = [stat.status];
  for (let check = 0; ; check++) {
    const step = windowStep(action, stat.status);
    if (step === 'send') break;
    if (step === 'already') {
      await ctx.alerts.resolve(unsettledKey);
      const wanted = action === 'start' ? 'ACTIVE' : 'HALT';
      return { status: 'skipped', details: { mirrorId: pair.mirrorId, target: where, reason: `replication already ${wanted}` } };
    }
    if (step === 'refuse') throw new PermanentJobError(`mirror ${pair.mirrorId} of volume ${volume.name} (${volume.id}) is ${stat.status}; cannot ${action} replication`);
    if (check >= settleChecks) {
      const message =
        `mirror ${pair.mirrorId} of volume ${volume.name} (${volume.id}) stayed ${stat.status} through ${settleChecks + 1} reads ` +
        `${settleIntervalMs} ms apart; replication ${action} not sent (it is sent only from ACTIVE/HALT)`;
      await ctx.alerts.raise({
        key: unsettledKey,
        severity: 'warning',
        policy: ctx.policy.name,
        volumeId: volume.id,
        message,
        details: { mirrorId: pair.mirrorId, action, statuses: seen, target: where } as never,
      });
      throw new MirrorNotSettledError(message);
    }
    await ctx.sleep(settleIntervalMs);
    stat = await statAt(ctx, target);
    seen.push(stat.status);
  }
  await ctx.alerts.resolve(unsettledKey);

  const before = stat.status;
  const client = ctx.nasFor(target.region);
  const base = { mirrorId: pair.mirrorId, target: where, before, action, statReads: seen.length };
  try {
    if (action === 'start') await client.startMirror(target.volumeId, target.mirrorId);
    else await client.stopMirror(target.volumeId, target.mirrorId);
  } catch (err) {
    if (!(isNasApiError(err) && mayHaveApplied(err))) throw err;
    ctx.log.warn({ err: { message: err.message }, ...where }, `replication ${action}: outcome unknown; re-reading /stat`);
    const observed = await observeOutcome(ctx, action, target);
    if (!observed.confirmed) throw err;
    ctx.log.info({ mirrorId: pair.mirrorId, ...where, observed: observed.status }, `replication ${action === 'start' ? 'started' : 'stopped'} (confirmed by /stat)`);
    return { status: 'succeeded', details: { ...base, confirmedByObservation: true, observed: observed.status, error: err.message } };
  }
  ctx.log.info({ mirrorId: pair.mirrorId, ...where, before }, `replication ${action === 'start' ? 'started' : 'stopped'}`);
  return { status: 'succeeded', details: base };
}

/**
 * After an unanswered call: does /stat show it took effect? Re-read a bounded number of times —
 * the request may still be on its way (the server applies it after the client gave up), and a
 * stop's final sync takes a while.
 */
async function observeOutcome(ctx: JobContext, action: WindowAction, target: MirrorCallTarget): Promise<{ confirmed: boolean; status: string }> {
  let status = 'unread';
  for (let check = 0; ; check++) {
    try {
      status = (await statAt(ctx, target)).status;
      if (observedOutcome(action, status) === 'confirmed') return { confirmed: true, status };
    } catch (err) {
      status = `unreadable (${err instanceof Error ? err.message : String(err)})`;
    }
    if (check >= ctx.replication.settleChecks) return { confirmed: false, status };
    await ctx.sleep(ctx.replication.settleIntervalMs);
  }
}
