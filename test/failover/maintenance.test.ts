// While a failover run is active its volumes are in maintenance: a scheduled window stop skips
// with the reason recorded; after a failover the recorded writer is what the job runner acts on.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import { VolumeLock } from '../../src/coordination/volume-lock.ts';
import { maintenanceReason } from '../../src/failover/maintenance.ts';
import { recordedWriterOverride } from '../../src/failover/pair-record.ts';
import { RunRecorder } from '../../src/history/run-recorder.ts';
import { createLogger } from '../../src/log/logger.ts';
import { JobRunner } from '../../src/orchestrator/job-runner.ts';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';
import { createTestRedis, type TestRedis } from '../support/redis.ts';
import { createFailoverStack, type FailoverStack } from './support.ts';

let stack: FailoverStack;
let testRedis: TestRedis;
let redis: Redis;
beforeAll(async () => {
  stack = await createFailoverStack();
  testRedis = createTestRedis();
  redis = new Redis(testRedis.url);
});
afterAll(async () => {
  redis?.disconnect();
  await testRedis?.cleanup();
  await stack?.close();
});

const policy = parsePolicyText(
  `apiVersion: nasorch/v1\nkind: Policy\nmetadata: { name: web }\nspec:\n  volumes: { names: [prod-web] }\n  replication:\n    window: { start: "0 1 * * *", stop: "0 5 * * *" }\n`,
  'p.yaml',
  { defaultRegion: 'KR1' },
).policies[0]!;

describe('maintenance while a failover run is active', () => {
  it('skips the scheduled window stop with the run named, and acts again once the run ended', async () => {
    const service = stack.service();
    const [pair] = (await service.pairs()).pairs;
    const run = await service.start({ group: 'web-dr', kind: 'planned', awaitingApproval: true, trigger: 'alertmanager' });
    expect(await maintenanceReason(stack.db.prisma, [pair!.original.id])).toBe(`in maintenance: failover run ${run.id} (planned) of group web-dr is active`);
    expect(await maintenanceReason(stack.db.prisma, ['some-other-volume'])).toBeNull();

    const log = createLogger({ level: 'silent' });
    const runner = new JobRunner({
      prisma: stack.db.prisma,
      recorder: new RunRecorder(stack.db.prisma),
      alerts: new AlertBook(stack.db.prisma),
      locks: new VolumeLock(redis, { prefix: testRedis.prefix }),
      nasFor: (region) => stack.nas.client(region),
      policy: () => policy,
      log,
      writerOverride: recordedWriterOverride(stack.db.prisma),
    });
    const data = { kind: 'mirror-stop' as const, policy: 'web', volumeId: pair!.original.id, volumeName: 'prod-web', region: 'KR1' };
    const result = await runner.run({ data, runKey: 'k-1', slot: new Date(), trigger: 'manual', finalAttempt: true, lockMode: 'wait' });
    expect(result).toMatchObject({ kind: 'done', outcome: { status: 'skipped', details: { reason: expect.stringContaining(`failover run ${run.id}`) } } });
    expect(stack.count(/\/stop$/)).toBe(0);
    await service.abort(run.id, 'maintenance test');
    expect(await maintenanceReason(stack.db.prisma, [pair!.original.id])).toBeNull();
  }, 30_000);

  it('after a planned failover the recorded writer is the replica', async () => {
    const service = stack.service();
    const plan = await service.plan('web-dr', 'planned');
    const done = await service.start({ group: 'web-dr', kind: 'planned', planHash: plan.planHash, local: true });
    expect(done.state).toBe('succeeded');
    const override = await recordedWriterOverride(stack.db.prisma)(plan.pairs[0]!.key);
    expect(override).toEqual({ volumeId: plan.pairs[0]!.replica.id, reason: `failover run ${done.id}` });
  }, 60_000);
});
