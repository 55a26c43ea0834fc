// snapshot: take the slot's snapshot, then prune. Exactly one snapshot per (policy, volume,
// slot), ever: the slot ledger is written before the create call and completed after, and
// decideSlot() says whether this attempt creates, adopts what an earlier attempt made, or
// skips (with the reason in the run's details). The name comes from the slot, not the wall
// clock, so every attempt and every daemon looks for the same name.
import { decideSlot, newestOwnedAfter, type SlotDecision } from '../src/history/slot-decision.ts';
import { SlotLedger, type SlotKey } from '../src/history/slot-ledger.ts';
import { isNasApiError } from '../src/nas/errors.ts';
import type { Snapshot } from '../src/nas/schemas.ts';
import { snapshotName } from '../src/schedule/slots.ts';
import type { JobContext, JobOutcome } from './context.ts';
import { runPrune } from './prune.ts';
import { recordSnapshot } from './snapshot-record.ts';

/** How long completed slots stay in the ledger: far longer than any retry or stalled job waits. */
const LEDGER_KEEP_MS = 30 * 86_400_000;

export async function runSnapshot(ctx: JobContext): Promise<JobOutcome> {
  const rules = ctx.policy.snapshot;
  if (!rules) return { status: 'skipped', details: { reason: 'policy has no snapshot section' } };
  const { volume } = ctx;
  const name = snapshotName(rules.prefix, ctx.slot);
  const ledger = new SlotLedger(ctx.prisma, ctx.now);
  const key: SlotKey = { policy: ctx.policy.name, volumeId: volume.id, slot: ctx.slot };

  // Durable before anything can reach the API: a crash from here on leaves the slot pending.
  const previous = await ledger.begin(key, { snapshotName: name, runId: ctx.runId });
  const snapshots = await ctx.nas.listSnapshots(volume.id);
  const slotSnapshot = snapshots.find((s) => s.name === name);
  const decision = decideSlot({
    ...(previous ? { ledger: previous } : {}),
    ...(slotSnapshot ? { slotSnapshot } : {}),
    newerOwned: newestOwnedAfter(snapshots, rules.prefix, ctx.slot),
  });

  const taken = await carryOut(ctx, decision, name, slotSnapshot, () => ledger.markRequested(key));
  if (decision.action === 'skip') {
    if (!decision.completed) await ledger.complete(key, { state: 'skipped', reason: decision.reason, runId: ctx.runId });
    ctx.log.info({ snapshot: name, reason: decision.reason }, 'snapshot slot skipped');
  } else {
    const state = taken!.created ? 'created' : 'existing';
    await ledger.complete(key, { state, reason: taken!.reason, snapshotId: taken!.snapshot.id, runId: ctx.runId });
    await recordSnapshot(ctx, 'created', taken!.snapshot, []);
    ctx.log.info({ snapshot: name }, taken!.created ? 'created snapshot' : 'snapshot for this slot already exists');
  }

  const details: Record<string, unknown> = {
    snapshot: {
      ...(taken ? { id: taken.snapshot.id } : {}),
      name,
      created: taken?.created ?? false,
      slot: decision.action,
      reason: taken?.reason ?? decision.reason,
    },
  };
  if (rules.prune) details.prune = (await runPrune(ctx)).details;
  await ledger.forgetCompletedBefore(key.policy, volume.id, new Date(ctx.slot.getTime() - LEDGER_KEEP_MS));
  // Only a slot this attempt itself settled as skipped is a skipped run; a retry of a slot
  // that was already done (e.g. after a failed prune) still succeeded.
  const skipped = decision.action === 'skip' && (!decision.completed || previous?.state === 'skipped');
  return { status: skipped ? 'skipped' : 'succeeded', details };
}

interface Taken {
  snapshot: Snapshot;
  /** This attempt (or the earlier one it adopts) created it: true; found as it was: false. */
  created: boolean;
  reason: string;
}

async function carryOut(
  ctx: JobContext,
  decision: SlotDecision,
  name: string,
  slotSnapshot: Snapshot | undefined,
  beforeCreate: () => Promise<void>,
): Promise<Taken | undefined> {
  switch (decision.action) {
    case 'skip':
      return undefined;
    case 'adopt':
      return { snapshot: slotSnapshot!, created: decision.earlierAttempt, reason: decision.reason };
    case 'create':
      await beforeCreate();
      return createOrFind(ctx, name, decision.reason);
  }
}

/**
 * Creates the snapshot. When the outcome is unknown (timeout, reset, a 503 that may follow an
 * applied create, a 400 to a repeat) the name is looked up: found means the create took effect.
 * Not found: the error goes up and the job's next attempt decides again from the ledger.
 */
async function createOrFind(ctx: JobContext, name: string, reason: string): Promise<Taken> {
  const { volume } = ctx;
  try {
    return { snapshot: await ctx.nas.createSnapshot(volume.id, { name }, { distrust503: true }), created: true, reason };
  } catch (err) {
    if (!(isNasApiError(err) && err.outcomeUnknown)) throw err;
    ctx.log.warn({ snapshot: name, err: err.toJSON() }, 'snapshot create outcome unknown; looking it up');
    const listed = await ctx.nas.listSnapshots(volume.id).catch((lookupErr: unknown) => {
      // The create's unknown outcome is what the next attempt must settle: report that one.
      ctx.log.warn({ snapshot: name, err: isNasApiError(lookupErr) ? lookupErr.toJSON() : String(lookupErr) }, 'snapshot lookup after an unknown create outcome failed');
      throw err;
    });
    const found = listed.find((s) => s.name === name);
    if (!found) throw err;
    return { snapshot: found, created: true, reason: `create reply lost (${err.message}); found ${name} (${found.id}) by name` };
  }
}
