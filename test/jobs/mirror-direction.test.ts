// Replication follows the direction (issue #6 §4), through the JobRunner against the simulator on
// a manual clock: after invert-direction (REVERSE) the jobs of a policy selecting the original act on
// the replica as the writer; which volume id / region each mirror call takes under every A1 switch;
// window calls only from a settled state; a stop whose answer is lost confirmed by observation;
// the transfer-failed and stuck alerts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import { VolumeLock } from '../../src/coordination/volume-lock.ts';
import { RunRecorder } from '../../src/history/run-recorder.ts';
import { NasConnection, type NasConnectionOptions } from '../../src/nas/connection.ts';
import { JobRunner, type RunResult } from '../../src/orchestrator/job-runner.ts';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';
import type { Policy } from '../../src/policy/policy.ts';
import type { WriterOverride } from '../../src/replication/writer-override.ts';
import type { JobKind } from '../../src/schedule/job-kinds.ts';
import type { SimSwitchesInput } from '../../src/simulator/index.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

const SETTLE = { settleChecks: 3, settleIntervalMs: 1000, stuckMs: 2 * 3600_000 };
const STOP_ROUTE = 'POST /v1/volumes/:volumeId/volume-mirrors/:volumeMirrorId/stop';
const START_ROUTE = 'POST /v1/volumes/:volumeId/volume-mirrors/:volumeMirrorId/start';
const STAT_ROUTE = 'GET /v1/volumes/:volumeId/volume-mirrors/:volumeMirrorId/stat';

interface World {
  stack: TestStack;
  nas: NasConnection;
  redis: Redis;
  web: string;
  dr: string;
  mirrorId: string;
}

async function openWorld(switches?: SimSwitchesInput): Promise<World> {
  const stack = await createTestStack({ clock: 'manual', startTime: '2026-12-01T00:00:00Z', ...(switches ? { switches } : {}) });
  const nas = new NasConnection(stack.identity);
  const web = (await nas.client('KR1').listAllVolumes()).find((v) => v.name === 'prod-web')!;
  const dr = (await nas.client('KR2').listAllVolumes()).find((v) => v.name === 'prod-web-dr')!;
  await stack.sim.advance(5 * 60_000);
  return { stack, nas, redis: new Redis(stack.redis.url), web: web.id, dr: dr.id, mirrorId: web.mirrors[0]!.id };
}

async function closeWorld(w: World | undefined): Promise<void> {
  if (!w) return;
  w.redis.disconnect();
  await w.stack.close();
}

function policy(name: string, spec: string, region = 'KR1'): Policy {
  const parsed = parsePolicyText(policyYaml(name, `region: ${region}\n${spec}`), `${name}.yaml`, { defaultRegion: 'KR1' });
  expect(parsed.errors.map((e) => e.format())).toEqual([]);
  return parsed.policies[0]!;
}

interface RunOptions {
  connection?: NasConnectionOptions;
  writerOverride?: WriterOverride;
  lockMode?: 'try' | 'wait';
  sleep?: (ms: number) => Promise<void>;
}

async function run(w: World, p: Policy, kind: JobKind, volume: { id: string; name: string; region: string }, options: RunOptions = {}): Promise<RunResult> {
  const nas = options.connection ? new NasConnection(w.stack.identity, options.connection) : w.nas;
  const runner = new JobRunner({
    prisma: w.stack.db.prisma,
    recorder: new RunRecorder(w.stack.db.prisma),
    alerts: new AlertBook(w.stack.db.prisma),
    locks: new VolumeLock(w.redis, { prefix: w.stack.redis.prefix }),
    nasFor: (r) => nas.client(r),
    policy: (n) => (n === p.name ? p : undefined),
    log: w.stack.log,
    now: () => w.stack.sim.now(),
    replication: SETTLE,
    // Waiting between re-reads moves the simulated clock, so UPDATING can settle (or not) on cue.
    sleep: options.sleep ?? ((ms) => w.stack.sim.advance(ms)),
    ...(options.writerOverride ? { writerOverride: options.writerOverride } : {}),
  });
  return runner.run({
    data: { kind, policy: p.name, volumeId: volume.id, volumeName: volume.name, region: volume.region },
    runKey: `test-${randomUUID()}`,
    slot: w.stack.sim.now(),
    trigger: 'manual',
    finalAttempt: true,
    lockMode: options.lockMode ?? 'wait',
  });
}

