// mirror-stat: sample the pair's replication status on its writer; keep the RPO, HALT,
// RETRIEVE FAILED, transfer-failed and stuck alerts in step. Alerts are keyed by the writer;
// the peer's (left from before a direction change) are resolved.
import { alertKeys } from '../src/alerts/alert-book.ts';
import type { PrismaClient } from '../src/db/prisma.ts';
import { isKnownStatStatus } from '../src/nas/schemas.ts';
import { formatDuration } from '../src/policy/duration.ts';
import { mirrorStuck, TRANSIENT_STAT_STATUSES } from '../src/replication/mirror-decisions.ts';
import { lastTransferFailed, peerOf } from '../src/replication/pair.ts';
import { inStopPeriod } from '../src/schedule/slots.ts';
import type { JobContext, JobOutcome } from './context.ts';
import { describeTarget, pairOf, readStat } from './mirror.ts';

/** Every alert this job keeps, per volume. */
const WATCHED_KEYS = [alertKeys.rpo, alertKeys.mirrorHalt, alertKeys.mirrorRetrieveFailed, alertKeys.mirrorTransferFailed, alertKeys.mirrorStuck, alertKeys.mirrorStatusUnknown];

export async function runMirrorStat(ctx: JobContext): Promise<JobOutcome> {
  const rules = ctx.policy.replication;
  if (!rules) return { status: 'skipped', details: { reason: 'policy has no replication section' } };
  const { volume } = ctx;
  const pair = pairOf(ctx);
  const { stat, target } = await readStat(ctx);
  const now = ctx.now();

  await ctx.prisma.mirrorStatSample.create({
    data: {
      policy: ctx.policy.name,
      volumeId: volume.id,
      mirrorId: pair.mirrorId,
      region: volume.region,
      sampledAt: now,
      status: stat.status,
      lastTransferStatus: stat.lastTransferStatus ?? null,
      lastTransferEndTime: toDate(stat.lastTransferEndTime),
      lastTransferBytes: toBigInt(stat.lastTransferBytes),
      lastSuccessTransferEndTime: toDate(stat.lastSuccessTransferEndTime),
      lastSuccessTransferBytes: toBigInt(stat.lastSuccessTransferBytes),
    },
  });

  const base = { policy: ctx.policy.name, volumeId: volume.id };
  const named = `volume ${volume.name} (${volume.id})`;
  const alerts: string[] = [];
  // After a failover nasorch ran, HALT is the intended state and there is no replication to lag.
  const failedOver = pair.failedOver;

  if (rules.rpo && !failedOver) {
    const lastSuccess = toDate(stat.lastSuccessTransferEndTime);
    const lagMs = lastSuccess ? now.getTime() - lastSuccess.getTime() : Number.POSITIVE_INFINITY;
    if (lagMs > rules.rpo.ms) {
      alerts.push('rpo');
      const since = lastSuccess ? `last successful transfer ended ${lastSuccess.toISOString()}` : 'no successful transfer yet';
      await ctx.alerts.raise({
        ...base,
        key: alertKeys.rpo(volume.id),
        severity: 'critical',
        message: `${named} is past its RPO of ${formatDuration(rules.rpo.duration)}: ${since}`,
      });
    } else {
      await ctx.alerts.resolve(alertKeys.rpo(volume.id));
    }
  } else {
    await ctx.alerts.resolve(alertKeys.rpo(volume.id));
  }

  const haltExpected = failedOver || (rules.window !== undefined && inStopPeriod(rules.window, ctx.policy.timezone, now));
  // An undocumented status is neither HALT nor RETRIEVE FAILED: those alerts stay as they were.
  const statusKnown = isKnownStatStatus(stat.status);
  if (!statusKnown) {
    alerts.push('status-unknown');
    await ctx.alerts.raise({
      ...base,
      key: alertKeys.mirrorStatusUnknown(volume.id),
      severity: 'warning',
      message: `replication of ${named} reports undocumented /stat status ${JSON.stringify(stat.status)} (mirror ${pair.mirrorId}); HALT and RETRIEVE FAILED alerts are left as they were`,
    });
  } else {
    await ctx.alerts.resolve(alertKeys.mirrorStatusUnknown(volume.id));
  }
  if (stat.status === 'HALT' && !haltExpected) {
    alerts.push('halt');
    await ctx.alerts.raise({
      ...base,
      key: alertKeys.mirrorHalt(volume.id),
      severity: 'critical',
      message: `replication of ${named} is HALTed outside a stop window (mirror ${pair.mirrorId})`,
    });
  } else if (statusKnown) {
    await ctx.alerts.resolve(alertKeys.mirrorHalt(volume.id));
  }

  if (stat.status === 'RETRIEVE FAILED') {
    alerts.push('retrieve-failed');
    await ctx.alerts.raise({
      ...base,
      key: alertKeys.mirrorRetrieveFailed(volume.id),
      severity: 'warning',
      message: `replication status of ${named} could not be retrieved (RETRIEVE FAILED, mirror ${pair.mirrorId})`,
    });
  } else if (statusKnown) {
    await ctx.alerts.resolve(alertKeys.mirrorRetrieveFailed(volume.id));
    // RETRIEVE FAILED carries no figures: the transfer-failed alert stays as it was until they come back.
    if (lastTransferFailed(stat)) {
      alerts.push('transfer-failed');
      await ctx.alerts.raise({
        ...base,
        key: alertKeys.mirrorTransferFailed(volume.id),
        severity: 'warning',
        message:
          `the last replication transfer of ${named} failed (ended ${stat.lastTransferEndTime}, status ${JSON.stringify(stat.lastTransferStatus ?? null)}; ` +
          `last success ${stat.lastSuccessTransferEndTime ?? 'never'}, mirror ${pair.mirrorId})`,
        details: {
          mirrorId: pair.mirrorId,
          lastTransferStatus: stat.lastTransferStatus ?? null,
          lastTransferEndTime: stat.lastTransferEndTime ?? null,
          lastSuccessTransferEndTime: stat.lastSuccessTransferEndTime ?? null,
        },
      });
    } else {
      await ctx.alerts.resolve(alertKeys.mirrorTransferFailed(volume.id));
    }
  }

  const since = await transientSince(ctx.prisma, pair.mirrorId, now);
  const stuck = mirrorStuck({ status: stat.status, transientSince: since, now, stuckMs: ctx.replication.stuckMs });
  if (stuck.stuck) {
    alerts.push('stuck');
    await ctx.alerts.raise({
      ...base,
      key: alertKeys.mirrorStuck(volume.id),
      severity: 'warning',
      message: `replication of ${named} has been ${stat.status} since ${since!.toISOString()} (${Math.round(stuck.forMs / 60_000)} min, over ${Math.round(ctx.replication.stuckMs / 60_000)} min; mirror ${pair.mirrorId})`,
      details: { mirrorId: pair.mirrorId, status: stat.status, since: since!.toISOString() },
    });
  } else {
    await ctx.alerts.resolve(alertKeys.mirrorStuck(volume.id));
  }

  // One pair, one set of alerts: on its writer. Those on the other volume are from before a direction change.
  if (pair.writer && pair.writer.id === volume.id) {
    const peer = peerOf(pair.pair, volume.id);
    for (const key of WATCHED_KEYS) await ctx.alerts.resolve(key(peer.id));
  }

  return {
    status: 'succeeded',
    details: {
      mirrorId: pair.mirrorId,
      target: describeTarget(target),
      status: stat.status,
      lastSuccessTransferEndTime: stat.lastSuccessTransferEndTime ?? null,
      lastTransferStatus: stat.lastTransferStatus ?? null,
      ...(since ? { transientSince: since.toISOString() } : {}),
      ...(failedOver ? { failedOver: pair.recordedReason ?? true } : {}),
      alerts,
    },
  };
}

/** Since when the mirror has been UPDATING/PENDING without a break, from the stored samples (any policy). */
async function transientSince(prisma: PrismaClient, mirrorId: string, now: Date): Promise<Date | null> {
  const transient = [...TRANSIENT_STAT_STATUSES];
  const lastSettled = await prisma.mirrorStatSample.findFirst({
    where: { mirrorId, status: { notIn: transient }, sampledAt: { lte: now } },
    orderBy: { sampledAt: 'desc' },
    select: { sampledAt: true },
  });
  const first = await prisma.mirrorStatSample.findFirst({
    where: { mirrorId, status: { in: transient }, sampledAt: { lte: now, ...(lastSettled ? { gt: lastSettled.sampledAt } : {}) } },
    orderBy: { sampledAt: 'asc' },
    select: { sampledAt: true },
  });
  return first?.sampledAt ?? null;
}

function toDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function toBigInt(value: number | null | undefined): bigint | null {
  return value === null || value === undefined ? null : BigInt(value);
}
