// FailoverService refusals, the one-active-run constraint, approval, abort and idempotency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverRefusal } from '../../src/failover/service.ts';
import { failoverRunCounts, recentFailoverRuns } from '../../src/failover/stats.ts';
import { withPg } from '../support/db.ts';
import { createFailoverStack, type FailoverStack } from './support.ts';

let stack: FailoverStack;
beforeAll(async () => {
  stack = await createFailoverStack();
});
afterAll(() => stack?.close());

async function refusal(promise: Promise<unknown>): Promise<FailoverRefusal> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FailoverRefusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('FailoverService refusals', () => {
  it('refuses a stale plan hash, an unconfirmed wipe, a failed pre-check and a start with no daemon', async () => {
    const service = stack.service();
    const stale = await refusal(service.start({ group: 'web-dr', kind: 'planned', planHash: 'f'.repeat(64), local: true }));
    expect(stale.code).toBe('plan-hash-mismatch');
    expect(stale.message).toMatch(/state changed since you looked/);

    const switchover = await service.plan('web-dr', 'switchover');
    const wipe = await refusal(service.start({ group: 'web-dr', kind: 'switchover', planHash: switchover.planHash, local: true }));
    expect(wipe.code).toBe('unconfirmed-wipe');
    expect(wipe.message).toMatch(/wipes prod-web .*--confirm prod-web/);

    const failback = await service.plan('web-dr', 'failback', { ackInvertOnHalt: true });
    const pre = await refusal(service.start({ group: 'web-dr', kind: 'failback', planHash: failback.planHash, confirm: ['prod-web'], ackInvertOnHalt: true, local: true }));
    expect(pre.code).toBe('precheck-failed');
    expect(pre.message).toMatch(/^pre-check state prod-web→prod-web-dr failed: PROTECTED_FORWARD/);

    const planned = await service.plan('web-dr', 'planned');
    const noDaemon = await refusal(service.start({ group: 'web-dr', kind: 'planned', planHash: planned.planHash }));
    expect(noDaemon.code).toBe('no-daemon');
    expect(noDaemon.message).toMatch(/--local/);

    expect((await refusal(service.plan('nope', 'planned'))).code).toBe('not-found');
    expect((await refusal(service.plan('web-dr', 'sideways'))).code).toBe('bad-input');
    expect(await stack.db.prisma.failoverRun.count()).toBe(0);
  }, 30_000);

  it('two concurrent starts make one run; the other names it', async () => {
    const service = stack.service();
    const results = await Promise.allSettled([1, 2].map(() => service.start({ group: 'web-dr', kind: 'planned', awaitingApproval: true, trigger: 'alertmanager' })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const run = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof service.start>>>).value;
    expect(run.state).toBe('awaiting_approval');
    expect(refused[0]!.reason).toBeInstanceOf(FailoverRefusal);
    expect((refused[0]!.reason as FailoverRefusal).code).toBe('active-run');
    expect((refused[0]!.reason as Error).message).toContain(run.id);

    // The database itself refuses a second active run of the group.
    await expect(
      stack.db.prisma.failoverRun.create({ data: { groupName: 'web-dr', kind: 'planned', state: 'running', activeGroup: 'web-dr', plan: {}, planHash: 'x', confirm: [], trigger: 'cli', epoch: 1 } }),
    ).rejects.toThrow();
    // A terminal run cannot keep the slot.
    await expect(
      stack.db.prisma.failoverRun.create({ data: { groupName: 'other', kind: 'planned', state: 'succeeded', activeGroup: 'other', plan: {}, planHash: 'x', confirm: [], trigger: 'cli', epoch: 1 } }),
    ).rejects.toThrow();

    const wrong = await refusal(service.approve(run.id, { planHash: '0'.repeat(64) }, { local: true }));
    expect(wrong.code).toBe('plan-hash-mismatch');
    const aborted = await service.abort(run.id, 'test over');
    expect(aborted.state).toBe('aborted');
    expect((await refusal(service.abort(run.id, 'again'))).code).toBe('bad-state');
  }, 30_000);

  it('an idempotency key returns the same run; the event log is append-only', async () => {
    const service = stack.service();
    const first = await service.start({ group: 'web-dr', kind: 'drill', awaitingApproval: true, trigger: 'http', idempotencyKey: 'key-1' });
    const again = await service.start({ group: 'web-dr', kind: 'drill', awaitingApproval: true, trigger: 'http', idempotencyKey: 'key-1' });
    expect(again.id).toBe(first.id);
    const events = await service.events(first.id);
    expect(events.map((e) => e.type)).toContain('run-created');
    expect(JSON.stringify(events)).not.toContain(stack.identity.password);
    await expect(withPg((c) => c.query(`UPDATE "${stack.db.schema}".failover_events SET type = 'x'`))).rejects.toThrow(/append-only/);
    await expect(withPg((c) => c.query(`DELETE FROM "${stack.db.schema}".failover_events`))).rejects.toThrow(/append-only/);
    await service.abort(first.id, 'done');
  }, 30_000);

  it('approval runs the awaiting plan (drill, local) and records RTO/RPO', async () => {
    const service = stack.service();
    const run = await service.start({ group: 'web-dr', kind: 'drill', awaitingApproval: true, trigger: 'alertmanager', alertGroupKey: 'g-1' });
    const wipe = await refusal(service.approve(run.id, { planHash: run.planHash }, { local: true }));
    expect(wipe.code).toBe('unconfirmed-wipe');
    const done = await service.approve(run.id, { planHash: run.planHash, confirm: ['prod-web-dr'] }, { local: true });
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    expect(done.rtoSeconds).not.toBeNull();
    expect(done.rpoSeconds).not.toBeNull();
    const types = (await service.events(run.id)).map((e) => e.type);
    expect(types).toContain('approved');
    expect(types).toContain('a1-capability');
    expect((await service.pairs()).pairs[0]!.state).toBe('PROTECTED_FORWARD');
    expect(await failoverRunCounts(stack.db.prisma)).toEqual(expect.arrayContaining([{ group: 'web-dr', kind: 'drill', state: 'succeeded', count: 1 }]));
    expect((await recentFailoverRuns(stack.db.prisma, 1))[0]).toMatchObject({ id: run.id, state: 'succeeded', currentStep: 'settle-active' });
  }, 60_000);
});