const original = (w: World) => ({ id: w.web, name: 'prod-web', region: 'KR1' });
const replica = (w: World) => ({ id: w.dr, name: 'prod-web-dr', region: 'KR2' });
const details = (r: RunResult) => (r.kind === 'done' ? r.outcome.details : { failed: r.kind === 'failed' ? r.error.message : r.kind });
const calls = (w: World, route: string) => w.stack.sim.requests().filter((r) => r.route === route);
const alert = (w: World, key: string) => w.stack.db.prisma.alert.findUnique({ where: { key } });

async function invert(w: World): Promise<void> {
  await w.nas.client('KR1').invertMirrorDirection(w.web, w.mirrorId);
  await w.stack.sim.advance(60_000);
  const [mirror] = (await w.nas.client('KR1').getVolume(w.web)).mirrors;
  expect(mirror).toMatchObject({ direction: 'REVERSE', role: 'SOURCE' });
  expect((await w.nas.client('KR1').getMirrorStat(w.web, w.mirrorId)).status).toBe('ACTIVE');
}

const windowPolicy = (name = 'repl') => policy(name, `volumes:\n  names: [prod-web]\nreplication:\n  rpo: 1h\n  window: { start: "0 1 * * *", stop: "0 5 * * *" }`);

describe('after invert-direction (REVERSE) a policy selecting the original acts on the replica', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld();
    await invert(w);
  });
  afterAll(() => closeWorld(w));

  it('mirror-stat samples the pair through the writer (the replica in KR2) and says so', async () => {
    const result = await run(w, windowPolicy(), 'mirror-stat', original(w));
    expect(details(result)).toMatchObject({
      status: 'ACTIVE',
      actingOn: replica(w),
      redirectedFrom: original(w),
      target: { volumeId: w.dr, region: 'KR2' },
      alerts: [],
    });
    const sample = await w.stack.db.prisma.mirrorStatSample.findFirst({ orderBy: { id: 'desc' } });
    expect(sample).toMatchObject({ volumeId: w.dr, region: 'KR2', mirrorId: w.mirrorId });
  });

  it('mirror-stop and mirror-start call the replica id on KR2, and the lock is the replica\'s', async () => {
    const held = await new VolumeLock(w.redis, { prefix: w.stack.redis.prefix }).tryAcquire('KR2', w.dr);
    expect(await run(w, windowPolicy(), 'mirror-stop', original(w), { lockMode: 'try' })).toEqual({ kind: 'busy' });
    await held!.release();

    const stop = await run(w, windowPolicy(), 'mirror-stop', original(w));
    expect(details(stop)).toMatchObject({ action: 'stop', before: 'ACTIVE', target: { volumeId: w.dr, region: 'KR2' }, actingOn: { id: w.dr } });
    await w.stack.sim.advance(30_000);
    expect((await w.nas.client('KR2').getMirrorStat(w.dr, w.mirrorId)).status).toBe('HALT');
    const start = await run(w, windowPolicy(), 'mirror-start', original(w));
    expect(details(start)).toMatchObject({ action: 'start', before: 'HALT', target: { volumeId: w.dr, region: 'KR2' } });
    await w.stack.sim.advance(30_000);

    for (const route of [STOP_ROUTE, START_ROUTE]) {
      expect(calls(w, route).map((r) => [r.region, r.path.split('/')[3]])).toEqual([['KR2', w.dr]]);
    }
    expect((await w.nas.client('KR1').getVolume(w.web)).mirrors[0]).toMatchObject({ direction: 'REVERSE' });
  });

  it('a snapshot policy selecting the original snapshots the writer after the invert', async () => {
    const p = policy('snaps', `volumes:\n  names: [prod-web]\nsnapshot:\n  schedule: "0 * * * *"\n  prefix: "dir-test-"\n  retention:\n    keepLast: 2`);
    const result = await run(w, p, 'snapshot', original(w));
    expect(details(result)).toMatchObject({ actingOn: replica(w), redirectedFrom: original(w), snapshot: { created: true } });
    const onReplica = (await w.nas.client('KR2').listSnapshots(w.dr)).filter((s) => s.name.startsWith('dir-test-'));
    const onOriginal = (await w.nas.client('KR1').listSnapshots(w.web)).filter((s) => s.name.startsWith('dir-test-'));
    expect(onReplica).toHaveLength(1);
    expect(onOriginal).toHaveLength(0);
    const record = await w.stack.db.prisma.snapshotRecord.findFirst({ where: { policy: 'snaps' } });
    expect(record).toMatchObject({ volumeId: w.dr });
  });

  it('a policy selecting the replica (the writer now) acts on it without a redirect', async () => {
    const p = policy('dr-side', `volumes:\n  names: [prod-web-dr]\nreplication:\n  rpo: 1h`, 'KR2');
    const result = await run(w, p, 'mirror-stat', replica(w));
    expect(details(result)).toMatchObject({ actingOn: replica(w), redirectedFrom: null, target: { volumeId: w.dr, region: 'KR2' } });
  });

  it('a failover record names the writer: snapshots go to it and a window start is refused with a reason', async () => {
    // Back to FORWARD, then pretend a failover run left the replica writing (HALT, direction unchanged).
    await invert(w).catch(() => undefined);
    await w.stack.sim.advance(60_000);
    const [m] = (await w.nas.client('KR1').getVolume(w.web)).mirrors;
    expect(m!.direction).toBe('FORWARD');
    await w.nas.client('KR1').stopMirror(w.web, w.mirrorId); // what a planned failover does first
    await w.stack.sim.advance(30_000);
    const writerOverride: WriterOverride = (key) => (key === `${w.web}>${w.dr}` ? { volumeId: w.dr, reason: 'failover run test' } : undefined);
    const p = policy('snaps', `volumes:\n  names: [prod-web]\nsnapshot:\n  schedule: "0 * * * *"\n  prefix: "fo-test-"\n  retention:\n    keepLast: 2`);
    const snap = await run(w, p, 'snapshot', original(w), { writerOverride });
    expect(details(snap)).toMatchObject({ actingOn: replica(w), redirectedFrom: original(w) });
    const startsBefore = calls(w, START_ROUTE).length;
    const start = await run(w, windowPolicy(), 'mirror-start', original(w), { writerOverride });
    expect(start.kind === 'done' && start.outcome.status).toBe('skipped');
    expect(String(details(start).reason)).toMatch(/failed over \(failover run test\): prod-web-dr .* takes writes/);
    expect(calls(w, START_ROUTE)).toHaveLength(startsBefore);
  });
});

