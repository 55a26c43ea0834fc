// Decisions stay strict when the API sends undocumented values (the simulator's quirks mode, over
// HTTP, with real PostgreSQL and Redis through the JobRunner): a snapshot of an unknown type is
// never pruned; an unknown /stat status is neither ACTIVE nor HALT (window jobs send no call, the
// HALT and RETRIEVE FAILED alerts are neither raised nor resolved); an unknown direction names no
// writer, so no mirror call is made at all.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import type { Policy } from '../../src/policy/policy.ts';
import type { JobKind } from '../../src/schedule/job-kinds.ts';
import { jobRunnerFor, runJob, testPolicy } from '../support/job-runs.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let nas: NasConnection;
let redis: Redis;
let mirrorId: string;
const ids: Record<string, string> = {};

const policy = testPolicy;
// Short settle rule; waiting between /stat reads moves the simulated clock.
const SETTLE = { settleChecks: 1, settleIntervalMs: 1000, stuckMs: 2 * 3600_000 };
const run = (p: Policy, kind: JobKind, volume: string) =>
  runJob(jobRunnerFor(stack, redis, nas, p, { replication: SETTLE, sleep: (ms) => stack.sim.advance(ms) }), stack, p, kind, { id: ids[volume]!, name: volume });

const alert = (key: string) => stack.db.prisma.alert.findUnique({ where: { key } });
const mirrorCalls = (action: string) => stack.sim.requests().filter((r) => r.method === 'POST' && r.route.endsWith(`/${action}`)).length;
const statReads = () => stack.sim.requests().filter((r) => r.route.endsWith('/stat')).length;
const WINDOW = policy('window', `volumes:\n  names: [prod-web]\nreplication:\n  window: { start: "0 1 * * *", stop: "0 5 * * *" }`);
const WATCH = policy('watch', `volumes:\n  names: [prod-web]\nreplication:\n  rpo: 6h`);

beforeAll(async () => {
  stack = await createTestStack({ clock: 'manual', startTime: '2026-11-27T00:00:00Z' });
  nas = new NasConnection(stack.identity);
  redis = new Redis(stack.redis.url);
  for (const v of await nas.client('KR1').listAllVolumes()) ids[v.name] = v.id;
  mirrorId = (await nas.client('KR1').getVolume(ids['prod-web']!)).mirrors[0]!.id;
});
afterAll(async () => {
  redis.disconnect();
  await stack.close();
});

describe('prune with an undocumented snapshot type', () => {
  const spec = `volumes:\n  names: [staging-files]\nsnapshot:\n  schedule: "0 * * * *"\n  prefix: "odd-"\n  retention:\n    keepLast: 1\n  maxDeletionsPerRun: 10`;

  it('deletes nothing of that type, though retention would let it go; the same snapshots typed NORMAL are pruned', async () => {
    const client = nas.client('KR1');
    for (let i = 1; i <= 3; i++) {
      await client.createSnapshot(ids['staging-files']!, { name: `odd-${i}` });
      await stack.sim.advance(60_000);
    }
    stack.sim.setQuirks({ unknownValues: { snapshotType: 'ARCHIVE' } });
    const odd = await run(policy('odd', spec), 'prune', 'staging-files');
    expect(odd.kind === 'done' && odd.outcome).toMatchObject({ status: 'succeeded', details: { deleted: [], kept: [] } });
    expect((await client.listSnapshots(ids['staging-files']!)).filter((s) => s.name.startsWith('odd-'))).toHaveLength(3);

    stack.sim.setQuirks({ unknownValues: { snapshotType: null } });
    const normal = await run(policy('odd', spec), 'prune', 'staging-files');
    expect(normal.kind === 'done' && normal.outcome.details.deleted).toHaveLength(2);
  });
});

describe('an undocumented /stat status', () => {
  it('is not ACTIVE: mirror-start does not skip as "already ACTIVE" nor call start; it alerts naming the status', async () => {
    stack.sim.setQuirks({ unknownValues: { statStatus: 'SYNCING' } });
    const result = await run(WINDOW, 'mirror-start', 'prod-web');
    expect(result.kind).toBe('failed');
    const a = await alert(`mirror-unsettled:${ids['prod-web']}`);
    expect(a).toMatchObject({ status: 'open', severity: 'warning' });
    expect(a!.message).toContain(`mirror ${mirrorId} of volume prod-web (${ids['prod-web']}) stayed SYNCING`);
    expect(mirrorCalls('start')).toBe(0);
  });

  it('is not HALT: mirror-stop neither skips nor calls stop, even when the mirror really is halted', async () => {
    stack.sim.setQuirks({ unknownValues: { statStatus: null } });
    expect((await run(WINDOW, 'mirror-stop', 'prod-web')).kind).toBe('done');
    await stack.sim.advance(60_000);
    const stops = mirrorCalls('stop');
    stack.sim.setQuirks({ unknownValues: { statStatus: 'SUSPENDED' } });
    const result = await run(WINDOW, 'mirror-stop', 'prod-web');
    expect(result.kind).toBe('failed');
    expect((await alert(`mirror-unsettled:${ids['prod-web']}`))!.message).toContain('stayed SUSPENDED');
    expect(mirrorCalls('stop')).toBe(stops);
  });

  it('mirror-stat neither raises nor resolves the HALT alert, and warns about the status', async () => {
    // The mirror is HALT (stopped above) outside any stop window.
    stack.sim.setQuirks({ unknownValues: { statStatus: null } });
    await run(WATCH, 'mirror-stat', 'prod-web');
    expect(await alert(`mirror-halt:${ids['prod-web']}`)).toMatchObject({ status: 'open' });

    stack.sim.setQuirks({ unknownValues: { statStatus: 'SUSPENDED' } });
    const result = await run(WATCH, 'mirror-stat', 'prod-web');
    expect(result.kind === 'done' && result.outcome.details).toMatchObject({ status: 'SUSPENDED', alerts: expect.arrayContaining(['status-unknown']) });
    expect(await alert(`mirror-halt:${ids['prod-web']}`)).toMatchObject({ status: 'open', count: 1 });
    const unknown = await alert(`mirror-status-unknown:${ids['prod-web']}`);
    expect(unknown).toMatchObject({ status: 'open', severity: 'warning' });
    expect(unknown!.message).toContain('undocumented /stat status "SUSPENDED"');
    expect(await stack.db.prisma.mirrorStatSample.findFirst({ where: { mirrorId, status: 'SUSPENDED' } })).not.toBeNull();

    stack.sim.setQuirks({ unknownValues: { statStatus: null } });
    await run(WATCH, 'mirror-stat', 'prod-web');
    expect(await alert(`mirror-status-unknown:${ids['prod-web']}`)).toMatchObject({ status: 'resolved' });
  });
});

describe('an undocumented mirror direction', () => {
  it('names no writer: the job fails without any mirror call', async () => {
    stack.sim.setQuirks({ unknownValues: { mirrorDirection: 'BIDIRECTIONAL' } });
    const reads = statReads();
    const result = await run(WATCH, 'mirror-stat', 'prod-web');
    expect(result.kind).toBe('failed');
    expect(result.kind === 'failed' && result.error.message).toContain('unknown direction; no mirror call is made on a guess');
    expect(statReads()).toBe(reads);
    stack.sim.setQuirks({ unknownValues: { mirrorDirection: null } });
  });
});
