// An undocumented snapshot type (kept as sent by the lenient parser) is never a retention
// candidate: it is ignored with a reason, whatever the rules say.
import { describe, expect, it } from 'vitest';
import { applyRetention } from '../../src/retention/apply-retention.ts';
import type { SnapshotType } from '../../src/nas/schemas.ts';

const snapshot = (id: string, type: string, createdAt: string) => ({ id, name: `nasorch-${id}`, type: type as SnapshotType, preserved: false, createdAt });

describe('an undocumented snapshot type', () => {
  it('is ignored, never kept or deleted; NORMAL ones beside it are pruned as usual', () => {
    const plan = applyRetention(
      [
        snapshot('a', 'ARCHIVE', '2025-01-01T00:00:00+00:00'),
        snapshot('b', 'NORMAL', '2025-01-02T00:00:00+00:00'),
        snapshot('c', 'NORMAL', '2025-01-03T00:00:00+00:00'),
        snapshot('d', 'normal', '2025-01-04T00:00:00+00:00'),
      ],
      { prefix: 'nasorch-', timeZone: 'UTC', rules: { keepLast: 1 } },
    );
    expect(plan.keep.map((k) => k.snapshot.id)).toEqual(['c']);
    expect(plan.delete.map((k) => k.snapshot.id)).toEqual(['b']);
    expect(plan.ignored.map((i) => [i.snapshot.id, i.why])).toEqual([
      ['d', 'type "normal" (not documented, never pruned)'],
      ['a', 'type "ARCHIVE" (not documented, never pruned)'],
    ]);
  });
});