describe('which volume id and region each mirror call uses (A1 switches)', () => {
  let w: World | undefined;
  afterEach(async () => {
    await closeWorld(w);
    w = undefined;
  });

  it.each([
    ['either', 400, false],
    ['writer', 400, false],
    ['source', 400, true],
    ['source', 404, true],
  ] as const)('REVERSE pair, mirrorCallVolume %s (refusal %d): fallback to the peer %s', async (side, status, fallback) => {
    w = await openWorld();
    await invert(w);
    w.stack.sim.setSwitches({ mirrorCallVolume: side, mirrorCallRejectStatus: status });
    const stat = await run(w, windowPolicy(), 'mirror-stat', original(w));
    const used = fallback ? { volumeId: w.web, region: 'KR1', fallbackFrom: { volumeId: w.dr, region: 'KR2', httpStatus: status } } : { volumeId: w.dr, region: 'KR2' };
    expect(details(stat)).toMatchObject({ status: 'ACTIVE', target: used });
    if (!fallback) expect(details(stat).target).not.toHaveProperty('fallbackFrom');

    const stop = await run(w, windowPolicy(), 'mirror-stop', original(w));
    expect(details(stop)).toMatchObject({ action: 'stop', target: used });
    // The mutation goes only to the target /stat found: never a refused stop first.
    expect(calls(w, STOP_ROUTE).map((r) => [r.region, r.status])).toEqual([[used.region, 202]]);
    const refusedStats = calls(w, STAT_ROUTE).filter((r) => r.status === status);
    expect(refusedStats).toHaveLength(fallback ? 2 : 0);
    expect(w.stack.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith(`mirror /stat refused on ${w!.dr} (KR2)`))).toBe(fallback);
  });

  it('FORWARD pair, mirrorCallVolume source: the writer is the source, no fallback', async () => {
    w = await openWorld({ mirrorCallVolume: 'source' });
    const drPolicy = policy('dr-side', `volumes:\n  names: [prod-web-dr]\nreplication:\n  rpo: 1h`, 'KR2');
    const stat = await run(w, drPolicy, 'mirror-stat', replica(w));
    expect(details(stat)).toMatchObject({ actingOn: original(w), redirectedFrom: replica(w), target: { volumeId: w.web, region: 'KR1' } });
  });
});

