// usage: sample the volume's usage and keep the capacity alert (warning / critical) in step.
import { alertKeys } from '../src/alerts/alert-book.ts';
import type { JobContext, JobOutcome } from './context.ts';

export async function runUsage(ctx: JobContext): Promise<JobOutcome> {
  const rules = ctx.policy.usage;
  if (!rules) return { status: 'skipped', details: { reason: 'policy has no usage section' } };
  const { volume } = ctx;
  const [info, usage] = await Promise.all([ctx.nas.getVolume(volume.id), ctx.nas.getUsage(volume.id)]);
  const usedPercent = info.sizeGb > 0 ? (usage.usedGb / info.sizeGb) * 100 : 0;

  await ctx.prisma.usageSample.create({
    data: {
      policy: ctx.policy.name,
      volumeId: volume.id,
      region: volume.region,
      sampledAt: ctx.now(),
      sizeGb: info.sizeGb,
      usedGb: usage.usedGb,
      snapshotReserveGb: usage.snapshotReserveGb,
      snapshotUsedGb: usage.snapshotUsedGb ?? null,
      userDataGb: usage.userDataGb ?? null,
      usedPercent,
    },
  });

  const key = alertKeys.usage(volume.id);
  const severity = usedPercent >= rules.criticalPercent ? 'critical' : usedPercent >= rules.warnPercent ? 'warning' : undefined;
  if (severity) {
    const threshold = severity === 'critical' ? rules.criticalPercent : rules.warnPercent;
    await ctx.alerts.raise({
      key,
      severity,
      policy: ctx.policy.name,
      volumeId: volume.id,
      message: `volume ${volume.name} (${volume.id}) is ${usedPercent.toFixed(1)}% full (${usage.usedGb} of ${info.sizeGb} GB), at or above ${threshold}%`,
      details: { usedGb: usage.usedGb, sizeGb: info.sizeGb, usedPercent },
    });
  } else {
    await ctx.alerts.resolve(key);
  }
  return { status: 'succeeded', details: { usedGb: usage.usedGb, sizeGb: info.sizeGb, usedPercent: round(usedPercent), severity: severity ?? 'ok' } };
}

const round = (n: number) => Math.round(n * 100) / 100;
