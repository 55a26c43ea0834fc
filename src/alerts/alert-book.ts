// Alerts deduplicated by key: one row per condition. Raising an open alert bumps its count
// and last-seen time; raising a resolved one reopens it; resolving is a no-op when closed.
import type { Logger } from '../log/logger.ts';
import type { Prisma, PrismaClient } from '../db/prisma.ts';

export type AlertSeverity = 'warning' | 'critical';

export interface AlertInput {
  key: string;
  severity: AlertSeverity;
  message: string;
  policy?: string;
  volumeId?: string;
  details?: Prisma.InputJsonValue;
}

/** Well-known alert keys, so every writer spells them the same way. */
export const alertKeys = {
  jobFailed: (kind: string, policy: string, volumeId: string) => `job-failed:${kind}:${policy}:${volumeId}`,
  deletionBudget: (policy: string, volumeId: string) => `deletion-budget:${policy}:${volumeId}`,
  usage: (volumeId: string) => `usage:${volumeId}`,
  rpo: (volumeId: string) => `rpo:${volumeId}`,
  mirrorHalt: (volumeId: string) => `mirror-halt:${volumeId}`,
  mirrorRetrieveFailed: (volumeId: string) => `mirror-retrieve-failed:${volumeId}`,
  mirrorTransferFailed: (volumeId: string) => `mirror-transfer-failed:${volumeId}`,
  mirrorStuck: (volumeId: string) => `mirror-stuck:${volumeId}`,
  /** A window start/stop found the mirror UPDATING/PENDING/RETRIEVE FAILED and did not call. */
  mirrorUnsettled: (volumeId: string) => `mirror-unsettled:${volumeId}`,
  mirrorStatusUnknown: (volumeId: string) => `mirror-status-unknown:${volumeId}`,
  /** `entry`: the volume's id, else `#<position>` in the listing. */
  malformedVolume: (region: string, entry: string) => `malformed-volume:${region}:${entry}`,
  configInvalid: () => 'config-invalid',
  regionUnreachable: (region: string) => `region-unreachable:${region}`,
};

export class AlertBook {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly log?: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async raise(input: AlertInput): Promise<void> {
    const at = this.now();
    const existing = await this.prisma.alert.findUnique({ where: { key: input.key } });
    const data = {
      severity: input.severity,
      message: input.message,
      policy: input.policy ?? null,
      volumeId: input.volumeId ?? null,
      lastSeenAt: at,
      ...(input.details !== undefined ? { details: input.details } : {}),
    };
    if (existing?.status === 'open') {
      await this.prisma.alert.update({ where: { key: input.key }, data: { ...data, count: { increment: 1 } } });
      return;
    }
    this.log?.warn({ alert: input.key, severity: input.severity, policy: input.policy, volumeId: input.volumeId }, input.message);
    // upsert: two daemons may raise the same new alert at once; the unique key settles it.
    await this.prisma.alert.upsert({
      where: { key: input.key },
      create: { key: input.key, status: 'open', firstSeenAt: at, ...data },
      update: { status: 'open', resolvedAt: null, firstSeenAt: at, count: 1, ...data },
    });
  }

  async resolve(key: string): Promise<void> {
    const { count } = await this.prisma.alert.updateMany({
      where: { key, status: 'open' },
      data: { status: 'resolved', resolvedAt: this.now() },
    });
    if (count > 0) this.log?.info({ alert: key }, 'alert resolved');
  }

  /** Keys of the open alerts whose key starts with `prefix`. */
  async openKeysWithPrefix(prefix: string): Promise<string[]> {
    const rows = await this.prisma.alert.findMany({ where: { status: 'open', key: { startsWith: prefix } }, select: { key: true } });
    return rows.map((r) => r.key);
  }

  async list(options: { openOnly?: boolean; limit?: number } = {}) {
    return this.prisma.alert.findMany({
      where: options.openOnly ? { status: 'open' } : {},
      orderBy: { lastSeenAt: 'desc' },
      take: options.limit ?? 100,
    });
  }
}