describe('window calls only from a settled state', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld();
  });
  afterAll(() => closeWorld(w));

  it('start while UPDATING re-checks, then warns and fails retryable without calling start', async () => {
    await w.nas.client('KR1').stopMirror(w.web, w.mirrorId); // final sync: UPDATING for finalSyncSeconds (10 s)
    const result = await run(w, windowPolicy(), 'mirror-start', original(w), {
      sleep: async (ms) => w.stack.sim.advance(Math.min(ms, 2000)), // 3 re-checks, 2 s apart: still UPDATING
    });
    expect(result).toMatchObject({ kind: 'failed', retryable: true });
    expect(calls(w, START_ROUTE)).toHaveLength(0);
    const warning = await alert(w, `mirror-unsettled:${w.web}`);
    expect(warning).toMatchObject({ status: 'open', severity: 'warning' });
    expect(warning!.message).toMatch(/stayed UPDATING through 4 reads .* replication start not sent/);
  });

  it('once the mirror settles within the re-checks the call is sent and the warning resolves', async () => {
    await w.stack.sim.advance(6000); // 9 s into the 10 s final sync: the first re-check (1 s later) sees HALT
    const result = await run(w, windowPolicy(), 'mirror-start', original(w));
    expect(details(result)).toMatchObject({ action: 'start', before: 'HALT', statReads: 2 });
    expect(calls(w, START_ROUTE)).toHaveLength(1);
    expect(await alert(w, `mirror-unsettled:${w.web}`)).toMatchObject({ status: 'resolved' });
    await w.stack.sim.advance(30_000);
  });

  it('a stop from RETRIEVE FAILED is not sent', async () => {
    w.stack.sim.setMirrorFault(w.mirrorId, { retrieveFailed: true });
    const result = await run(w, windowPolicy(), 'mirror-stop', original(w));
    expect(result).toMatchObject({ kind: 'failed', retryable: true });
    expect(calls(w, STOP_ROUTE)).toHaveLength(1); // only the setup stop of the first test
    w.stack.sim.setMirrorFault(w.mirrorId, { retrieveFailed: false });
  });
});

describe('a stop whose answer is lost is confirmed by observation', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld();
  });
  afterAll(() => closeWorld(w));

  it.each([
    ['the client times out (outcomeUnknown)', { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }],
    ['the retry gets a 400 because the first stop took effect', { maxAttempts: 2, baseDelayMs: 1500, maxDelayMs: 1500 }],
  ])('%s: succeeded, confirmedByObservation, no critical alert', async (_label, retry) => {
    const status = (await w.nas.client('KR1').getMirrorStat(w.web, w.mirrorId)).status;
    if (status !== 'ACTIVE') {
      await w.nas.client('KR1').startMirror(w.web, w.mirrorId);
      await w.stack.sim.advance(30_000);
    }
    const stopsBefore = calls(w, STOP_ROUTE).length;
    // The stop is held 600 ms of wall time, then applied; the client gave up after 300 ms.
    w.stack.sim.setFaults({ rules: [{ route: STOP_ROUTE, latencyMs: 600, times: 1 }] });
    const applied = async () => {
      // Re-reads wait (wall time) for the held stop to land on the simulator, then move its clock.
      const deadline = Date.now() + 5000;
      while ((await w.nas.client('KR1').getMirrorStat(w.web, w.mirrorId)).status === 'ACTIVE' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const result = await run(w, windowPolicy(), 'mirror-stop', original(w), {
      // No jitter: the back-off is its full ~1.5 s, so a retry lands after the held stop did.
      connection: { client: { timeoutMs: 300, retry, random: () => 0.999 } },
      sleep: async (ms) => {
        await applied();
        await w.stack.sim.advance(ms * 5); // the final sync takes 10 s; a few re-reads see HALT
      },
    });
    expect(details(result)).toMatchObject({ action: 'stop', confirmedByObservation: true, observed: 'HALT' });
    expect(result.kind === 'done' && result.outcome.status).toBe('succeeded');
    expect((await alert(w, `job-failed:mirror-stop:repl:${w.web}`))?.status).not.toBe('open');
    // The held first stop is never logged (its client left); a retry is, refused with 400 as already stopping.
    expect(calls(w, STOP_ROUTE).slice(stopsBefore).map((r) => r.status)).toEqual(retry.maxAttempts === 2 ? [400] : []);
    w.stack.sim.setFaults({ rules: [] });
  });
});

