import { describe, expect, it } from 'vitest';
import { currentWriter, decideActingVolume, pairCallTargets, pickMirror, type VolumeRef } from '../../src/replication/acting-volume.ts';
import { describePair } from '../../src/replication/pair.ts';
import { mirror } from './fixtures.ts';

const original: VolumeRef = { id: 'vol-o', name: 'prod-web', region: 'KR1' };
const replica: VolumeRef = { id: 'vol-r', name: 'prod-web-dr', region: 'KR2' };
const none = () => false;

describe('pickMirror', () => {
  it.each([
    ['auto, no mirror', [], 'auto', 'none'],
    ['auto, one mirror where DESTINATION', [mirror({ role: 'DESTINATION' })], 'auto', 'mirror'],
    ['auto, one mirror where SOURCE', [mirror()], 'auto', 'mirror'],
    ['by id', [mirror(), mirror({ id: 'm-2' })], { id: 'm-2' }, 'mirror'],
  ] as const)('%s → %s', (_label, mirrors, choice, kind) => {
    expect(pickMirror(original, mirrors, choice, 'p').kind).toBe(kind);
  });

  it('auto with several mirrors is an error naming them and saying to choose by id', () => {
    const pick = pickMirror(original, [mirror(), mirror({ id: 'm-2' })], 'auto', 'p');
    expect(pick).toEqual({
      kind: 'error',
      message: 'volume prod-web (vol-o) has 2 mirrors (m-1, m-2): set spec.replication.mirror to one id (policy p)',
    });
  });

  it('an id the volume does not have is an error naming the field', () => {
    expect(pickMirror(original, [mirror()], { id: 'm-9' }, 'p')).toEqual({
      kind: 'error',
      message: 'volume prod-web (vol-o) has no mirror m-9 (policy p, spec.replication.mirror)',
    });
  });
});

describe('currentWriter', () => {
  it.each([
    ['FORWARD, no record', 'FORWARD', undefined, 'vol-o', 'direction'],
    ['REVERSE, no record', 'REVERSE', undefined, 'vol-r', 'direction'],
    ['FORWARD, failover recorded the replica', 'FORWARD', 'vol-r', 'vol-r', 'record'],
    ['a record naming another volume is ignored', 'FORWARD', 'vol-x', 'vol-o', 'direction'],
    ['unknown direction, no record', 'SIDEWAYS', undefined, null, 'direction'],
    ['unknown direction, a record decides', 'SIDEWAYS', 'vol-r', 'vol-r', 'record'],
  ])('%s', (_label, direction, recorded, writer, by) => {
    const result = currentWriter(describePair(mirror({ direction })), recorded ? { volumeId: recorded } : undefined);
    expect(result.writer?.id ?? null).toBe(writer);
    expect(result.by).toBe(by);
  });
});

describe('decideActingVolume', () => {
  it.each([
    // selected, direction, record, policy also selects the writer, → acting, redirected
    ['original, FORWARD', original, 'FORWARD', undefined, false, 'vol-o', null],
    ['original, REVERSE: the replica', original, 'REVERSE', undefined, false, 'vol-r', 'vol-o'],
    ['replica, FORWARD: the original', replica, 'FORWARD', undefined, false, 'vol-o', 'vol-r'],
    ['replica, REVERSE', replica, 'REVERSE', undefined, false, 'vol-r', null],
    ['original, FORWARD, failed over to the replica', original, 'FORWARD', 'vol-r', false, 'vol-r', 'vol-o'],
    ['unknown direction: the selected volume', original, 'SIDEWAYS', undefined, false, 'vol-o', null],
  ] as const)('%s', (_label, selected, direction, recorded, selects, acting, redirected) => {
    const decision = decideActingVolume({
      selected,
      mirror: mirror({ direction, role: selected === original ? 'SOURCE' : 'DESTINATION' }),
      ...(recorded ? { recorded: { volumeId: recorded } } : {}),
      policySelects: () => selects,
    });
    expect(decision.kind).toBe('act');
    if (decision.kind !== 'act') return;
    expect(decision.acting.id).toBe(acting);
    expect(decision.redirectedFrom?.id ?? null).toBe(redirected);
    expect(decision.acting.region).toBe(acting === 'vol-o' ? 'KR1' : 'KR2');
  });

  it('a volume without a mirror acts on itself', () => {
    expect(decideActingVolume({ selected: original, mirror: null, policySelects: none })).toMatchObject({ kind: 'act', acting: original, redirectedFrom: null, pair: null });
  });

  it('a policy selecting both volumes: the writer acts, the other skips with a reason', () => {
    const both = (v: VolumeRef) => v.id === 'vol-o' || v.id === 'vol-r';
    for (const direction of ['FORWARD', 'REVERSE']) {
      const writer = direction === 'FORWARD' ? original : replica;
      const other = direction === 'FORWARD' ? replica : original;
      expect(decideActingVolume({ selected: writer, mirror: mirror({ direction }), policySelects: both })).toMatchObject({ kind: 'act', acting: { id: writer.id }, redirectedFrom: null });
      const skipped = decideActingVolume({ selected: other, mirror: mirror({ direction }), policySelects: both });
      expect(skipped.kind).toBe('skip');
      expect(skipped.kind === 'skip' && skipped.reason).toBe(`the pair's writer ${writer.name} (${writer.id}, ${writer.region}) is selected by this policy too; its own job acts`);
    }
  });

  it('marks a pair failed over when the record and the direction disagree', () => {
    const decision = decideActingVolume({ selected: original, mirror: mirror(), recorded: { volumeId: 'vol-r', reason: 'failover run r1' }, policySelects: none });
    expect(decision.pair).toMatchObject({ key: 'vol-o>vol-r', failedOver: true, writerBy: 'record', recordedReason: 'failover run r1' });
    const agreeing = decideActingVolume({ selected: replica, mirror: mirror({ direction: 'REVERSE' }), recorded: { volumeId: 'vol-r' }, policySelects: none });
    expect(agreeing.pair?.failedOver).toBe(false);
  });
});

describe('pairCallTargets', () => {
  const targets = (direction: string, recorded?: string) => {
    const decision = decideActingVolume({ selected: original, mirror: mirror({ direction }), ...(recorded ? { recorded: { volumeId: recorded } } : {}), policySelects: none });
    return pairCallTargets(decision.pair!).map((t) => `${t.volumeId}@${t.region}`);
  };
  it.each([
    ['FORWARD', undefined, ['vol-o@KR1', 'vol-r@KR2']],
    ['REVERSE', undefined, ['vol-r@KR2', 'vol-o@KR1']],
    ['FORWARD, failed over to the replica: the recorded writer first', 'vol-r', ['vol-r@KR2', 'vol-o@KR1']],
    ['unknown direction: no call', undefined, []],
    ['unknown direction with a record: the recorded writer first', 'vol-r', ['vol-r@KR2', 'vol-o@KR1']],
  ] as const)('%s', (label, recorded, expected) => {
    const direction = label.startsWith('unknown') ? 'SIDEWAYS' : label.split(',')[0]!;
    expect(targets(direction, recorded)).toEqual(expected);
  });
});
