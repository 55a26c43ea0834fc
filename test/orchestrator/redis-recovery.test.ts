// A Redis restarted without persistence has lost every job scheduler. The daemon notices the
// connection coming back and reconciles at once, so the slot right after recovery still runs
// (without that, schedulers came back only at the next periodic tick, a minute later).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';

let stack: TestStack;
let redis: PrivateRedis;
let volumeId: string;

beforeAll(async () => {
  stack = await createTestStack();
  redis = await startPrivateRedis();
  const volumes = await new NasConnection(stack.identity).client('KR1').listAllVolumes();
  volumeId = volumes.find((v) => v.name === 'staging-files')!.id;
  await stack.writePolicy(
    'every-second.yaml',
    policyYaml(
      'every-second',
      `volumes:
  names: [staging-files]
snapshot:
  schedule: "* * * * * *"
  prune: false
  retention:
    keepLast: 1000`,
    ),
  );
});
afterAll(async () => {
  await stack?.close();
  await redis?.close();
});

const logTime = (msg: RegExp) => {
  const line = stack.logs.find((l) => msg.test(String(l.msg)));
  return line ? (line.time as number) : undefined;
};

async function succeededSlots(): Promise<number[]> {
  const runs = await stack.db.prisma.jobRun.findMany({ where: { volumeId, kind: 'snapshot', status: 'succeeded' }, orderBy: { scheduledAt: 'asc' } });
  return runs.map((r) => r.scheduledAt.getTime());
}

describe('Redis restarted empty (no persistence)', () => {
  it('restores the schedulers as soon as Redis is back: the slot right after recovery runs', async () => {
    // The test stack's ticks never fire ('0 0 1 1 *'): only the recovery can restore the schedulers.
    await stack.startDaemon({ service: { ...stack.service, redisUrl: redis.url } });
    await vi.waitFor(async () => expect((await succeededSlots()).length).toBeGreaterThan(0), { timeout: 20_000, interval: 100 });

    await redis.kill();
    await vi.waitFor(() => expect(logTime(/^redis unreachable/)).toBeDefined(), { timeout: 10_000, interval: 50 });
    // Down for a few slots.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await redis.start();

    const backAt = await vi.waitFor(() => logTime(/^redis reachable again/) ?? Promise.reject(new Error('not back yet')), { timeout: 10_000, interval: 50 });
    const reconciledAt = await vi.waitFor(
      () => {
        const line = stack.logs.find((l) => l.msg === 'schedulers reconciled' && (l.time as number) >= backAt);
        expect(line).toBeDefined();
        return line!.time as number;
      },
      { timeout: 10_000, interval: 50 },
    );
    // The next whole second after the schedulers were restored is the first slot they can produce.
    const firstSlot = Math.floor(reconciledAt / 1000) * 1000 + 1000;
    await vi.waitFor(async () => expect(await succeededSlots()).toContain(firstSlot), { timeout: 20_000, interval: 100 });
    // Restored promptly: seconds after the connection is back, not at a tick (minutes).
    expect(firstSlot - backAt).toBeLessThanOrEqual(5000);
  });
});
