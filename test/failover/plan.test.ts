// planRunbook is pure: observations in, plan out. Tables per kind: steps, wipes, pre-checks, hash.
import { describe, expect, it } from 'vitest';
import type { ObservedPair } from '../../src/failover/observe.ts';
import { planRunbook, type FailoverKind } from '../../src/failover/plan.ts';
import { derivePairState, type MirrorView } from '../../src/replication/pair.ts';
import { groupYaml, parseGroup } from './support.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const group = parseGroup(groupYaml());

function pair(opts: { direction?: 'FORWARD' | 'REVERSE'; stat?: string; lagS?: number; failedOver?: boolean; sizes?: [number, number]; reachable?: boolean } = {}): ObservedPair {
  const direction = opts.direction ?? 'FORWARD';
  const view = (role: string): MirrorView => ({
    id: 'm1', role, status: 'INITIALIZED', direction, directionChangedAt: null,
    srcVolumeId: 'o1', srcVolumeName: 'prod-web', srcRegion: 'KR1', dstVolumeId: 'r1', dstVolumeName: 'prod-web-dr', dstRegion: 'KR2',
  });
  const views = [view('SOURCE'), view('DESTINATION')];
  const success = new Date(NOW.getTime() - (opts.lagS ?? 30) * 1000).toISOString();
  const stat = { status: opts.stat ?? 'ACTIVE', lastSuccessTransferEndTime: success, lastTransferEndTime: success } as NonNullable<ObservedPair['stat']>;
  const decision = derivePairState({ views, stat, writerRegionReachable: opts.reachable ?? true, failedOverByRun: opts.failedOver ?? false, now: NOW });
  const [o, r] = opts.sizes ?? [300, 300];
  return {
    key: 'o1>r1', mirrorId: 'm1',
    original: { id: 'o1', name: 'prod-web', region: 'KR1', sizeGb: o, acl: ['10.0.1.0/24'], error: null },
    replica: { id: 'r1', name: 'prod-web-dr', region: 'KR2', sizeGb: r, acl: [], error: null },
    views, stat, statTarget: null, statError: null, decision, serverTime: NOW.toISOString(),
  };
}

const plan = (kind: FailoverKind, p: ObservedPair, options = {}) => planRunbook({ group, kind, pairs: [p], options });
const failing = (kind: FailoverKind, p: ObservedPair, options = {}) => plan(kind, p, options).prechecks.filter((c) => !c.ok).map((c) => c.name.split(' ')[0]);

describe('planRunbook', () => {
  it.each([
    ['planned', pair(), ['precheck', 'snapshot-pre', 'fence', 'stop', 'settle-halt', 'verify-zero-loss', 'snapshot-point'], []],
    ['switchover', pair(), ['precheck', 'snapshot-pre', 'invert', 'settle-reverse'], ['prod-web']],
    ['switchover', pair({ direction: 'REVERSE' }), ['precheck', 'snapshot-pre', 'invert', 'settle-reverse'], ['prod-web-dr']],
    ['failback', pair({ stat: 'HALT', failedOver: true }), ['precheck', 'snapshot-pre', 'snapshot-prewipe', 'invert', 'settle-reverse', 'verify', 'unfence'], ['prod-web']],
    ['drill', pair(), ['precheck', 'stop', 'settle-halt', 'verify-zero-loss', 'start', 'settle-active'], ['prod-web-dr']],
    ['emergency', pair({ reachable: false }), ['evidence', 'stop', 'settle-halt', 'snapshot-point'], []],
  ] as const)('%s: steps and wipes', (kind, p, steps, wipes) => {
    const result = plan(kind, p);
    expect(result.steps.map((s) => s.name)).toEqual(steps);
    expect(result.wipes.map((w) => w.name)).toEqual(wipes);
  });

  it('calls go to the writer (A1); emergency only through the replica region', () => {
    expect(plan('planned', pair()).steps.find((s) => s.name === 'stop')!.call).toEqual({ method: 'POST', region: 'KR1', path: '/v1/volumes/o1/volume-mirrors/m1/stop' });
    expect(plan('switchover', pair({ direction: 'REVERSE' })).steps.find((s) => s.name === 'invert')!.call).toMatchObject({ region: 'KR2', path: '/v1/volumes/r1/volume-mirrors/m1/invert-direction' });
    expect(plan('emergency', pair({ reachable: false })).steps.find((s) => s.name === 'stop')!.call).toMatchObject({ region: 'KR2', path: '/v1/volumes/r1/volume-mirrors/m1/stop' });
    expect(plan('failback', pair({ stat: 'HALT', failedOver: true })).steps.find((s) => s.name === 'invert')!.wipes).toEqual({ id: 'o1', name: 'prod-web' });
  });

  it.each([
    ['planned', pair(), {}, []],
    ['planned', pair({ lagS: 3600 }), {}, ['lag']],
    ['planned', pair({ stat: 'HALT' }), {}, ['state']],
    ['planned', pair({ stat: 'RETRIEVE FAILED' }), {}, ['state']],
    ['planned', pair(), { activeRunId: 'run-1' }, ['no-active-run']],
    ['switchover', pair({ sizes: [200, 300] }), {}, ['size']],
    ['drill', pair({ sizes: [300, 200] }), {}, ['size']],
    ['drill', pair({ stat: 'UPDATING' }), {}, ['state']],
    ['failback', pair({ stat: 'HALT', failedOver: true }), {}, ['invert-on-halt']],
    ['failback', pair({ stat: 'HALT', failedOver: true }), { ackInvertOnHalt: true }, []],
    ['failback', pair({ stat: 'HALT', failedOver: true, sizes: [200, 300] }), { ackInvertOnHalt: true }, ['size']],
    ['failback', pair(), { ackInvertOnHalt: true }, ['state']],
    ['emergency', pair({ reachable: false }), {}, ['evidence']],
    ['emergency', pair({ reachable: false }), { declare: true }, []],
    ['emergency', pair({ reachable: false }), { evidence: { probes: 3, spanMs: 150_000 } }, []],
    ['emergency', pair({ reachable: false }), { evidence: { probes: 3, spanMs: 30_000 } }, ['evidence']],
    ['planned', pair(), { problems: ['volume x has no mirror'] }, ['pairs']],
  ] as const)('%s pre-checks, case %#', (kind, p, options, failed) => {
    expect(failing(kind, p, options)).toEqual(failed);
  });

  it('planHash covers states and wipes, not lag figures', () => {
    const base = plan('planned', pair({ lagS: 10 })).planHash;
    expect(plan('planned', pair({ lagS: 50 })).planHash).toBe(base);
    expect(plan('planned', pair({ stat: 'HALT' })).planHash).not.toBe(base);
    expect(plan('switchover', pair()).planHash).not.toBe(base);
    expect(plan('planned', pair({ direction: 'REVERSE' })).planHash).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('emergency reports the data-loss window from the stored last good success', () => {
    const result = plan('emergency', pair({ reachable: false }), { declare: true, serverTime: NOW.toISOString(), lastGoodSuccess: { 'o1>r1': '2026-12-03T11:55:00Z' } });
    expect(result.dataLossWindowSeconds).toBe(300);
  });
});
