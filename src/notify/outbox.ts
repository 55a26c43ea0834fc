// The notification outbox in PostgreSQL. Alert changes write alert_events (src/alerts); here
// they are routed to one alert_deliveries row per matching sink, re-notifications are added
// while alerts stay open, and deliveries are claimed with a lease so several daemons can
// share the work: a claimed row is taken again only once its lease ran out (its daemon died
// or hung), which makes delivery at-least-once.
import { isAcked } from '../alerts/alert-book.ts';
import { alertEventBody, type AlertEventKind } from '../alerts/alert-event.ts';
import type { AlertDelivery, PrismaClient } from '../db/prisma.ts';
import { sinkMatches, type AlertSink } from './alert-sink.ts';
import type { DeliveryBody } from './sink-messages.ts';

/** Routes unrouted alert events to the sinks that match them; returns how many deliveries were added. */
export async function routeAlertEvents(prisma: PrismaClient, sinks: readonly AlertSink[], limit = 100): Promise<number> {
  const events = await prisma.alertEvent.findMany({ where: { routedAt: null }, orderBy: { id: 'asc' }, take: limit });
  if (events.length === 0) return 0;
  const rows = events.flatMap((event) => {
    const alert = event.body as DeliveryBody['alert'];
    const body: DeliveryBody = { alert, at: event.createdAt.toISOString() };
    return sinks
      .filter((sink) => sinkMatches(sink, alert))
      .map((sink) => ({
        dedupKey: `${event.dedupKey}:${sink.name}`,
        eventId: event.id,
        sink: sink.name,
        alertKey: event.alertKey,
        kind: event.kind,
        body,
        status: 'pending' as const,
      }));
  });
  // Two daemons routing the same event add the same dedup keys: the second adds nothing.
  const { count } = await prisma.$transaction(async (tx) => {
    const added = rows.length > 0 ? await tx.alertDelivery.createMany({ data: rows, skipDuplicates: true }) : { count: 0 };
    await tx.alertEvent.updateMany({ where: { id: { in: events.map((e) => e.id) }, routedAt: null }, data: { routedAt: new Date() } });
    return added;
  });
  return count;
}

/** Adds a re-notification per sink with repeatInterval for every open, unacknowledged alert that is due. */
export async function scheduleRepeats(prisma: PrismaClient, sinks: readonly AlertSink[], now: Date): Promise<number> {
  const repeating = sinks.filter((s) => s.repeatIntervalMs !== undefined);
  if (repeating.length === 0) return 0;
  const open = await prisma.alert.findMany({ where: { status: 'open' } });
  const rows = open
    .filter((alert) => !isAcked(alert, now))
    .flatMap((alert) =>
      repeating
        .filter((sink) => sinkMatches(sink, alert))
        .flatMap((sink) => {
          // The n-th interval since the alert opened: one repeat per interval, whoever adds it.
          const n = Math.floor((now.getTime() - alert.firstSeenAt.getTime()) / sink.repeatIntervalMs!);
          if (n < 1) return [];
          const body: DeliveryBody = { alert: alertEventBody(alert), at: now.toISOString() };
          return [
            {
              dedupKey: `${alert.key}:${alert.firstSeenAt.toISOString()}:repeat:${n}:${sink.name}`,
              sink: sink.name,
              alertKey: alert.key,
              kind: 'repeat' as const,
              body,
              status: 'pending' as const,
            },
          ];
        }),
    );
  if (rows.length === 0) return 0;
  return (await prisma.alertDelivery.createMany({ data: rows, skipDuplicates: true })).count;
}

