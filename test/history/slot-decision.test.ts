// decideSlot(): create, adopt or skip a snapshot slot, from its ledger row and the volume's
// snapshots; newestOwnedAfter() and slotOfSnapshotName() that feed it.
import { describe, expect, it } from 'vitest';
import { decideSlot, newestOwnedAfter, type SlotFacts } from '../../src/history/slot-decision.ts';
import { slotOfSnapshotName, snapshotName } from '../../src/schedule/slots.ts';

const PREFIX = 'nasorch-p-';
const T = new Date('2026-12-03T03:00:00Z');
const LATER = new Date('2026-12-03T04:00:00Z');
const mine = { id: 'snap-t', name: snapshotName(PREFIX, T) };
const newer = { id: 'snap-later', name: snapshotName(PREFIX, LATER), slot: LATER };

describe('decideSlot', () => {
  const cases: [string, SlotFacts, { action: string; reason: RegExp; completed?: boolean; earlierAttempt?: boolean }][] = [
    ['first attempt, nothing there → create', {}, { action: 'create', reason: /first attempt/ }],
    ['first attempt, the name exists → adopt', { slotSnapshot: mine }, { action: 'adopt', reason: /already exists: adopted/, earlierAttempt: false }],
    ['first attempt, a later slot exists → skip (no back-fill)', { newerOwned: newer }, { action: 'skip', reason: /missed slot.*not back-filled/, completed: false }],
    [
      'pending, create sent, the name exists → adopt (the earlier create took effect)',
      { ledger: { state: 'pending', requestedAt: T }, slotSnapshot: mine, newerOwned: newer },
      { action: 'adopt', reason: /earlier attempt's create took effect/, earlierAttempt: true },
    ],
    [
      'pending, create sent, gone, a later slot exists → skip (created, then pruned)',
      { ledger: { state: 'pending', requestedAt: T }, newerOwned: newer },
      { action: 'skip', reason: /created and pruned since; not creating it again/, completed: false },
    ],
    ['pending, create sent, nothing there, none newer → create', { ledger: { state: 'pending', requestedAt: T } }, { action: 'create', reason: /earlier attempt's create did not take effect/ }],
    ['pending, create never sent, nothing there → create', { ledger: { state: 'pending', requestedAt: null } }, { action: 'create', reason: /stopped before its create call/ }],
    [
      'pending, create never sent, a later slot exists → skip as missed',
      { ledger: { state: 'pending', requestedAt: null }, newerOwned: newer },
      { action: 'skip', reason: /missed slot/, completed: false },
    ],
    [
      'pending, create never sent, the name exists → adopt as existing',
      { ledger: { state: 'pending' }, slotSnapshot: mine },
      { action: 'adopt', reason: /already exists: adopted/, earlierAttempt: false },
    ],
    [
      'created → skip, never again (even when gone)',
      { ledger: { state: 'created', snapshotId: 'snap-t' } },
      { action: 'skip', reason: /completed as created \(snapshot snap-t\)/, completed: true },
    ],
    ['existing → skip', { ledger: { state: 'existing', snapshotId: 'snap-t' }, slotSnapshot: mine }, { action: 'skip', reason: /completed as existing/, completed: true }],
    [
      'skipped → skip, even if the name appeared since',
      { ledger: { state: 'skipped', reason: 'missed slot' }, slotSnapshot: mine },
      { action: 'skip', reason: /completed as skipped \(missed slot\)/, completed: true },
    ],
  ];
  it.each(cases)('%s', (_title, facts, expected) => {
    const decision = decideSlot(facts);
    expect(decision.action).toBe(expected.action);
    expect(decision.reason).toMatch(expected.reason);
    if (expected.completed !== undefined) expect(decision).toHaveProperty('completed', expected.completed);
    if (expected.earlierAttempt !== undefined) expect(decision).toHaveProperty('earlierAttempt', expected.earlierAttempt);
  });
});

describe('newestOwnedAfter', () => {
  const snap = (name: string, type = 'NORMAL') => ({ id: name, name, type }) as never;
  it('takes the newest later slot named by the policy, NORMAL only', () => {
    const list = [
      snap(snapshotName(PREFIX, new Date('2026-12-03T02:00:00Z'))),
      snap(mine.name),
      snap(snapshotName(PREFIX, LATER)),
      snap(snapshotName(PREFIX, new Date('2026-12-03T05:00:00Z')), 'SCHEDULED'),
      snap(snapshotName('nasorch-other-', new Date('2026-12-04T00:00:00Z'))),
      snap(`${PREFIX}manual-copy`),
    ];
    expect(newestOwnedAfter(list, PREFIX, T)).toEqual({ id: newer.name, name: newer.name, slot: LATER });
    expect(newestOwnedAfter(list, PREFIX, LATER)).toBeUndefined();
    expect(newestOwnedAfter([], PREFIX, T)).toBeUndefined();
  });
});

describe('slotOfSnapshotName', () => {
  it.each([
    [snapshotName(PREFIX, T), T],
    ['nasorch-p-20261203T030000Z', T],
    ['nasorch-p-20261303T030000Z', undefined],
    ['nasorch-p-20261203T250000Z', undefined],
    ['nasorch-p-20261203T030000', undefined],
    ['other-20261203T030000Z', undefined],
    ['nasorch-p-x20261203T030000Z', undefined],
  ])('%s → %s', (name, slot) => {
    expect(slotOfSnapshotName(PREFIX, name)).toEqual(slot);
  });
});
