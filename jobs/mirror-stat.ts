// mirror-stat: sample replication status; keep the RPO, HALT and RETRIEVE FAILED alerts in step.
import { alertKeys } from '../src/alerts/alert-book.ts';
import { formatDuration } from '../src/policy/duration.ts';
import { inStopPeriod } from '../src/schedule/slots.ts';
import type { JobContext, JobOutcome } from './context.ts';
import { resolveMirror } from './mirror.ts';

export async function runMirrorStat(ctx: JobContext): Promise<JobOutcome> {
  const rules = ctx.policy.replication;
  if (!rules) return { status: 'skipped', details: { reason: 'policy has no replication section' } };
  const { volume } = ctx;
  const mirror = await resolveMirror(ctx);
  const stat = await ctx.nas.getMirrorStat(volume.id, mirror.id);
  const now = ctx.now();

  await ctx.prisma.mirrorStatSample.create({
    data: {
      policy: ctx.policy.name,
      volumeId: volume.id,
      mirrorId: mirror.id,
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
  const alerts: string[] = [];

  if (rules.rpo) {
    const lastSuccess = toDate(stat.lastSuccessTransferEndTime);
    const lagMs = lastSuccess ? now.getTime() - lastSuccess.getTime() : Number.POSITIVE_INFINITY;
    if (lagMs > rules.rpo.ms) {
      alerts.push('rpo');
      const since = lastSuccess ? `last successful transfer ended ${lastSuccess.toISOString()}` : 'no successful transfer yet';
      await ctx.alerts.raise({
        ...base,
        key: alertKeys.rpo(volume.id),
        severity: 'critical',
        message: `volume ${volume.name} (${volume.id}) is past its RPO of ${formatDuration(rules.rpo.duration)}: ${since}`,
      });
    } else {
      await ctx.alerts.resolve(alertKeys.rpo(volume.id));
    }
  }

  const haltExpected = rules.window !== undefined && inStopPeriod(rules.window, ctx.policy.timezone, now);
  if (stat.status === 'HALT' && !haltExpected) {
    alerts.push('halt');
    await ctx.alerts.raise({
      ...base,
      key: alertKeys.mirrorHalt(volume.id),
      severity: 'critical',
      message: `replication of volume ${volume.name} (${volume.id}) is HALTed outside a stop window (mirror ${mirror.id})`,
    });
  } else if (stat.status !== 'HALT' || haltExpected) {
    await ctx.alerts.resolve(alertKeys.mirrorHalt(volume.id));
  }

  if (stat.status === 'RETRIEVE FAILED') {
    alerts.push('retrieve-failed');
    await ctx.alerts.raise({
      ...base,
      key: alertKeys.mirrorRetrieveFailed(volume.id),
      severity: 'warning',
      message: `replication status of volume ${volume.name} (${volume.id}) could not be retrieved (RETRIEVE FAILED, mirror ${mirror.id})`,
    });
  } else {
    await ctx.alerts.resolve(alertKeys.mirrorRetrieveFailed(volume.id));
  }

  return {
    status: 'succeeded',
    details: { mirrorId: mirror.id, status: stat.status, lastSuccessTransferEndTime: stat.lastSuccessTransferEndTime ?? null, alerts },
  };
}

function toDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function toBigInt(value: number | null | undefined): bigint | null {
  return value === null || value === undefined ? null : BigInt(value);
}
