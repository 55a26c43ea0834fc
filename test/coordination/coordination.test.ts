// Cluster-wide coordination on real Redis: one mutating job per volume, one API budget.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRateLimiter } from '../../src/coordination/api-rate-limiter.ts';
import { VolumeLock } from '../../src/coordination/volume-lock.ts';
import { createTestRedis, type TestRedis } from '../support/redis.ts';

let testRedis: TestRedis;
let a: Redis;
let b: Redis;

beforeAll(() => {
  testRedis = createTestRedis();
  // Two connections stand for two daemons.
  a = new Redis(testRedis.url);
  b = new Redis(testRedis.url);
});
afterAll(async () => {
  a.disconnect();
  b.disconnect();
  await testRedis.cleanup();
});

describe('VolumeLock', () => {
  it('lets one holder per volume at a time, across connections, and frees it on release', async () => {
    const lockA = new VolumeLock(a, { prefix: testRedis.prefix });
    const lockB = new VolumeLock(b, { prefix: testRedis.prefix });
    const held = await lockA.tryAcquire('KR1', 'vol-1');
    expect(held).not.toBeNull();
    expect(await lockB.tryAcquire('KR1', 'vol-1')).toBeNull();
    // Another volume, or the same id in another region, is independent.
    const other = await lockB.tryAcquire('KR1', 'vol-2');
    const otherRegion = await lockB.tryAcquire('KR2', 'vol-1');
    expect(other).not.toBeNull();
    expect(otherRegion).not.toBeNull();
    await held!.release();
    const next = await lockB.tryAcquire('KR1', 'vol-1');
    expect(next).not.toBeNull();
    await Promise.all([next!.release(), other!.release(), otherRegion!.release()]);
  });

  it('a release by a holder whose lease expired does not free the next holder’s lock', async () => {
    const shortA = new VolumeLock(a, { prefix: testRedis.prefix, leaseMs: 1000 });
    const lockB = new VolumeLock(b, { prefix: testRedis.prefix });
    const stale = await shortA.tryAcquire('KR1', 'vol-3');
    await a.pexpire(`${testRedis.prefix}:lock:volume:KR1:vol-3`, 1); // the holder died; its lease ran out
    await new Promise((r) => setTimeout(r, 5));
    const fresh = await lockB.tryAcquire('KR1', 'vol-3');
    expect(fresh).not.toBeNull();
    await stale!.release();
    expect(await new VolumeLock(a, { prefix: testRedis.prefix }).tryAcquire('KR1', 'vol-3')).toBeNull();
    await fresh!.release();
  });

  it('acquire() waits for the holder', async () => {
    const lockA = new VolumeLock(a, { prefix: testRedis.prefix });
    const lockB = new VolumeLock(b, { prefix: testRedis.prefix });
    const held = await lockA.tryAcquire('KR1', 'vol-4');
    let acquired = false;
    const waiting = lockB.acquire('KR1', 'vol-4').then((l) => ((acquired = true), l));
    await new Promise((r) => setTimeout(r, 250));
    expect(acquired).toBe(false);
    await held!.release();
    await (await waiting).release();
    expect(acquired).toBe(true);
  });
});

describe('ApiRateLimiter', () => {
  it('shares one request budget between daemons', async () => {
    const prefix = `${testRedis.prefix}-rl`;
    const first = new ApiRateLimiter(a, { prefix, requestsPerSecond: 5 });
    const second = new ApiRateLimiter(b, { prefix, requestsPerSecond: 5 });
    const granted = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? first : second).tryTake()));
    expect(granted.filter(Boolean)).toHaveLength(5);
  });
});
