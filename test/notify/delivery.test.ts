// Alert notifications end to end over real PostgreSQL and real HTTP receivers: exact bodies and
// signatures per sink type, routing, deduplication, re-notify and ack, retries with back-off,
// giving up, one hanging sink not delaying another, and two daemons sharing the outbox.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import { alertsCommand } from '../../src/cli/records-commands.ts';
import { createLogger } from '../../src/log/logger.ts';
import type { AlertSink } from '../../src/notify/alert-sink.ts';
import { Notifier, type NotifierOptions } from '../../src/notify/notifier.ts';
import { deliveryCounts } from '../../src/notify/outbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { eventually, startReceiver, type Receiver } from './support.ts';

let db: TestDatabase;
const receivers: Receiver[] = [];
const notifiers: Notifier[] = [];
const logLines: string[] = [];
const log = createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(line) } as unknown as NodeJS.WritableStream });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());
beforeEach(async () => {
  await db.prisma.alertDelivery.deleteMany();
  await db.prisma.alertEvent.deleteMany();
  await db.prisma.alert.deleteMany();
});
afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((n) => n.stop()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(fallback?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(fallback);
  receivers.push(r);
  return r;
}

function sink(name: string, type: AlertSink['type'], url: string, extra: Partial<AlertSink> = {}): AlertSink {
  return { name, type, url, match: { severity: [], policies: [] }, source: { file: 'sinks.yaml', documentIndex: 0, line: 1, col: 1 }, ...extra };
}

function notifier(sinks: AlertSink[], options: Partial<NotifierOptions> = {}) {
  const n = new Notifier({ prisma: db.prisma, log, env: { ONCALL_SECRET: "s3cr3t-value" }, timeoutMs: 3000, pollMs: 50, backoffMs: 50, maxAttempts: 5, ...options });
  n.setSinks(sinks);
  notifiers.push(n);
  return n;
}

const book = () => new AlertBook(db.prisma, log);
const rpoAlert = {
  key: 'rpo:vol-1',
  severity: 'critical' as const,
  message: 'replication of prod-db is 3h behind (rpo 1h)',
  policy: 'prod-daily',
  volumeId: 'vol-1',
  volumeName: 'prod-db',
};

describe('notifications per sink type', () => {
  it('webhook: the exact JSON body, signed with HMAC-SHA256 of the raw body; open then resolved', async () => {
    const hook = await receiver();
    notifier([sink('oncall', 'webhook', `${hook.url}/nasorch`, { secretEnv: 'ONCALL_SECRET' })]);
    await book().raise(rpoAlert);
    const [open] = await hook.waitFor(1);
    expect(open!.method).toBe('POST');
    expect(open!.path).toBe('/nasorch');
    const expectedSignature = `sha256=${createHmac('sha256', 's3cr3t-value').update(open!.raw).digest('hex')}`;
    expect(open!.headers['x-nasorch-signature']).toBe(expectedSignature);
    const alert = await db.prisma.alert.findUniqueOrThrow({ where: { key: rpoAlert.key } });
    expect(open!.json).toEqual({
      status: 'open',
      alert: {
        key: 'rpo:vol-1',
        severity: 'critical',
        message: rpoAlert.message,
        policy: 'prod-daily',
        volume: { id: 'vol-1', name: 'prod-db' },
        firstSeenAt: alert.firstSeenAt.toISOString(),
        lastSeenAt: alert.lastSeenAt.toISOString(),
        count: 1,
      },
    });
    expect(Object.keys(open!.json as object)).toEqual(['status', 'alert']);
    expect(Object.keys((open!.json as { alert: object }).alert)).toEqual(['key', 'severity', 'message', 'policy', 'volume', 'firstSeenAt', 'lastSeenAt', 'count']);

    await book().resolve(rpoAlert.key);
    const [, resolved] = await hook.waitFor(2);
    expect(resolved!.json).toMatchObject({ status: 'resolved', alert: { key: 'rpo:vol-1' } });
    expect(resolved!.headers['x-nasorch-signature']).toBe(`sha256=${createHmac('sha256', 's3cr3t-value').update(resolved!.raw).digest('hex')}`);
    // The secret is in neither the log nor the database.
    expect(logLines.join('')).not.toContain('s3cr3t-value');
    const rows = await eventually(async () => {
      const all = await db.prisma.alertDelivery.findMany({ orderBy: { id: 'asc' } });
      return all.every((r) => r.status === 'delivered') && all;
    });
    expect(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('s3cr3t-value');
    expect(rows.map((r) => [r.kind, r.status])).toEqual([['open', 'delivered'], ['resolved', 'delivered']]);
  });

  it('slack: a readable text message; alertmanager: POST /api/v2/alerts, endsAt set when resolved', async () => {
    const slack = await receiver();
    const am = await receiver();
    notifier([sink('chat', 'slack', `${slack.url}/services/T000/B000/XXXX`), sink('am', 'alertmanager', am.url)]);
    await book().raise(rpoAlert);
    const [slackOpen] = await slack.waitFor(1);
    expect(slackOpen!.json).toEqual({ text: expect.stringContaining('CRITICAL: replication of prod-db is 3h behind (rpo 1h)') });
    expect((slackOpen!.json as { text: string }).text).toContain('volume prod-db (vol-1)');
    const [amOpen] = await am.waitFor(1);
    expect(amOpen!.path).toBe('/api/v2/alerts');
    const [posted] = amOpen!.json as Record<string, unknown>[];
    expect(posted).toMatchObject({
      labels: { alertname: 'NasorchAlert', key: 'rpo:vol-1', severity: 'critical', policy: 'prod-daily', volume: 'prod-db', volume_id: 'vol-1' },
      annotations: { summary: rpoAlert.message },
    });
    expect(posted).not.toHaveProperty('endsAt');
    await book().resolve(rpoAlert.key);
    const [, amResolved] = await am.waitFor(2);
    expect((amResolved!.json as { endsAt: string }[])[0]!.endsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const [, slackResolved] = await slack.waitFor(2);
    expect((slackResolved!.json as { text: string }).text).toMatch(/^:white_check_mark: RESOLVED/);
  });
});

describe('routing and deduplication', () => {
  it('sends only what a sink matches, and each change once however often it is raised', async () => {
    const critical = await receiver();
    const prodOnly = await receiver();
    notifier([
      sink('pager', 'webhook', critical.url, { match: { severity: ['critical'], policies: [] } }),
      sink('prod', 'webhook', prodOnly.url, { match: { severity: [], policies: ['prod-daily'] } }),
    ]);
    const alerts = book();
    await alerts.raise({ key: 'usage:vol-2', severity: 'warning', message: 'usage 85%', policy: 'staging', volumeId: 'vol-2' });
    await Promise.all([alerts.raise(rpoAlert), alerts.raise(rpoAlert), new AlertBook(db.prisma).raise(rpoAlert)]);
    await alerts.raise(rpoAlert);
    await eventually(async () => (await db.prisma.alertDelivery.count({ where: { status: 'delivered' } })) === 2 || undefined);
    // One open event for rpo:vol-1 (raised four times, twice at the same moment).
    expect(await db.prisma.alertEvent.count({ where: { alertKey: 'rpo:vol-1' } })).toBe(1);
    expect((await db.prisma.alert.findUniqueOrThrow({ where: { key: 'rpo:vol-1' } })).count).toBe(4);
    expect(critical.requests.map((r) => (r.json as { alert: { key: string } }).alert.key)).toEqual(['rpo:vol-1']);
    expect(prodOnly.requests.map((r) => (r.json as { alert: { key: string } }).alert.key)).toEqual(['rpo:vol-1']);
  });

  it('tells an open alert again when its severity rises, and a reopened alert as a new one', async () => {
    const hook = await receiver();
    notifier([sink('all', 'webhook', hook.url)]);
    const alerts = book();
    await alerts.raise({ key: 'usage:v', severity: 'warning', message: 'usage 85%', volumeId: 'v' });
    await alerts.raise({ key: 'usage:v', severity: 'critical', message: 'usage 95%', volumeId: 'v' });
    await alerts.resolve('usage:v');
    await alerts.resolve('usage:v');
    await alerts.raise({ key: 'usage:v', severity: 'warning', message: 'usage 81%', volumeId: 'v' });
    const requests = await hook.waitFor(4);
    expect(requests.map((r) => { const b = r.json as { status: string; alert: { severity: string } }; return `${b.status}:${b.alert.severity}`; }).sort()).toEqual(
      ['open:critical', 'open:warning', 'open:warning', 'resolved:critical'],
    );
  });

  it('with no sink configured, events are marked routed: a sink added later is not flooded with old ones', async () => {
    const n = notifier([]);
    await book().raise(rpoAlert);
    await eventually(async () => (await db.prisma.alertEvent.count({ where: { routedAt: { not: null } } })) === 1 || undefined);
    const hook = await receiver();
    n.setSinks([sink('late', 'webhook', hook.url)]);
    await book().raise({ ...rpoAlert, key: 'rpo:new' });
    const [only] = await hook.waitFor(1);
    expect((only!.json as { alert: { key: string } }).alert.key).toBe('rpo:new');
    await eventually(async () => (await db.prisma.alertDelivery.count({ where: { status: 'delivered' } })) === 1 || undefined);
    expect(await db.prisma.alertDelivery.count()).toBe(1);
  });

  it('re-notifies open alerts every repeatInterval, but not acknowledged ones', async () => {
    const hook = await receiver();
    notifier([sink('all', 'webhook', hook.url, { repeatIntervalMs: 300 })]);
    const alerts = book();
    await alerts.raise(rpoAlert);
    await alerts.raise({ ...rpoAlert, key: 'rpo:acked' });
    await alerts.ack('rpo:acked', { until: new Date(Date.now() + 60_000) });
    await eventually(async () => hook.requests.filter((r) => (r.json as { alert: { key: string } }).alert.key === 'rpo:vol-1').length >= 3 || undefined);
    const repeats = await db.prisma.alertDelivery.findMany({ where: { kind: 'repeat' } });
    expect(repeats.length).toBeGreaterThanOrEqual(2);
    expect(repeats.every((r) => r.alertKey === 'rpo:vol-1')).toBe(true);
    // The acked alert was told once (its open), never repeated.
    expect(hook.requests.filter((r) => (r.json as { alert: { key: string } }).alert.key === 'rpo:acked')).toHaveLength(1);
  });
});

describe('delivery guarantees', () => {
  it('retries a failing sink with back-off until it answers', async () => {
    const hook = await receiver();
    hook.answers.push(500, 503);
    notifier([sink('flaky', 'webhook', hook.url)], { backoffMs: 100 });
    await book().raise(rpoAlert);
    await hook.waitFor(3);
    const delivery = await eventually(async () => {
      const d = await db.prisma.alertDelivery.findFirstOrThrow();
      return d.status === 'delivered' ? d : undefined;
    });
    expect(delivery.attempts).toBe(3);
    // Back-off: 100 ms before the first retry, 200 ms before the second.
    const [t0, t1, t2] = hook.requests.map((r) => r.at) as [number, number, number];
    expect(t1 - t0).toBeGreaterThanOrEqual(90);
    expect(t2 - t1).toBeGreaterThanOrEqual(190);
  });

  it('gives up after the attempt limit and counts the failure for the sink', async () => {
    const down = await receiver(500);
    notifier([sink('down', 'webhook', down.url)], { maxAttempts: 2, backoffMs: 20 });
    await book().raise(rpoAlert);
    const failed = await eventually(async () => (await db.prisma.alertDelivery.findFirst({ where: { status: 'failed' } })) ?? undefined);
    expect(failed).toMatchObject({ attempts: 2, lastError: 'HTTP 500 Internal Server Error' });
    expect(await deliveryCounts(db.prisma)).toEqual([{ sink: 'down', pending: 0, failed: 1, retrying: 0, lastError: 'HTTP 500 Internal Server Error' }]);
    // `nasorch alerts` shows it, per sink and per alert.
    let out = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, env: { DATABASE_URL: `${db.databaseUrl}?schema=${db.schema}` } };
    expect(await alertsCommand({ limit: 10 }, io)).toBe(0);
    expect(out).toMatch(/Notifications not delivered\nSINK\s+FAILED\s+RETRYING\s+PENDING\s+LAST ERROR\ndown\s+1\s+0\s+0\s+HTTP 500 Internal Server Error\n/);
    out = '';
    await alertsCommand({ limit: 10, json: true }, io);
    expect(JSON.parse(out)[0].undeliveredNotifications).toEqual([
      expect.objectContaining({ sink: 'down', kind: 'open', status: 'failed', attempts: 2, lastError: 'HTTP 500 Internal Server Error' }),
    ]);
  });

  it('a hanging sink delays no other sink; its delivery times out and is retried', async () => {
    const hanging = await receiver('hang');
    const healthy = await receiver();
    notifier([sink('hangs', 'webhook', hanging.url), sink('healthy', 'slack', healthy.url)], { timeoutMs: 5000, backoffMs: 10_000 });
    await book().raise(rpoAlert);
    await hanging.waitFor(1);
    const started = Date.now();
    await healthy.waitFor(1);
    expect(Date.now() - started).toBeLessThan(2000);
    await book().raise({ ...rpoAlert, key: 'rpo:second' });
    await healthy.waitFor(2);
    const stuck = await eventually(async () => {
      const d = await db.prisma.alertDelivery.findFirst({ where: { sink: 'hangs', lastError: { not: null } } });
      return d ?? undefined;
    }, 10_000);
    expect(stuck).toMatchObject({ status: 'pending', lastError: 'no answer within 5000 ms' });
    expect(await deliveryCounts(db.prisma)).toContainEqual(expect.objectContaining({ sink: 'hangs', pending: 2, retrying: 1 }));
  });

  it('several daemons share the outbox: each notification is sent once', async () => {
    const hook = await receiver();
    const sinks = [sink('shared', 'webhook', hook.url)];
    notifier(sinks);
    notifier(sinks);
    notifier(sinks);
    const alerts = book();
    for (let i = 0; i < 10; i++) await alerts.raise({ ...rpoAlert, key: `k${i}` });
    await eventually(async () => (await db.prisma.alertDelivery.count({ where: { status: 'delivered' } })) === 10 || undefined);
    expect(hook.requests).toHaveLength(10);
    expect(new Set(hook.requests.map((r) => r.headers['x-nasorch-delivery'])).size).toBe(10);
  });

  it('a missing secret variable fails the delivery with a message naming it, never a request without signature', async () => {
    const hook = await receiver();
    notifier([sink('unsigned', 'webhook', hook.url, { secretEnv: 'NOT_SET_ANYWHERE' })], { maxAttempts: 1 });
    await book().raise(rpoAlert);
    const failed = await eventually(async () => (await db.prisma.alertDelivery.findFirst({ where: { status: 'failed' } })) ?? undefined);
    expect(failed.lastError).toBe('environment variable NOT_SET_ANYWHERE (secretEnv of sink unsigned) is not set');
    expect(hook.requests).toHaveLength(0);
  });
});
