// The snapshot job and its slot ledger, through the JobRunner: exactly one snapshot per
// (policy, volume, slot), also when a create's reply is lost and the retry lands after the
// next slot's prune; a late attempt that does nothing says why in the run's details.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import { VolumeLock } from '../../src/coordination/volume-lock.ts';
import { RunRecorder } from '../../src/history/run-recorder.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { isNasApiError } from '../../src/nas/errors.ts';
import { JobRunner, type RunResult } from '../../src/orchestrator/job-runner.ts';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';
import type { Policy } from '../../src/policy/policy.ts';
import { snapshotName } from '../../src/schedule/slots.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

const CREATE = 'POST /v1/volumes/:volumeId/snapshots';
const LIST = 'GET /v1/volumes/:volumeId/snapshots';
const HOUR = 3_600_000;

let stack: TestStack;
let nas: NasConnection;
let redis: Redis;
let volumeId: string;
let policyCount = 0;

beforeAll(async () => {
  stack = await createTestStack({ clock: 'manual', startTime: '2026-11-27T00:00:00Z' });
  // Short timeouts and quick retries: a held reply times out in a fraction of a second.
  nas = new NasConnection(stack.identity, { client: { timeoutMs: 400, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 } } });
  redis = new Redis(stack.redis.url);
  volumeId = (await nas.client('KR1').listAllVolumes()).find((v) => v.name === 'staging-files')!.id;
});
afterAll(async () => {
  redis.disconnect();
  await stack.close();
});
beforeEach(() => stack.sim.setFaults({ rules: [] }));

/** A fresh policy (own prefix) keeping only the newest snapshot, pruning after each one. */
function freshPolicy(): Policy {
  const name = `slots${++policyCount}`;
  const parsed = parsePolicyText(
    policyYaml(name, `volumes:\n  names: [staging-files]\nsnapshot:\n  schedule: "0 * * * *"\n  retention:\n    keepLast: 1`),
    `${name}.yaml`,
    { defaultRegion: 'KR1' },
  );
  expect(parsed.errors.map((e) => e.format())).toEqual([]);
  return parsed.policies[0]!;
}

function runSlot(policy: Policy, slot: Date, runKey = `test-${randomUUID()}`): Promise<RunResult> {
  const runner = new JobRunner({
    prisma: stack.db.prisma,
    recorder: new RunRecorder(stack.db.prisma),
    alerts: new AlertBook(stack.db.prisma),
    locks: new VolumeLock(redis, { prefix: stack.redis.prefix }),
    nasFor: (r) => nas.client(r),
    policy: (n) => (n === policy.name ? policy : undefined),
    log: stack.log,
    now: () => stack.sim.now(),
  });
  return runner.run({
    data: { kind: 'snapshot', policy: policy.name, volumeId, volumeName: 'staging-files', region: 'KR1' },
    runKey,
    slot,
    trigger: 'schedule',
    finalAttempt: false,
    lockMode: 'wait',
  });
}

const T = new Date('2026-11-27T01:00:00Z');
const NEXT = new Date(T.getTime() + HOUR);
const creates = (since: number) => stack.sim.requests().slice(since).filter((r) => r.route === CREATE);
const names = async (prefix: string) => (await nas.client('KR1').listSnapshots(volumeId)).map((s) => s.name).filter((n) => n.startsWith(prefix));
const ledgerRow = (policy: Policy, slot: Date) =>
  stack.db.prisma.snapshotSlot.findUnique({ where: { policy_volumeId_slot: { policy: policy.name, volumeId, slot } } });
function detailsOf(result: RunResult) {
  if (result.kind !== 'done') throw new Error(`expected a finished run, got ${result.kind}: ${'error' in result ? result.error.message : ''}`);
  return result.outcome.details as { snapshot: { name: string; created: boolean; slot: string; reason: string; id?: string } };
}

describe('lost reply, then a late retry after the next prune', () => {
  it('creates the slot once: the retry finds it created-and-pruned and skips, saying why', async () => {
    const policy = freshPolicy();
    const since = stack.sim.requests().length;
    // The create is applied but its reply never comes; the lookup that follows fails too.
    stack.sim.setFaults({ rules: [{ route: CREATE, loseReply: 'hang', times: 1 }] });
    const runKey = `late-${randomUUID()}`;
    const first = runSlot(policy, T, runKey);
    await vi.waitFor(() => expect(creates(since)).toMatchObject([{ replyLost: 'hang' }]), { timeout: 10_000, interval: 20 });
    stack.sim.setFaults({ rules: [{ route: LIST, status: 500 }] });
    const failed = await first;
    expect(failed).toMatchObject({ kind: 'failed', retryable: true });
    expect(failed.kind === 'failed' && isNasApiError(failed.error) && failed.error.outcomeUnknown).toBe(true);
    expect(await ledgerRow(policy, T)).toMatchObject({ state: 'pending', attempts: 1 });
    stack.sim.setFaults({ rules: [] });

    // The next slot creates its snapshot and prunes T's (keepLast 1).
    await stack.sim.advance(HOUR);
    expect(detailsOf(await runSlot(policy, NEXT)).snapshot).toMatchObject({ created: true, slot: 'create' });
    expect(await names(policy.snapshot!.prefix)).toEqual([snapshotName(policy.snapshot!.prefix, NEXT)]);

    // The late retry of T: same run row, no second creation.
    const late = await runSlot(policy, T, runKey);
    expect(late).toMatchObject({ kind: 'done', outcome: { status: 'skipped' } });
    expect(detailsOf(late).snapshot).toMatchObject({ created: false, slot: 'skip' });
    expect(detailsOf(late).snapshot.reason).toMatch(/created and pruned since; not creating it again/);
    expect(creates(since)).toHaveLength(2); // T once (reply lost), NEXT once
    expect(await names(policy.snapshot!.prefix)).toEqual([snapshotName(policy.snapshot!.prefix, NEXT)]);
    expect(await ledgerRow(policy, T)).toMatchObject({ state: 'skipped', attempts: 2 });
    const row = await stack.db.prisma.jobRun.findUnique({ where: { runKey } });
    expect(row).toMatchObject({ status: 'skipped', attempts: 2 });
    expect((row!.details as { snapshot: { reason: string } }).snapshot.reason).toMatch(/not creating it again/);
  });
});

