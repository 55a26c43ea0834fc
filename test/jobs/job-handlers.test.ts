// The job handlers through the JobRunner (as the worker and `nasorch run` call them), against a
// simulator on a manual clock: pruning within the deletion budget, capacity alerts, and the
// replication alerts (RPO, HALT outside a stop window, RETRIEVE FAILED).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { VolumeLock } from '../../src/coordination/volume-lock.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import type { Policy } from '../../src/policy/policy.ts';
import type { JobKind } from '../../src/schedule/job-kinds.ts';
import { Redis } from 'ioredis';
import { jobRunnerFor, runJob, testPolicy } from '../support/job-runs.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let nas: NasConnection;
let redis: Redis;
const ids: Record<string, string> = {};

const policy = testPolicy;
const runnerFor = (p: Policy) => jobRunnerFor(stack, redis, nas, p);
const run = (p: Policy, kind: JobKind, volume: string) => runJob(runnerFor(p), stack, p, kind, { id: ids[volume]!, name: volume });

const alert = (key: string) => stack.db.prisma.alert.findUnique({ where: { key } });

beforeAll(async () => {
  stack = await createTestStack({ clock: 'manual', startTime: '2026-11-27T00:00:00Z' });
  nas = new NasConnection(stack.identity);
  redis = new Redis(stack.redis.url);
  for (const v of await nas.client('KR1').listAllVolumes()) ids[v.name] = v.id;
});
afterAll(async () => {
  redis.disconnect();
  await stack.close();
});

describe('prune', () => {
  const spec = (budget: number) => `volumes:
  names: [staging-files]
snapshot:
  schedule: "0 * * * *"
  prefix: "keep-test-"
  retention:
    keepLast: 1
  maxDeletionsPerRun: ${budget}`;

  it('deletes nothing and raises an alert when retention wants more than the budget', async () => {
    const client = nas.client('KR1');
    for (let i = 1; i <= 5; i++) {
      await client.createSnapshot(ids['staging-files']!, { name: `keep-test-${i}` });
      await stack.sim.advance(60_000);
    }
    await client.createSnapshot(ids['staging-files']!, { name: 'manual-by-a-person' });

    const result = await run(policy('budget', spec(2)), 'prune', 'staging-files');
    expect(result.kind).toBe('done');
    expect(result.kind === 'done' && result.outcome).toMatchObject({ status: 'skipped', details: { wouldDelete: 4, budget: 2 } });
    expect((await client.listSnapshots(ids['staging-files']!)).filter((s) => s.name.startsWith('keep-test-'))).toHaveLength(5);
    expect(await alert(`deletion-budget:budget:${ids['staging-files']}`)).toMatchObject({ status: 'open', severity: 'critical' });
  });

  it('within the budget deletes oldest first, only its own snapshots, records each, and resolves the alert', async () => {
    const result = await run(policy('budget', spec(10)), 'prune', 'staging-files');
    expect(result.kind === 'done' && result.outcome.status).toBe('succeeded');
    const names = (await nas.client('KR1').listSnapshots(ids['staging-files']!)).map((s) => s.name);
    expect(names.filter((n) => n.startsWith('keep-test-'))).toEqual(['keep-test-5']);
    expect(names).toContain('manual-by-a-person');
    const deleted = await stack.db.prisma.snapshotRecord.findMany({ where: { action: 'deleted', policy: 'budget' }, orderBy: { id: 'asc' } });
    expect(deleted.map((d) => d.snapshotName)).toEqual(['keep-test-1', 'keep-test-2', 'keep-test-3', 'keep-test-4']);
    expect(await alert(`deletion-budget:budget:${ids['staging-files']}`)).toMatchObject({ status: 'resolved' });
  });
});

describe('usage', () => {
  it('stores a sample and keeps the capacity alert at the right severity', async () => {
    const critical = policy('cap', `volumes:\n  names: [prod-db]\nusage:\n  warnPercent: 1\n  criticalPercent: 2`);
    await run(critical, 'usage', 'prod-db');
    expect(await alert(`usage:${ids['prod-db']}`)).toMatchObject({ status: 'open', severity: 'critical' });
    const relaxed = policy('cap', `volumes:\n  names: [prod-db]\nusage:\n  warnPercent: 99\n  criticalPercent: 100`);
    await run(relaxed, 'usage', 'prod-db');
    expect(await alert(`usage:${ids['prod-db']}`)).toMatchObject({ status: 'resolved' });
    const samples = await stack.db.prisma.usageSample.findMany({ where: { volumeId: ids['prod-db'] } });
    expect(samples).toHaveLength(2);
    expect(samples[0]!.sizeGb).toBe(500);
    expect(samples[0]!.usedPercent).toBeCloseTo((samples[0]!.usedGb / 500) * 100);
  });
});

