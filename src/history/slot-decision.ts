// What a snapshot job does with its slot, from the slot ledger and the volume's snapshots:
// create it, adopt the snapshot an earlier attempt made, or skip. Pure; the ledger I/O is
// slot-ledger.ts, the calls are jobs/snapshot.ts.
//
// The rule is "exactly one snapshot per (policy, volume, slot), ever":
// - a slot with a completed ledger row is never created again;
// - the slot's snapshot exists (by name) → adopt it;
// - it does not, but the policy owns a snapshot of a later slot → skip: after an earlier
//   attempt that sent the create, that is the sign it was created and pruned since; otherwise
//   it is a missed slot, and missed slots are not back-filled;
// - otherwise create.
import type { Snapshot } from '../nas/schemas.ts';
import { slotOfSnapshotName } from '../schedule/slots.ts';

export type SlotState = 'pending' | 'created' | 'existing' | 'skipped';

export interface SlotFacts {
  /**
   * The slot's ledger row before this attempt; undefined when this is the slot's first attempt.
   * `requestedAt`: when an earlier attempt sent the create call (null: it never got that far).
   */
  ledger?: { state: SlotState; reason?: string | null; snapshotId?: string | null; requestedAt?: Date | null };
  /** The slot's own snapshot (by name) on the volume now. */
  slotSnapshot?: Pick<Snapshot, 'id' | 'name'>;
  /** The policy's newest snapshot on the volume whose slot is later than this one. */
  newerOwned?: { id: string; name: string; slot: Date };
}

export type SlotDecision =
  | { action: 'create'; reason: string }
  /** `earlierAttempt`: the snapshot is most likely what an earlier attempt of this slot created. */
  | { action: 'adopt'; reason: string; snapshotId: string; earlierAttempt: boolean }
  /** `completed`: the ledger row is final already and stays as it is. */
  | { action: 'skip'; reason: string; completed: boolean };

export function decideSlot(facts: SlotFacts): SlotDecision {
  const { ledger, slotSnapshot, newerOwned } = facts;
  if (ledger && ledger.state !== 'pending') {
    const what = ledger.snapshotId ? ` (snapshot ${ledger.snapshotId})` : ledger.reason ? ` (${ledger.reason})` : '';
    return { action: 'skip', completed: true, reason: `slot already completed as ${ledger.state}${what}; a completed slot is never created again` };
  }
  // Only an attempt that sent the create can have made (or lost) the slot's snapshot.
  const sent = ledger?.requestedAt != null;
  if (slotSnapshot) {
    return {
      action: 'adopt',
      snapshotId: slotSnapshot.id,
      earlierAttempt: sent,
      reason: sent
        ? `an earlier attempt's create took effect: adopted ${slotSnapshot.name} (${slotSnapshot.id})`
        : `snapshot ${slotSnapshot.name} (${slotSnapshot.id}) already exists: adopted`,
    };
  }
  if (newerOwned) {
    return {
      action: 'skip',
      completed: false,
      reason: sent
        ? `an earlier attempt of this slot did not finish and its snapshot is gone, while ${newerOwned.name} of a later slot exists: ` +
          'it was most likely created and pruned since; not creating it again'
        : `missed slot: ${newerOwned.name} of a later slot exists; missed slots are not back-filled`,
    };
  }
  if (sent) return { action: 'create', reason: "an earlier attempt's create did not take effect (no snapshot, none newer)" };
  return { action: 'create', reason: ledger ? 'an earlier attempt stopped before its create call' : 'first attempt' };
}

/**
 * The policy's newest snapshot whose slot (from its name) is after `slot`. Only NORMAL
 * snapshots named by the policy (prefix + slot stamp) count: those are the policy's own.
 */
export function newestOwnedAfter(snapshots: readonly Pick<Snapshot, 'id' | 'name' | 'type'>[], prefix: string, slot: Date): SlotFacts['newerOwned'] {
  let newest: SlotFacts['newerOwned'];
  for (const s of snapshots) {
    if (s.type !== 'NORMAL') continue;
    const at = slotOfSnapshotName(prefix, s.name);
    if (!at || at.getTime() <= slot.getTime()) continue;
    if (!newest || at.getTime() > newest.slot.getTime()) newest = { id: s.id, name: s.name, slot: at };
  }
  return newest;
}
