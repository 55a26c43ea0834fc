// Each runbook kind end to end against the simulator (real PostgreSQL, steps run --local through
// the same executor the daemons use), and the A1/A4 variants.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FailoverService } from '../../src/failover/service.ts';
import type { SimSwitchesInput } from '../../src/simulator/index.ts';
import { createFailoverStack, FAST_SIM_TIMING, type FailoverStack } from './support.ts';

let stack: FailoverStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const INVERT = /invert-direction$/;
const STOP = /\/stop$/;

async function run(service: FailoverService, kind: string, extra: { confirm?: string[]; ackInvertOnHalt?: boolean } = {}) {
  const plan = await service.plan('web-dr', kind, extra);
  const status = await service.start({ group: 'web-dr', kind, planHash: plan.planHash, local: true, ...extra });
  return { plan, status };
}

async function open(switches?: SimSwitchesInput, timing: Record<string, number> = {}) {
  stack = await createFailoverStack({ sim: { ...(switches ? { switches } : {}), timing: { ...FAST_SIM_TIMING, ...timing } } });
  return stack;
}

describe('planned', () => {
  it('zero-loss check fails when the final sync did not cover the request', async () => {
    const s = await open(undefined, { finalSyncSeconds: 3 });
    const service = s.service();
    const plan = await service.plan('web-dr', 'planned');
    const started = service.start({ group: 'web-dr', kind: 'planned', planHash: plan.planHash, local: true });
    // The final sync of the stop fails: the last successful transfer ended before the request.
    await vi.waitFor(async () => {
      const stop = await s.db.prisma.failoverStep.findFirst({ where: { name: 'stop', intent: { not: undefined } } });
      expect(stop?.intent).toBeTruthy();
    }, { timeout: 20_000, interval: 20 });
    s.sim.setMirrorFault(plan.pairs[0]!.mirrorId, { transferFails: true });
    const status = await started;
    expect(status.state).toBe('waiting_for_user');
    expect(status.error).toMatch(/^zero-loss check failed for prod-web: the last successful transfer ended .* the stop was requested .*To roll back: abort this run/);
    expect(status.steps.find((x) => x.name === 'verify-zero-loss')!.state).not.toBe('succeeded');
    expect(status.steps.find((x) => x.name === 'snapshot-point')!.state).toBe('pending');
    // Nothing records the replica as the writer.
    expect((await service.pairs()).pairs[0]!.state).toBe('SUSPENDED');
  }, 60_000);
});

describe('switchover and back', () => {
  it.each([
    ['either', 400],
    ['source', 404],
    ['writer', 400],
  ] as const)('A1 mirrorCallVolume=%s (reject %s): invert once each way, no data lost', async (side, reject) => {
    const s = await open({ mirrorCallVolume: side, mirrorCallRejectStatus: reject });
    const service = s.service();
    const there = await run(service, 'switchover', { confirm: ['prod-web'] });
    expect(there.status.error).toBeNull();
    expect(there.status.state).toBe('succeeded');
    const [pair] = there.plan.pairs;
    expect((await service.pairs()).pairs[0]).toMatchObject({ state: 'PROTECTED_REVERSE', direction: 'REVERSE', writer: { name: 'prod-web-dr' } });
    s.sim.writeVolume(pair!.replica.id, { count: 4 });
    const back = await run(service, 'switchover', { confirm: ['prod-web-dr'] });
    expect(back.status.error).toBeNull();
    expect(back.status.state).toBe('succeeded');
    expect(s.count(INVERT)).toBe(2);
    expect(s.sim.volumeData(pair!.volume.id).seq).toBe(s.sim.volumeData(pair!.replica.id).seq);
    expect((await service.pairs()).pairs[0]!.state).toBe('PROTECTED_FORWARD');
    const capability = (await service.events(back.status.id)).filter((e) => e.type === 'a1-capability');
    const tried = (capability[0]!.data as { tried: { region: string }[] }).tried.map((t) => t.region);
    expect(tried).toEqual(side === 'source' ? ['KR2', 'KR1'] : ['KR2']);
  }, 90_000);
});

describe('failback', () => {
  it('A4 no-presync: failback keeps the promoted replica\'s writes and wipes the original', async () => {
    const s = await open({ invertOnHalt: 'no-presync' });
    const service = s.service();
    const over = await run(service, 'planned');
    expect(over.status.state).toBe('succeeded');
    const [pair] = over.plan.pairs;
    s.sim.writeVolume(pair!.replica.id, { count: 3, gb: 2 });
    const seq = s.sim.volumeData(pair!.replica.id).seq;
    const refused = await service.plan('web-dr', 'failback');
    expect(refused.prechecks.find((c) => c.name.startsWith('invert-on-halt'))).toMatchObject({ ok: false });
    const back = await run(service, 'failback', { confirm: ['prod-web'], ackInvertOnHalt: true });
    expect(back.status.error).toBeNull();
    expect(back.status.state).toBe('succeeded');
    expect(s.sim.volumeData(pair!.replica.id).seq).toBe(seq);
    expect(s.sim.volumeData(pair!.volume.id).seq).toBe(seq);
    expect((await service.pairs()).pairs[0]!.state).toBe('PROTECTED_REVERSE');
    // The original's ACL (fenced by the planned run) is restored exactly.
    const volume = await s.nas.client('KR1').getVolume(pair!.volume.id);
    expect(volume.acl).toEqual(['10.0.1.0/24']);
    const survival = (await service.events(back.status.id)).find((e) => e.type === 'a5-snapshot-survival');
    expect(survival).toBeTruthy();
  }, 90_000);

  it('A4 presync: the verify step notices the promoted replica was overwritten and waits for a person', async () => {
    const s = await open({ invertOnHalt: 'presync' });
    const service = s.service();
    const over = await run(service, 'planned');
    expect(over.status.state).toBe('succeeded');
    const [pair] = over.plan.pairs;
    s.sim.writeVolume(pair!.replica.id, { count: 3, gb: 20 });
    const back = await run(service, 'failback', { confirm: ['prod-web'], ackInvertOnHalt: true });
    expect(back.status.state).toBe('waiting_for_user');
    expect(back.status.error).toMatch(/may have been overwritten \(A4\) — restore it from snapshot nasorch-failover-[0-9a-f]{8}-pre-prod-web-dr/);
  }, 90_000);
});

describe('drill', () => {
  it('stop, verify, start: production keeps running, RTO and RPO recorded, one stop and one start', async () => {
    const s = await open();
    const service = s.service();
    const drill = await run(service, 'drill', { confirm: ['prod-web-dr'] });
    expect(drill.status.error).toBeNull();
    expect(drill.status).toMatchObject({ state: 'succeeded' });
    expect(drill.status.rtoSeconds).toBeGreaterThanOrEqual(0);
    expect(drill.status.rpoSeconds).toBeGreaterThanOrEqual(0);
    expect(s.count(STOP)).toBe(1);
    expect(s.count(/\/start$/)).toBe(1);
    expect((await service.pairs()).pairs[0]!.state).toBe('PROTECTED_FORWARD');
  }, 60_000);
});
