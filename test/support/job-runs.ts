// Running job handlers the way the worker and `nasorch run` do (through the JobRunner), against
// a test stack: a policy from YAML, a runner bound to it, and one manual run of a kind on a volume.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import { VolumeLock } from '../../src/coordination/volume-lock.ts';
import { RunRecorder } from '../../src/history/run-recorder.ts';
import type { NasConnection } from '../../src/nas/connection.ts';
import { JobRunner, type JobRunnerDeps } from '../../src/orchestrator/job-runner.ts';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';
import type { Policy } from '../../src/policy/policy.ts';
import type { JobKind } from '../../src/schedule/job-kinds.ts';
import { policyYaml, type TestStack } from './stack.ts';

/** One valid policy in KR1 from its spec (the test fails on a policy error). */
export function testPolicy(name: string, spec: string): Policy {
  const parsed = parsePolicyText(policyYaml(name, spec), `${name}.yaml`, { defaultRegion: 'KR1' });
  expect(parsed.errors.map((e) => e.format())).toEqual([]);
  return parsed.policies[0]!;
}

/** `overrides`: e.g. `replication` settings, or a `sleep` that advances the simulated clock. */
export function jobRunnerFor(stack: TestStack, redis: Redis, nas: NasConnection, p: Policy, overrides: Partial<JobRunnerDeps> = {}): JobRunner {
  return new JobRunner({
    prisma: stack.db.prisma,
    recorder: new RunRecorder(stack.db.prisma),
    alerts: new AlertBook(stack.db.prisma),
    locks: new VolumeLock(redis, { prefix: stack.redis.prefix }),
    nasFor: (r) => nas.client(r),
    policy: (n) => (n === p.name ? p : undefined),
    log: stack.log,
    now: () => stack.sim.now(),
    ...overrides,
  });
}

/** A manual run (final attempt, waiting for the volume lock) of `kind` on a KR1 volume. */
export function runJob(runner: JobRunner, stack: TestStack, p: Policy, kind: JobKind, volume: { id: string; name: string }) {
  return runner.run({
    data: { kind, policy: p.name, volumeId: volume.id, volumeName: volume.name, region: 'KR1' },
    runKey: `test-${randomUUID()}`,
    slot: stack.sim.now(),
    trigger: 'manual',
    finalAttempt: true,
    lockMode: 'wait',
  });
}
