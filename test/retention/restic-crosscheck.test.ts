// The same answers as restic's own golden files, for every restic policy nasorch can express
// (see fixtures/restic-golden.ts for what was taken over and what was adapted).
import { describe, expect, it } from 'vitest';
import { applyRetention } from '../../src/retention/apply-retention.ts';
import { RESTIC_GOLDEN_CASES, RESTIC_SNAPSHOT_TIMES } from './fixtures/restic-golden.ts';
import { PREFIX, snap, summarize } from './fixtures/snapshots.ts';

const snapshots = RESTIC_SNAPSHOT_TIMES.map((createdAt, i) =>
  snap(createdAt, { id: `restic-${i}`, name: `${PREFIX}${String(i).padStart(3, '0')}` }),
);

describe('cross-check against restic ApplyPolicy golden files', () => {
  it('uses restic\'s 103 snapshots', () => {
    expect(snapshots).toHaveLength(103);
  });

  it.each(RESTIC_GOLDEN_CASES)('policy_keep_snapshots_$golden: $rules', ({ rules, keep }) => {
    const plan = applyRetention(snapshots, { prefix: PREFIX, timeZone: 'UTC', rules });
    const summary = summarize(plan);
    expect(summary.keep).toEqual(keep);
    expect(plan.keep.length + plan.delete.length).toBe(snapshots.length);
    expect(plan.ignored).toEqual([]);
  });
});
