// Alerts deduplicated by key: one row per condition. Raising an open alert bumps its count
// and last-seen time; raising a resolved one reopens it; resolving is a no-op when closed.
// Every change people should hear about (open, a new severity, resolved) also writes an
// outbox row (alert_events) in the same transaction, so a notification is never lost
// between the alert change and its delivery (src/notify delivers them).
import type { Logger } from '../log/logger.ts';
import type { Prisma, PrismaClient } from '../db/prisma.ts';
import { alertEventBody, alertEventDedupKey } from './alert-event.ts';

export type AlertSeverity = 'warning' | 'critical';

export interface AlertInput {
  key: string;
  severity: AlertSeverity;
  message: string;
  policy?: string;
  volumeId?: string;
  /** Shown beside the id in notifications; filled in by forVolume() for job handlers. */
  volumeName?: string;
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

export class AlertNotFoundError extends Error {
  override name = 'AlertNotFoundError';
}

export class AlertBook {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly log?: Logger,
    private readonly now: () => Date = () => new Date(),
    private readonly volume?: { id: string; name: string },
  ) {}

  /** The same book, naming `volume` in alerts about it (handlers only know the id they pass). */
  forVolume(volume: { id: string; name: string }): AlertBook {
    return new AlertBook(this.prisma, this.log, this.now, volume);
  }

  async raise(input: AlertInput): Promise<void> {
    const at = this.now();
    const volumeName = input.volumeName ?? (input.volumeId && input.volumeId === this.volume?.id ? this.volume.name : undefined);
    const data = {
      severity: input.severity,
      message: input.message,
      policy: input.policy ?? null,
      volumeId: input.volumeId ?? null,
      ...(volumeName ? { volumeName } : {}),
      lastSeenAt: at,
      ...(input.details !== undefined ? { details: input.details } : {}),
    };
    const opened = await this.prisma.$transaction(async (tx) => {
      // Two daemons may raise the same new alert at once: the unique key lets one insert win,
      // and the UPDATE below makes the other wait for it and then see the row it wrote.
      const created = await tx.alert.createMany({ data: [{ key: input.key, status: 'open', firstSeenAt: at, ...data }], skipDuplicates: true });
      let row = await tx.alert.update({ where: { key: input.key }, data: { lastSeenAt: at } });
      let changed: 'opened' | 'severity' | null = created.count > 0 ? 'opened' : null;
      if (created.count === 0) {
        if (row.status === 'open') {
          if (row.severity !== input.severity) changed = 'severity';
          row = await tx.alert.update({ where: { key: input.key }, data: { ...data, count: { increment: 1 } } });
        } else {
          changed = 'opened';
          row = await tx.alert.update({
            where: { key: input.key },
            data: { status: 'open', resolvedAt: null, firstSeenAt: at, count: 1, ackedAt: null, ackedUntil: null, ackReason: null, ...data },
          });
        }
      }
      if (changed) {
        await tx.alertEvent.createMany({
          data: [{ dedupKey: alertEventDedupKey(row, 'open'), alertKey: row.key, kind: 'open', body: alertEventBody(row) }],
          skipDuplicates: true,
        });
      }
      return changed;
    });
    if (opened) this.log?.warn({ alert: input.key, severity: input.severity, policy: input.policy, volumeId: input.volumeId, volumeName }, input.message);
  }

  async resolve(key: string): Promise<void> {
    const resolved = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.alert.updateMany({ where: { key, status: 'open' }, data: { status: 'resolved', resolvedAt: this.now() } });
      if (count === 0) return false;
      const row = await tx.alert.findUniqueOrThrow({ where: { key } });
      await tx.alertEvent.createMany({
        data: [{ dedupKey: alertEventDedupKey(row, 'resolved'), alertKey: key, kind: 'resolved', body: alertEventBody(row) }],
        skipDuplicates: true,
      });
      return true;
    });
    if (resolved) this.log?.info({ alert: key }, 'alert resolved');
  }

  /** `nasorch alerts ack`: no re-notification until `until` (or until the alert resolves). */
  async ack(key: string, options: { until?: Date; reason?: string } = {}) {
    const { count } = await this.prisma.alert.updateMany({
      where: { key, status: 'open' },
      data: { ackedAt: this.now(), ackedUntil: options.until ?? null, ackReason: options.reason ?? null },
    });
    if (count === 0) {
      const exists = await this.prisma.alert.findUnique({ where: { key }, select: { status: true } });
      throw new AlertNotFoundError(exists ? `alert ${key} is not open (it is ${exists.status}); only open alerts can be acknowledged` : `no alert with key ${key} (see \`nasorch alerts\`)`);
    }
    return this.prisma.alert.findUniqueOrThrow({ where: { key } });
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

/** Whether an open alert is acknowledged at `now`. */
export function isAcked(alert: { ackedAt: Date | null; ackedUntil: Date | null }, now: Date): boolean {
  return alert.ackedAt !== null && (alert.ackedUntil === null || alert.ackedUntil.getTime() > now.getTime());
}