/** Claims the oldest due delivery of a sink for `leaseMs`, or returns null when none is due. */
export async function claimDelivery(prisma: PrismaClient, sink: string, now: Date, leaseMs: number): Promise<AlertDelivery | null> {
  const due = {
    sink,
    status: 'pending' as const,
    nextAttemptAt: { lte: now },
    OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
  };
  for (const candidate of await prisma.alertDelivery.findMany({ where: due, orderBy: { id: 'asc' }, take: 5 })) {
    // Compare-and-set on the attempt count: of two daemons, only one moves it.
    const { count } = await prisma.alertDelivery.updateMany({
      where: { ...due, id: candidate.id, attempts: candidate.attempts },
      data: { attempts: { increment: 1 }, leaseUntil: new Date(now.getTime() + leaseMs) },
    });
    if (count === 1) return { ...candidate, attempts: candidate.attempts + 1, leaseUntil: new Date(now.getTime() + leaseMs) };
  }
  return null;
}

export async function markDelivered(prisma: PrismaClient, id: bigint, now: Date): Promise<void> {
  await prisma.alertDelivery.update({ where: { id }, data: { status: 'delivered', deliveredAt: now, leaseUntil: null, lastError: null } });
}

/** Records a failed attempt: tried again at `retryAt`, or given up (status failed) when null. */
export async function markAttemptFailed(prisma: PrismaClient, id: bigint, error: string, retryAt: Date | null): Promise<void> {
  await prisma.alertDelivery.update({
    where: { id },
    data: retryAt ? { lastError: error, nextAttemptAt: retryAt, leaseUntil: null } : { lastError: error, status: 'failed', leaseUntil: null },
  });
}

/** Deletes delivered notifications and routed events older than `before` (failed ones stay visible). */
export async function pruneOutbox(prisma: PrismaClient, before: Date): Promise<void> {
  await prisma.alertDelivery.deleteMany({ where: { status: 'delivered', deliveredAt: { lt: before } } });
  await prisma.alertEvent.deleteMany({ where: { routedAt: { lt: before }, deliveries: { none: { status: { not: 'delivered' } } } } });
}

export interface SinkDeliveryCounts {
  sink: string;
  pending: number;
  failed: number;
  /** Pending deliveries that have failed at least once (being retried). */
  retrying: number;
  lastError: string | null;
}

/** Undelivered notifications per sink (for `nasorch alerts` and /metrics). */
export async function deliveryCounts(prisma: PrismaClient): Promise<SinkDeliveryCounts[]> {
  const grouped = await prisma.alertDelivery.groupBy({ by: ['sink', 'status'], where: { status: { in: ['pending', 'failed'] } }, _count: { _all: true } });
  const retrying = await prisma.alertDelivery.groupBy({ by: ['sink'], where: { status: 'pending', lastError: { not: null } }, _count: { _all: true } });
  const bySink = new Map<string, SinkDeliveryCounts>();
  const entry = (sink: string) => {
    let e = bySink.get(sink);
    if (!e) bySink.set(sink, (e = { sink, pending: 0, failed: 0, retrying: 0, lastError: null }));
    return e;
  };
  for (const g of grouped) entry(g.sink)[g.status as 'pending' | 'failed'] = g._count._all;
  for (const r of retrying) entry(r.sink).retrying = r._count._all;
  for (const e of bySink.values()) {
    const last = await prisma.alertDelivery.findFirst({
      where: { sink: e.sink, status: { in: ['pending', 'failed'] }, lastError: { not: null } },
      orderBy: { id: 'desc' },
      select: { lastError: true },
    });
    e.lastError = last?.lastError ?? null;
  }
  return [...bySink.values()].sort((a, b) => a.sink.localeCompare(b.sink));
}

/** Deliveries of one alert not (yet) delivered, for `nasorch alerts`. */
export async function undeliveredFor(prisma: PrismaClient, alertKeys: readonly string[]) {
  if (alertKeys.length === 0) return [];
  return prisma.alertDelivery.findMany({
    where: { alertKey: { in: [...alertKeys] }, status: { in: ['pending', 'failed'] } },
    orderBy: { id: 'asc' },
    select: { alertKey: true, sink: true, kind: true, status: true, attempts: true, lastError: true, nextAttemptAt: true },
  });
}

export type { AlertEventKind };
