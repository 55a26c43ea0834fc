import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFailoverStack, type FailoverStack } from './support.ts';

let stack: FailoverStack;
beforeAll(async () => {
  stack = await createFailoverStack();
});
afterAll(() => stack?.close());

describe('planned failover in this process (--local)', () => {
  it('plans without a mutating call, then fails over with zero data loss', async () => {
    const service = stack.service();
    const before = stack.sim.requests().length;
    const plan = await service.plan('web-dr', 'planned');
    const mutating = stack.sim.requests().slice(before).filter((r) => r.method !== 'GET' && r.route !== 'POST /v2.0/tokens');
    expect(mutating).toEqual([]);
    expect(plan.pairs[0]!.state).toBe('PROTECTED_FORWARD');
    expect(plan.prechecks.every((c) => c.ok)).toBe(true);
    const originalId = plan.pairs[0]!.volume.id;
    stack.sim.writeVolume(originalId, { count: 3 });
    const run = await service.start({ group: 'web-dr', kind: 'planned', planHash: plan.planHash, local: true });
    expect(run.error).toBeNull();
    expect(run.state).toBe('succeeded');
    const original = stack.sim.volumeData(originalId);
    const replica = stack.sim.volumeData(plan.pairs[0]!.replica.id);
    expect(replica.seq).toBe(original.seq);
    expect(replica.writable).toBe(true);
    expect(stack.count(/volume-mirrors\/:volumeMirrorId\/stop$/)).toBe(1);
    const pairs = await service.pairs();
    expect(pairs.pairs[0]!.state).toBe('FAILED_OVER');
  }, 60_000);
});