describe('lost replies the lookup settles', () => {
  it.each([
    ['a reset connection', 'reset' as const],
    ['a 503 after the create took effect', 503],
    ['a timeout', 'hang' as const],
  ])('%s: the name is found, adopted as created, one POST', async (_title, loseReply) => {
    const policy = freshPolicy();
    const since = stack.sim.requests().length;
    stack.sim.setFaults({ rules: [{ route: CREATE, loseReply, times: 1 }] });
    const result = await runSlot(policy, T);
    const { snapshot } = detailsOf(result);
    expect(snapshot).toMatchObject({ name: snapshotName(policy.snapshot!.prefix, T), created: true, slot: 'create' });
    expect(snapshot.reason).toMatch(/create reply lost .*found .* by name/);
    expect(creates(since)).toHaveLength(1);
    expect(await ledgerRow(policy, T)).toMatchObject({ state: 'created', snapshotId: snapshot.id });
    expect(await stack.db.prisma.snapshotRecord.count({ where: { snapshotId: snapshot.id, action: 'created' } })).toBe(1);
  });
});

describe('the ledger', () => {
  it('a completed slot is never created again, even after its snapshot is gone', async () => {
    const policy = freshPolicy();
    const since = stack.sim.requests().length;
    const { snapshot } = detailsOf(await runSlot(policy, T));
    await nas.client('KR1').deleteSnapshot(volumeId, snapshot.id!);
    const again = await runSlot(policy, T);
    expect(detailsOf(again).snapshot.reason).toMatch(/slot already completed as created/);
    // A retry of a slot that was done still succeeded (it may have failed in its prune).
    expect(again).toMatchObject({ kind: 'done', outcome: { status: 'succeeded' } });
    expect(creates(since)).toHaveLength(1);
  });

  it('a missed slot is not back-filled: a first attempt older than the newest owned snapshot skips', async () => {
    const policy = freshPolicy();
    const since = stack.sim.requests().length;
    detailsOf(await runSlot(policy, NEXT));
    const missed = await runSlot(policy, T);
    expect(missed).toMatchObject({ kind: 'done', outcome: { status: 'skipped' } });
    expect(detailsOf(missed).snapshot.reason).toMatch(/missed slot: .* not back-filled/);
    expect(await ledgerRow(policy, T)).toMatchObject({ state: 'skipped' });
    expect(creates(since)).toHaveLength(1);
  });

  it('an existing snapshot of the slot (made outside this ledger) is adopted as existing', async () => {
    const policy = freshPolicy();
    const name = snapshotName(policy.snapshot!.prefix, T);
    const made = await nas.client('KR1').createSnapshot(volumeId, { name });
    const since = stack.sim.requests().length;
    const { snapshot } = detailsOf(await runSlot(policy, T));
    expect(snapshot).toMatchObject({ id: made.id, created: false, slot: 'adopt' });
    expect(await ledgerRow(policy, T)).toMatchObject({ state: 'existing', snapshotId: made.id });
    expect(creates(since)).toHaveLength(0);
  });

  it('forgets completed slots a month older than the current one; pending ones stay', async () => {
    const policy = freshPolicy();
    detailsOf(await runSlot(policy, T));
    await stack.db.prisma.snapshotSlot.create({
      data: { policy: policy.name, volumeId, slot: new Date(T.getTime() - HOUR), snapshotName: 'x', state: 'pending' },
    });
    const monthLater = new Date(T.getTime() + 31 * 24 * HOUR);
    await stack.sim.advance(31 * 24 * HOUR);
    detailsOf(await runSlot(policy, monthLater));
    const rows = await stack.db.prisma.snapshotSlot.findMany({ where: { policy: policy.name }, orderBy: { slot: 'asc' } });
    expect(rows.map((r) => [r.slot.toISOString(), r.state])).toEqual([
      [new Date(T.getTime() - HOUR).toISOString(), 'pending'],
      [monthLater.toISOString(), 'created'],
    ]);
  });
});
