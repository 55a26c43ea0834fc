// Scheduler reconciliation and config reload: one scheduler per (policy, volume, kind), stable
// ids, idempotent passes, new volumes picked up, removed policies removed, and an invalid
// config on reload keeps the last good one running and opens an alert.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QUEUE_NAME, type Daemon } from '../../src/daemon/daemon.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let daemon: Daemon;
let queue: Queue;
const ids: Record<string, string> = {};

const SNAPSHOT_POLICY = policyYaml(
  'nightly',
  `timezone: Europe/Berlin
volumes:
  nameContains: prod-
snapshot:
  schedule: "0 3 * * *"
  retention:
    keepDaily: 7
usage:
  schedule: "*/15 * * * *"`,
);
const REPLICATION_POLICY = policyYaml(
  'replication',
  `volumes:
  names: [prod-web]
replication:
  window: { start: "0 1 * * *", stop: "0 5 * * *" }
  rpo: 6h`,
);

async function schedulerIds(): Promise<string[]> {
  return (await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
}

beforeAll(async () => {
  stack = await createTestStack();
  for (const v of await new NasConnection(stack.identity).client('KR1').listAllVolumes()) ids[v.name] = v.id;
  await stack.writePolicy('nightly.yaml', SNAPSHOT_POLICY);
  await stack.writePolicy('replication.yaml', REPLICATION_POLICY);
  daemon = await stack.startDaemon();
  queue = new Queue(QUEUE_NAME, { connection: { url: stack.redis.url }, prefix: stack.redis.prefix });
});
afterAll(async () => {
  await queue.close();
  await stack.close();
});

describe('reconcile', () => {
  it('keeps one scheduler per (policy, volume, kind) with the policy’s cron and time zone', async () => {
    expect(await schedulerIds()).toEqual(
      [
        `nightly.${ids['prod-db']}.snapshot`,
        `nightly.${ids['prod-db']}.usage`,
        `nightly.${ids['prod-web']}.snapshot`,
        `nightly.${ids['prod-web']}.usage`,
        `replication.${ids['prod-web']}.mirror-start`,
        `replication.${ids['prod-web']}.mirror-stat`,
        `replication.${ids['prod-web']}.mirror-stop`,
      ].sort(),
    );
    const snapshot = (await queue.getJobSchedulers(0, -1)).find((s) => s.key === `nightly.${ids['prod-db']}.snapshot`)!;
    expect(snapshot).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/Berlin' });
    expect(snapshot.template?.data).toEqual({ kind: 'snapshot', policy: 'nightly', volumeId: ids['prod-db'], volumeName: 'prod-db', region: 'KR1' });
  });

  it('changes nothing when run again', async () => {
    const before = await queue.getJobSchedulers(0, -1);
    const result = await daemon.reconcile('test');
    expect(result).toMatchObject({ added: [], updated: [], removed: [], unchanged: 7 });
    expect(await queue.getJobSchedulers(0, -1)).toEqual(before);
  });

  it('picks up a new volume matching a selector on the next tick', async () => {
    const created = await new NasConnection(stack.identity).client('KR1').createVolume({ name: 'prod-logs', sizeGb: 300, mountProtocol: { protocol: 'nfs' } });
    const result = await daemon.reconcile('tick');
    expect(result.added.sort()).toEqual([`nightly.${created.id}.snapshot`, `nightly.${created.id}.usage`].sort());
    ids['prod-logs'] = created.id;
  });

  it('keeps the last good config when a reload finds errors, and opens an alert', async () => {
    const before = await schedulerIds();
    await stack.writePolicy('nightly.yaml', SNAPSHOT_POLICY.replace('keepDaily: 7', 'keepDialy: 7'));
    const result = await daemon.reload('SIGHUP');
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(/nightly\.yaml:\d+:\d+: spec\.snapshot\.retention.*keepDialy/);
    expect(daemon.currentPolicies().map((p) => p.name).sort()).toEqual(['nightly', 'replication']);
    expect(await schedulerIds()).toEqual(before);
    const alert = await stack.db.prisma.alert.findUnique({ where: { key: 'config-invalid' } });
    expect(alert).toMatchObject({ status: 'open', severity: 'critical' });
    expect(alert!.message).toMatch(/nightly\.yaml/);
    expect(stack.logs.some((l) => String(l.msg).includes('keeping the last good one') && String(l.msg).includes('keepDialy'))).toBe(true);
  });

  it('applies a fixed config: resolves the alert and removes the schedulers of a removed policy', async () => {
    await stack.writePolicy('nightly.yaml', SNAPSHOT_POLICY);
    await stack.writePolicy('replication.yaml', '# replication moved elsewhere\n');
    const result = await daemon.reload('SIGHUP');
    expect(result.ok).toBe(true);
    expect(await schedulerIds()).toEqual(
      ['prod-db', 'prod-web', 'prod-logs'].flatMap((n) => [`nightly.${ids[n]}.snapshot`, `nightly.${ids[n]}.usage`]).sort(),
    );
    const alert = await stack.db.prisma.alert.findUnique({ where: { key: 'config-invalid' } });
    expect(alert).toMatchObject({ status: 'resolved' });
  });

  it('reloads by itself when a file in the config directory changes', async () => {
    const watching = await stack.startDaemon({ watchConfig: true, redisPrefix: `${stack.redis.prefix}-watch` });
    await stack.writePolicy('nightly.yaml', SNAPSHOT_POLICY.replace('0 3 * * *', '0 4 * * *'));
    await vi.waitFor(() => expect(watching.currentPolicies().find((p) => p.name === 'nightly')?.snapshot?.schedule).toBe('0 4 * * *'), {
      timeout: 10_000,
      interval: 100,
    });
    await watching.stop();
  });

  it('keeps every scheduler of a region it cannot list (API outage) and raises an alert until it recovers', async () => {
    const before = await schedulerIds();
    stack.sim.setFaults({ rules: [{ route: 'GET /v1/volumes', status: 503 }] });
    const result = await daemon.reconcile('tick');
    expect(result).toMatchObject({ removed: [], unresolvedRegions: ['KR1'] });
    expect(await schedulerIds()).toEqual(before);
    expect(await stack.db.prisma.alert.findUnique({ where: { key: 'region-unreachable:KR1' } })).toMatchObject({ status: 'open', severity: 'critical' });
    stack.sim.setFaults({ rules: [] });
    await daemon.reconcile('tick');
    expect(await stack.db.prisma.alert.findUnique({ where: { key: 'region-unreachable:KR1' } })).toMatchObject({ status: 'resolved' });
  });

  it('picks up new volumes on the periodic node-cron tick without being asked', async () => {
    const prefix = `${stack.redis.prefix}-tick`;
    const ticking = await stack.startDaemon({ reconcileCron: '* * * * * *', redisPrefix: prefix });
    const tickQueue = new Queue(QUEUE_NAME, { connection: { url: stack.redis.url }, prefix });
    try {
      const created = await new NasConnection(stack.identity).client('KR1').createVolume({ name: 'prod-tick', sizeGb: 300, mountProtocol: { protocol: 'nfs' } });
      await vi.waitFor(
        async () => expect((await tickQueue.getJobSchedulers(0, -1)).map((j) => j.key)).toContain(`nightly.${created.id}.snapshot`),
        { timeout: 10_000, interval: 100 },
      );
    } finally {
      await tickQueue.close();
      await ticking.stop();
    }
  });
});
