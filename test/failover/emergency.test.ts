// Emergency failover with the source region (KR1) out: acts only through KR2 with bounded
// timeouts, for each A3 variant of `stop` with the peer down; the data-loss window from stored
// stat samples; "old source not fenced yet" until the daemon tick fences it on return.
import { afterEach, describe, expect, it } from 'vitest';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import { fenceReturnedSources, probeRegions, unfencedAlertKey } from '../../src/failover/fence-on-return.ts';
import { createLogger } from '../../src/log/logger.ts';
import { createFailoverStack, groupYaml, type FailoverStack } from './support.ts';

let stack: FailoverStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});
const log = createLogger({ level: 'silent' });

async function outage(stopWithPeerDown: 'works' | 'fails' | 'hangs') {
  const s = await createFailoverStack({
    sim: { switches: { stopWithPeerDown } },
    group: groupYaml({ settle: '{ reads: 2, interval: 1s, timeout: 6s }', emergency: '{ probes: 2, window: 1s }' }),
  });
  stack = s;
  const service = s.service();
  // Seen while healthy (remembered), and a stat sample as the mirror-stat job stores it.
  const [pair] = (await service.pairs()).pairs;
  const lastGood = new Date(Date.now() - 90_000);
  await s.db.prisma.mirrorStatSample.create({
    data: { policy: 'web', volumeId: pair!.original.id, mirrorId: (await s.db.prisma.failoverPair.findFirstOrThrow()).mirrorId, region: 'KR1', sampledAt: new Date(), status: 'ACTIVE', lastSuccessTransferEndTime: lastGood },
  });
  s.sim.writeVolume(pair!.original.id, { count: 2 }); // the tail that will not make it
  s.sim.setSwitches({ outage: { KR1: 'refuse' } });
  return { s, service, pair: pair! };
}

describe('emergency failover with KR1 out', () => {
  it('A3 works: promotes the replica through KR2, reports the data-loss window, fences the old source on return', async () => {
    const { s, service, pair } = await outage('works');
    const plan = await service.plan('web-dr', 'emergency', { declare: true });
    expect(plan.pairs[0]!.state).toBe('SOURCE_UNREACHABLE');
    expect(plan.steps.find((x) => x.name === 'stop')!.call).toMatchObject({ region: 'KR2' });
    expect(plan.dataLossWindowSeconds).toBeGreaterThanOrEqual(89);
    const refused = await service.plan('web-dr', 'emergency');
    expect(refused.prechecks.find((c) => c.name === 'evidence')).toMatchObject({ ok: false });

    const run = await service.start({ group: 'web-dr', kind: 'emergency', planHash: plan.planHash, declare: true, local: true, reason: 'KR1 down' });
    expect(run.error).toBeNull();
    expect(run.state).toBe('succeeded');
    expect(run.rpoSeconds).toBeGreaterThanOrEqual(89);
    expect(s.sim.volumeData(pair.replica.id).writable).toBe(true);
    expect(s.sim.requests().filter((r) => r.region === 'KR1' && r.method !== 'GET' && r.status < 400)).toEqual([]);
    expect((await service.pairs()).pairs[0]!.notes).toContain('old source not fenced yet');

    const tick = { prisma: s.db.prisma, nas: s.nas, groups: s.groups, log, probeTimeoutMs: 1000 };
    await probeRegions(tick);
    await fenceReturnedSources(tick);
    const alerts = await new AlertBook(s.db.prisma).list({ openOnly: true, limit: 10 });
    expect(alerts.map((a) => a.key)).toContain(unfencedAlertKey(plan.pairs[0]!.key));

    s.sim.setSwitches({ outage: { KR1: 'none' } });
    for (let i = 0; i < 6; i++) {
      await probeRegions(tick);
      await fenceReturnedSources(tick);
      if ((await s.db.prisma.failoverPair.findFirstOrThrow()).oldSourceFenced) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const record = await s.db.prisma.failoverPair.findFirstOrThrow();
    expect(record).toMatchObject({ oldSourceFenced: true, state: 'FAILED_OVER', writerVolumeId: pair.replica.id, fencedAcl: ['10.0.1.0/24'] });
    const original = await s.nas.client('KR1').getVolume(pair.original.id);
    expect(original.acl).toEqual(['192.0.2.1/32']);
    const snapshots = await s.nas.client('KR1').listSnapshots(pair.original.id);
    expect(snapshots.some((x) => /^nasorch-failover-[0-9a-f]{8}-tail-prod-web$/.test(x.name))).toBe(true);
    expect((await new AlertBook(s.db.prisma).list({ openOnly: true, limit: 10 })).map((a) => a.key)).not.toContain(unfencedAlertKey(plan.pairs[0]!.key));
    const types = (await service.events(run.id)).map((e) => e.type);
    expect(types).toContain('fence-on-return');
  }, 90_000);

  it('recorded failed probes are evidence without --declare', async () => {
    const { s, service } = await outage('works');
    const tick = { prisma: s.db.prisma, nas: s.nas, groups: s.groups, log, probeTimeoutMs: 1000 };
    await probeRegions(tick);
    await new Promise((r) => setTimeout(r, 1100));
    await probeRegions(tick);
    const plan = await service.plan('web-dr', 'emergency');
    expect(plan.prechecks.find((c) => c.name === 'evidence')).toMatchObject({ ok: true });
  }, 60_000);

  it.each(['fails', 'hangs'] as const)('A3 %s: a bounded stop attempt, then waiting_for_user with the options', async (variant) => {
    const { s, service } = await outage(variant);
    const plan = await service.plan('web-dr', 'emergency', { declare: true });
    const run = await service.start({ group: 'web-dr', kind: 'emergency', planHash: plan.planHash, declare: true, local: true });
    expect(run.state).toBe('waiting_for_user');
    expect(run.error).toMatch(/stop through the replica's region failed: .*Options: wait for the source region .*DELETE the mirror/);
    // At most the client's one retry after back-off on a 5xx (research 6.B step 3), never a loop.
    expect(s.sim.requests().filter((r) => /\/stop$/.test(r.route)).length).toBeLessThanOrEqual(2);
    if (variant === 'fails') {
      // The region is back: the operator resumes, the stop is sent again (it did not take effect).
      s.sim.setSwitches({ outage: { KR1: 'none' } });
      const resumed = await service.resume(run.id, { local: true });
      expect(resumed.error).toBeNull();
      expect(resumed.state).toBe('succeeded');
    }
  }, 60_000);
});