describe('transfer-failed and stuck alerts', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld();
  });
  afterAll(() => closeWorld(w));

  it('raises mirror-transfer-failed with the raw lastTransferStatus, and resolves it after a success', async () => {
    w.stack.sim.setMirrorFault(w.mirrorId, { transferFails: true });
    await w.stack.sim.advance(2 * 60_000);
    const result = await run(w, windowPolicy(), 'mirror-stat', original(w));
    expect(details(result).alerts).toContain('transfer-failed');
    const failed = await alert(w, `mirror-transfer-failed:${w.web}`);
    expect(failed).toMatchObject({ status: 'open', severity: 'warning' });
    expect(failed!.details).toMatchObject({ lastTransferStatus: 'FAILED', mirrorId: w.mirrorId });
    expect(failed!.message).toMatch(/last replication transfer of volume prod-web .* failed .* status "FAILED"/);

    w.stack.sim.setMirrorFault(w.mirrorId, { transferFails: false });
    await w.stack.sim.advance(2 * 60_000);
    await run(w, windowPolicy(), 'mirror-stat', original(w));
    expect(await alert(w, `mirror-transfer-failed:${w.web}`)).toMatchObject({ status: 'resolved' });
  });

});

describe('the stuck alert', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld();
  });
  afterAll(() => closeWorld(w));

  it('raises mirror-stuck when UPDATING/PENDING outlasts NASORCH_MIRROR_STUCK_MS (from stored samples), resolves when cleared', async () => {
    // Stored samples: UPDATING since 3 h ago (a stop's final sync that never ended, as seen by earlier polls).
    const now = w.stack.sim.now();
    const at = (h: number) => new Date(now.getTime() - h * 3600_000);
    await w.stack.db.prisma.mirrorStatSample.createMany({
      data: [
        { policy: 'repl', volumeId: w.web, mirrorId: w.mirrorId, region: 'KR1', sampledAt: at(4), status: 'ACTIVE' },
        { policy: 'repl', volumeId: w.web, mirrorId: w.mirrorId, region: 'KR1', sampledAt: at(3), status: 'UPDATING' },
        { policy: 'other', volumeId: w.web, mirrorId: w.mirrorId, region: 'KR1', sampledAt: at(1), status: 'PENDING' },
      ],
    });
    await w.nas.client('KR1').stopMirror(w.web, w.mirrorId); // UPDATING now
    const result = await run(w, windowPolicy(), 'mirror-stat', original(w));
    expect(details(result)).toMatchObject({ status: 'UPDATING', transientSince: at(3).toISOString() });
    const stuck = await alert(w, `mirror-stuck:${w.web}`);
    expect(stuck).toMatchObject({ status: 'open', severity: 'warning' });
    expect(stuck!.message).toMatch(/has been UPDATING since .* \(180 min, over 120 min/);

    await w.stack.sim.advance(60_000); // HALT
    await run(w, windowPolicy(), 'mirror-stat', original(w));
    expect(await alert(w, `mirror-stuck:${w.web}`)).toMatchObject({ status: 'resolved' });
  });
});
