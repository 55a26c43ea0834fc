// What lets a reconcile scale to 10 k volumes without changing its result: the selector index
// equals the plain selector, only differences are written, an unchanged desired set skips
// reading the schedulers back, and the reconcile lock is renewed while a long pass runs so a
// second daemon waits for it instead of overlapping.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import { Reconciler } from '../../src/orchestrator/reconciler.ts';
import { VolumeIndex } from '../../src/orchestrator/selector-index.ts';
import { selectVolumes } from '../../src/orchestrator/volume-selection.ts';
import type { Policy, VolumeSelector } from '../../src/policy/policy.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const VOLUMES = [
  { id: 'v1', name: 'prod-db' },
  { id: 'v2', name: 'prod-web' },
  { id: 'v3', name: 'stage-db' },
  { id: 'v4', name: 'prod-db' }, // names are not unique in the API
  { id: 'v5', name: 'files' },
];
const sel = (s: Partial<VolumeSelector>): VolumeSelector => ({ names: [], nameContains: [], ids: [], ...s });

describe('VolumeIndex', () => {
  it.each([
    ['nothing', sel({})],
    ['a name held by two volumes', sel({ names: ['prod-db'] })],
    ['an unknown name', sel({ names: ['nope'] })],
    ['ids, one unknown', sel({ ids: ['v5', 'v3', 'zz'] })],
    ['a substring', sel({ nameContains: ['db'] })],
    ['two substrings', sel({ nameContains: ['prod-', 'files'] })],
    ['an empty substring (every volume)', sel({ nameContains: [''] })],
    ['all three criteria overlapping', sel({ names: ['files', 'prod-web'], ids: ['v2', 'v1'], nameContains: ['stage'] })],
  ])('selects what selectVolumes selects, in list order: %s', (_, selector) => {
    expect(new VolumeIndex(VOLUMES).select(selector)).toEqual(selectVolumes(VOLUMES, selector));
  });
});

let stack: TestStack;
let redis: Redis;
let queue: Queue;
const queues: Queue[] = [];

function policy(name: string, selector: Partial<VolumeSelector>, schedule = '0 3 * * *'): Policy {
  return {
    name,
    region: 'KR1',
    timezone: 'UTC',
    volumes: sel(selector),
    usage: { schedule, warnPercent: 80, criticalPercent: 90 },
  } as unknown as Policy;
}

function reconciler(prefix: string, overrides: Partial<ConstructorParameters<typeof Reconciler>[0]> = {}): { r: Reconciler; q: Queue } {
  const q = new Queue('nasorch-jobs', { connection: { url: stack.redis.url }, prefix });
  queues.push(q);
  const nas = new NasConnection(stack.identity, { logger: stack.log });
  const r = new Reconciler({ queue: q, redis, prefix, nasFor: (region) => nas.client(region), log: stack.log, jobOptions: { attempts: 3 }, ...overrides });
  return { r, q };
}

const version = (digest: string, mtimeMs = 1) => ({ digest, mtimeMs });

beforeAll(async () => {
  stack = await createTestStack();
  redis = new Redis(stack.redis.url);
  queue = new Queue('nasorch-jobs', { connection: { url: stack.redis.url }, prefix: stack.redis.prefix });
});
afterAll(async () => {
  await Promise.all([...queues, queue].map((q) => q.close()));
  redis.disconnect();
  await stack.close();
});

describe('reconcile at scale', () => {
  it('writes only the schedulers that differ, and skips reading them back when the desired set is unchanged', async () => {
    const { r, q } = reconciler(stack.redis.prefix);
    const policies = [policy('a', { nameContains: ['prod-'] }), policy('b', { names: ['staging-files'] })];
    const first = await r.reconcile(policies, version('one'));
    expect(first.added.length).toBeGreaterThan(0);
    expect(first.updated).toEqual([]);

    const upserts = vi.spyOn(q, 'upsertJobScheduler');
    const reads = vi.spyOn(q, 'getJobSchedulers');
    const again = await r.reconcile(policies, version('one'));
    expect(again).toMatchObject({ added: [], updated: [], removed: [], unchanged: first.added.length });
    expect(upserts).not.toHaveBeenCalled();
    expect(reads).not.toHaveBeenCalled();

    const changed = await r.reconcile([policies[0]!, policy('b', { names: ['staging-files'] }, '0 4 * * *')], version('two'));
    expect(changed.updated).toHaveLength(1);
    expect(changed.updated[0]).toMatch(/^b\./);
    expect(changed.unchanged).toBe(first.added.length - 1);
    expect(upserts).toHaveBeenCalledTimes(1);
    upserts.mockRestore();
    reads.mockRestore();
  });

  it('compares everything on a fresh reconciler: a scheduler removed behind its back comes back', async () => {
    const policies = [policy('a', { nameContains: ['prod-'] }), policy('b', { names: ['staging-files'] }, '0 4 * * *')];
    const [gone] = (await queue.getJobSchedulers(0, -1)).map((s) => s.key);
    await queue.removeJobScheduler(gone!);
    const { r } = reconciler(stack.redis.prefix);
    const result = await r.reconcile(policies, version('two'));
    expect(result.added).toEqual([gone]);
  });

  it('renews its lock through a pass longer than the lease; a second daemon waits for the pass to end', async () => {
    const prefix = `${stack.redis.prefix}-lock`;
    const lockMs = 300;
    const { r: first } = reconciler(prefix, { lockMs });
    const { r: second } = reconciler(prefix, { lockMs });
    const policies = [policy('a', { nameContains: ['prod-'] })];
    // Every volume listing takes 4 leases' time.
    stack.sim.setFaults({ rules: [{ route: 'GET /v1/volumes', latencyMs: 4 * lockMs }] });
    try {
      const order: string[] = [];
      const one = first.reconcile(policies, version('x')).then(() => order.push('first'));
      await vi.waitFor(async () => expect(await redis.get(`${prefix}:reconcile:lock`)).not.toBeNull(), { interval: 10 });
      const two = second.reconcile(policies, version('x')).then(() => order.push('second'));
      // Past the lease the first pass still holds the lock (renewed), so the second has not begun.
      await new Promise((resolve) => setTimeout(resolve, 2 * lockMs));
      expect(await redis.pttl(`${prefix}:reconcile:lock`)).toBeGreaterThan(0);
      expect(order).toEqual([]);
      await Promise.all([one, two]);
      expect(order).toEqual(['first', 'second']);
      const listings = stack.sim.requests().filter((q) => q.route === 'GET /v1/volumes');
      expect(listings.length).toBeGreaterThanOrEqual(2);
    } finally {
      stack.sim.setFaults({ rules: [] });
    }
  });
});