describe('mirror-stat', () => {
  const replication = (extra = '') => policy('repl', `volumes:\n  names: [prod-web]\nreplication:\n  rpo: 1h${extra}`);
  let mirrorId: string;

  beforeAll(async () => {
    const web = await nas.client('KR1').getVolume(ids['prod-web']!);
    mirrorId = web.mirrors.find((m) => m.role === 'SOURCE')!.id;
    await stack.sim.advance(5 * 60_000); // let replication run once
  });

  it('samples a healthy mirror without alerts', async () => {
    const result = await run(replication(), 'mirror-stat', 'prod-web');
    expect(result.kind === 'done' && result.outcome.details).toMatchObject({ status: 'ACTIVE', alerts: [] });
    expect(await stack.db.prisma.mirrorStatSample.count({ where: { mirrorId } })).toBe(1);
  });

  it('opens the RPO alert when the last successful transfer is too old, and resolves it after one', async () => {
    stack.sim.setMirrorFault(mirrorId, { transferFails: true });
    await stack.sim.advance(2 * 3600_000);
    await run(replication(), 'mirror-stat', 'prod-web');
    const rpo = await alert(`rpo:${ids['prod-web']}`);
    expect(rpo).toMatchObject({ status: 'open', severity: 'critical' });
    expect(rpo!.message).toMatch(/RPO of 1h/);
    stack.sim.setMirrorFault(mirrorId, { transferFails: false });
    await stack.sim.advance(5 * 60_000);
    await run(replication(), 'mirror-stat', 'prod-web');
    expect(await alert(`rpo:${ids['prod-web']}`)).toMatchObject({ status: 'resolved' });
  });

  it('alerts on HALT outside a stop window but not inside one', async () => {
    stack.sim.setMirrorFault(mirrorId, { halt: true });
    await run(replication(), 'mirror-stat', 'prod-web');
    expect(await alert(`mirror-halt:${ids['prod-web']}`)).toMatchObject({ status: 'open' });
    // Simulated time is past 02:00 UTC: a window of 01:00–02:00 means replication is meant to be stopped now.
    await run(replication('\n  window: { start: "0 1 * * *", stop: "0 2 * * *" }'), 'mirror-stat', 'prod-web');
    expect(await alert(`mirror-halt:${ids['prod-web']}`)).toMatchObject({ status: 'resolved' });
    stack.sim.setMirrorFault(mirrorId, { halt: false });
  });

  it('warns while the status cannot be retrieved', async () => {
    stack.sim.setMirrorFault(mirrorId, { retrieveFailed: true });
    await run(replication(), 'mirror-stat', 'prod-web');
    expect(await alert(`mirror-retrieve-failed:${ids['prod-web']}`)).toMatchObject({ status: 'open', severity: 'warning' });
    stack.sim.setMirrorFault(mirrorId, { retrieveFailed: false });
    await run(replication(), 'mirror-stat', 'prod-web');
    expect(await alert(`mirror-retrieve-failed:${ids['prod-web']}`)).toMatchObject({ status: 'resolved' });
  });

  it('fails for good, with an alert naming the volume, when the volume has no mirror', async () => {
    const p = policy('nomirror', `volumes:\n  names: [prod-db]\nreplication:\n  rpo: 1h`);
    const result = await run(p, 'mirror-stat', 'prod-db');
    expect(result).toMatchObject({ kind: 'failed', retryable: false });
    const a = await alert(`job-failed:mirror-stat:nomirror:${ids['prod-db']}`);
    expect(a).toMatchObject({ status: 'open', severity: 'critical' });
    expect(a!.message).toMatch(/volume prod-db \(.*\) has no mirror \(policy nomirror, spec\.replication\.mirror\)/);
  });
});

describe('mirror-start / mirror-stop', () => {
  it('stops and starts replication, and a repeated request is a no-op', async () => {
    const p = policy('window', `volumes:\n  names: [prod-web]\nreplication:\n  window: { start: "0 1 * * *", stop: "0 5 * * *" }`);
    await run(p, 'mirror-start', 'prod-web'); // the HALT test above left it halted
    await stack.sim.advance(60_000);
    const stop1 = await run(p, 'mirror-stop', 'prod-web');
    expect(stop1.kind === 'done' && stop1.outcome).toMatchObject({ status: 'succeeded', details: { action: 'stop' } });
    await stack.sim.advance(60_000);
    const stop2 = await run(p, 'mirror-stop', 'prod-web');
    expect(stop2.kind === 'done' && stop2.outcome.status).toBe('skipped');
    const start1 = await run(p, 'mirror-start', 'prod-web');
    expect(start1.kind === 'done' && start1.outcome).toMatchObject({ status: 'succeeded', details: { action: 'start' } });
    await stack.sim.advance(60_000);
    const start2 = await run(p, 'mirror-start', 'prod-web');
    expect(start2.kind === 'done' && start2.outcome.status).toBe('skipped');
  });
});

describe('one mutating job per volume', () => {
  it('a snapshot waits while another mutating job holds the volume; read-only jobs do not', async () => {
    const held = await new VolumeLock(redis, { prefix: stack.redis.prefix }).tryAcquire('KR1', ids['prod-db']!);
    const p = policy('busy', `volumes:\n  names: [prod-db]\nsnapshot:\n  schedule: "0 * * * *"\n  retention:\n    keepLast: 5\nusage: {}`);
    const runner = runnerFor(p);
    const request = (kind: JobKind) => ({
      data: { kind, policy: 'busy', volumeId: ids['prod-db']!, volumeName: 'prod-db', region: 'KR1' },
      runKey: `busy-${kind}-${randomUUID()}`,
      slot: stack.sim.now(),
      trigger: 'schedule' as const,
      finalAttempt: false,
      lockMode: 'try' as const,
    });
    expect(await runner.run(request('snapshot'))).toEqual({ kind: 'busy' });
    expect(await stack.db.prisma.jobRun.count({ where: { policy: 'busy' } })).toBe(0); // not even started
    expect((await runner.run(request('usage'))).kind).toBe('done');
    await held!.release();
    expect((await runner.run(request('snapshot'))).kind).toBe('done');
  });
});
