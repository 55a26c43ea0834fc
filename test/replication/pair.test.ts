import { describe, expect, it } from 'vitest';
import {
  classifyStatStatus,
  derivePairState,
  describePair,
  lagSeconds,
  lastTransferFailed,
  mirrorCallTargets,
  type PairObservation,
} from '../../src/replication/pair.ts';
import { mirror } from './fixtures.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const okStat = { status: 'ACTIVE', lastTransferEndTime: '2026-12-03T11:59:00Z', lastSuccessTransferEndTime: '2026-12-03T11:59:00Z' };

describe('describePair', () => {
  it.each([
    ['FORWARD', 'vol-o', 'vol-r'],
    ['REVERSE', 'vol-r', 'vol-o'],
  ])('%s: writer %s, destination %s, whichever side the mirror was read from', (direction, writer, destination) => {
    for (const role of ['SOURCE', 'DESTINATION']) {
      const pair = describePair(mirror({ direction, role }));
      expect(pair.writer?.id).toBe(writer);
      expect(pair.destination?.id).toBe(destination);
      expect(pair.original.id).toBe('vol-o');
    }
  });

  it('an unknown direction has no writer and no call target', () => {
    const pair = describePair(mirror({ direction: 'SIDEWAYS' }));
    expect(pair.writer).toBeNull();
    expect(mirrorCallTargets(pair)).toEqual([]);
  });

  it('calls go to the writer on its region first, then the peer on its own region', () => {
    expect(mirrorCallTargets(describePair(mirror({ direction: 'REVERSE' })))).toEqual([
      { volumeId: 'vol-r', region: 'KR2', mirrorId: 'm-1' },
      { volumeId: 'vol-o', region: 'KR1', mirrorId: 'm-1' },
    ]);
  });
});

describe('stat helpers', () => {
  it.each([
    ['ACTIVE', 'ACTIVE'],
    ['HALT', 'HALT'],
    ['UPDATING', 'TRANSIENT'],
    ['PENDING', 'TRANSIENT'],
    ['RETRIEVE FAILED', 'RETRIEVE_FAILED'],
    ['DELETING', 'DELETING'],
    ['HALTED', 'UNKNOWN'],
    ['active', 'UNKNOWN'],
  ])('%s reads as %s', (status, reading) => expect(classifyStatStatus(status)).toBe(reading));

  it.each([
    [{ status: 'ACTIVE' }, false],
    [{ status: 'ACTIVE', lastTransferEndTime: '2026-12-03T11:00:00Z', lastSuccessTransferEndTime: '2026-12-03T11:00:00Z' }, false],
    [{ status: 'ACTIVE', lastTransferEndTime: '2026-12-03T11:10:00Z', lastSuccessTransferEndTime: '2026-12-03T11:00:00Z' }, true],
    [{ status: 'ACTIVE', lastTransferEndTime: '2026-12-03T11:10:00Z' }, true],
  ])('last transfer failed: %j → %s', (stat, failed) => expect(lastTransferFailed(stat)).toBe(failed));

  it('lag counts from the last successful end by the given clock', () => {
    expect(lagSeconds(okStat, NOW)).toBe(60);
    expect(lagSeconds({ status: 'ACTIVE' }, NOW)).toBeNull();
  });
});

describe('derivePairState', () => {
  const obs = (over: Partial<PairObservation> = {}): PairObservation => ({
    views: [mirror()],
    stat: okStat,
    writerRegionReachable: true,
    failedOverByRun: false,
    now: NOW,
    ...over,
  });
  it.each<[string, Partial<PairObservation>, string]>([
    ['ACTIVE FORWARD', {}, 'PROTECTED_FORWARD'],
    ['ACTIVE REVERSE', { views: [mirror({ direction: 'REVERSE' })] }, 'PROTECTED_REVERSE'],
    ['both sides agree', { views: [mirror(), mirror({ role: 'DESTINATION' })] }, 'PROTECTED_FORWARD'],
    ['sides disagree on direction', { views: [mirror(), mirror({ role: 'DESTINATION', direction: 'REVERSE' })] }, 'UNKNOWN'],
    ['sides list different pairs', { views: [mirror(), mirror({ dstVolumeId: 'vol-x' })] }, 'UNKNOWN'],
    ['unknown direction', { views: [mirror({ direction: 'BOTH' })] }, 'UNKNOWN'],
    ['mirror gone', { views: [] }, 'BROKEN'],
    ['mirror deleting', { views: [mirror({ status: 'DELETING' })] }, 'BROKEN'],
    ['writer region down', { writerRegionReachable: false }, 'SOURCE_UNREACHABLE'],
    ['stat unreadable', { stat: null }, 'UNKNOWN'],
    ['RETRIEVE FAILED', { stat: { status: 'RETRIEVE FAILED' } }, 'UNKNOWN'],
    ['unknown stat status', { stat: { status: 'PAUSED' } }, 'UNKNOWN'],
    ['UPDATING', { stat: { ...okStat, status: 'UPDATING' } }, 'SYNCING'],
    ['mirror object PENDING', { views: [mirror({ status: 'PENDING' })] }, 'SYNCING'],
    ['no transfer yet', { stat: { status: 'ACTIVE' } }, 'SYNCING'],
    ['HALT by a maintenance stop', { stat: { ...okStat, status: 'HALT' } }, 'SUSPENDED'],
    ['HALT after a failover run', { stat: { ...okStat, status: 'HALT' }, failedOverByRun: true }, 'FAILED_OVER'],
    ['last transfer failed', { stat: { ...okStat, lastTransferEndTime: '2026-12-03T11:59:30Z', lastTransferStatus: 'Failed' } }, 'DEGRADED'],
    ['lag over critical', { lagCriticalSeconds: 30 }, 'DEGRADED'],
    ['lag under critical', { lagCriticalSeconds: 120 }, 'PROTECTED_FORWARD'],
  ])('%s → %s', (_name, over, state) => {
    const decision = derivePairState(obs(over));
    expect(decision.state).toBe(state);
    expect(decision.reasons.length).toBeGreaterThan(0);
  });
});
