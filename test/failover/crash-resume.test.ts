// kill -9 of a real daemon child process at every step of a planned failover and of a switchover,
// then a restart: the run resumes from its persisted step and every create / toggle reaches the
// API once (counted in the simulator's request log).
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QUEUE_NAME } from '../../src/daemon/daemon.ts';
import { QueueStepScheduler, liveDaemons } from '../../src/failover/queue.ts';
import { FailoverService } from '../../src/failover/service.ts';
import { createLogger } from '../../src/log/logger.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { NASORCH } from '../support/cli.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { FAST_SIM_TIMING, groupYaml, parseGroup } from './support.ts';

let stack: TestStack;
let queue: Queue;
let redis: Redis;
let service: FailoverService;
let child: ChildProcess | undefined;
const children: ChildProcess[] = [];

function startDaemon(): ChildProcess {
  const c = spawn(process.execPath, [...NASORCH, 'daemon', '--config', stack.configDir], {
    env: { ...process.env, ...stack.env, LOG_LEVEL: 'warn', NASORCH_FAILOVER_TICK_MS: '500', NASORCH_JOB_LOCK_MS: '1000', NASORCH_STALLED_INTERVAL_MS: '500' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  c.stderr!.on('data', (d) => process.stderr.write(`[daemon ${c.pid}] ${d}`));
  children.push(c);
  return c;
}

async function killAndRestart(): Promise<void> {
  const victim = child!;
  victim.kill('SIGKILL');
  await new Promise((resolve) => victim.once('exit', resolve));
  child = startDaemon();
}

const MUTATING: Record<string, RegExp> = {
  'snapshot-pre': /^POST \/v1\/volumes\/:volumeId\/snapshots$/,
  'snapshot-point': /^POST \/v1\/volumes\/:volumeId\/snapshots$/,
  fence: /^PATCH \/v1\/volumes\/:volumeId$/,
  stop: /\/stop$/,
  start: /\/start$/,
  invert: /\/invert-direction$/,
};
const count = (re: RegExp) => stack.sim.requests().filter((r) => re.test(r.route) && r.status < 400).length;

beforeAll(async () => {
  stack = await createTestStack({ timing: FAST_SIM_TIMING });
  const yaml = groupYaml({ settle: '{ reads: 2, interval: 1s, timeout: 60s }' });
  await stack.writePolicy('groups.yaml', yaml);
  queue = new Queue(QUEUE_NAME, { connection: { url: stack.service.redisUrl, maxRetriesPerRequest: null }, prefix: stack.redis.prefix });
  redis = new Redis(stack.service.redisUrl);
  const log = createLogger({ level: 'silent' });
  const nas = new NasConnection(stack.identity, { logger: log });
  service = new FailoverService({ prisma: stack.db.prisma, nas, groups: () => [parseGroup(yaml)], log, scheduler: new QueueStepScheduler(queue), redis, redisPrefix: stack.redis.prefix });
  child = startDaemon();
  await vi.waitFor(async () => expect((await liveDaemons(redis, stack.redis.prefix)).length).toBeGreaterThan(0), { timeout: 30_000, interval: 200 });
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await queue?.close();
  redis?.disconnect();
  await stack?.close();
});

/** Kills the daemon once per step: right after the step's API call was answered, or once the step started. */
async function killAtEveryStep(runId: string, stepNames: string[]): Promise<void> {
  const seen = new Map<string, number>();
  for (const [ordinal, name] of stepNames.entries()) {
    const route = MUTATING[name];
    const target = route ? (seen.get(route.source) ?? count(route)) + 1 : 0;
    if (route) seen.set(route.source, target);
    await vi.waitFor(
      async () => {
        const run = await stack.db.prisma.failoverRun.findUniqueOrThrow({ where: { id: runId } });
        if (run.state !== 'running') return; // finished early: nothing left to kill
        if (route) expect(count(route)).toBeGreaterThanOrEqual(target);
        else {
          const step = await stack.db.prisma.failoverStep.findUniqueOrThrow({ where: { runId_ordinal: { runId, ordinal } } });
          expect(step.startedAt).not.toBeNull();
        }
      },
      { timeout: 60_000, interval: 50 },
    );
    await killAndRestart();
  }
}

describe('kill -9 of the daemon at every step', () => {
  it('planned failover: resumes, one stop, one snapshot each, one fence, zero data loss', async () => {
    const plan = await service.plan('web-dr', 'planned');
    const originalId = plan.pairs[0]!.volume.id;
    stack.sim.writeVolume(originalId, { count: 5 });
    const before = { stop: count(MUTATING.stop!), snap: count(MUTATING['snapshot-pre']!), fence: count(MUTATING.fence!) };
    const run = await service.start({ group: 'web-dr', kind: 'planned', planHash: plan.planHash, reason: 'crash test' });
    await killAtEveryStep(run.id, plan.steps.map((s) => s.name));
    const done = await service.wait(run.id, { timeoutMs: 90_000 });
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    expect(count(MUTATING.stop!) - before.stop).toBe(1);
    expect(count(MUTATING['snapshot-pre']!) - before.snap).toBe(2);
    expect(count(MUTATING.fence!) - before.fence).toBe(1);
    const replica = stack.sim.volumeData(plan.pairs[0]!.replica.id);
    expect(replica.seq).toBe(stack.sim.volumeData(originalId).seq);
    expect(replica.writable).toBe(true);
  }, 180_000);

  it('failback after it (invert on HALT, acknowledged): resumes without re-sending the toggle', async () => {
    const plan = await service.plan('web-dr', 'failback', { ackInvertOnHalt: true });
    expect(plan.prechecks.filter((c) => !c.ok)).toEqual([]);
    const replicaId = plan.pairs[0]!.replica.id;
    stack.sim.writeVolume(replicaId, { count: 2 });
    const written = stack.sim.volumeData(replicaId).seq;
    const invertsBefore = count(MUTATING.invert!);
    const run = await service.start({ group: 'web-dr', kind: 'failback', planHash: plan.planHash, confirm: ['prod-web'], ackInvertOnHalt: true });
    await killAtEveryStep(run.id, plan.steps.map((s) => s.name));
    const done = await service.wait(run.id, { timeoutMs: 90_000 });
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    expect(count(MUTATING.invert!) - invertsBefore).toBe(1);
    expect(stack.sim.volumeData(replicaId).seq).toBe(written);
    expect(stack.sim.volumeData(plan.pairs[0]!.volume.id).seq).toBe(written);
    expect((await service.pairs()).pairs[0]!.state).toBe('PROTECTED_REVERSE');
  }, 180_000);
});
