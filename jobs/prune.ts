// prune: apply the policy's retention to the volume's snapshots and delete what it lets go,
// oldest first, within the deletion budget. Only snapshots retention calls candidates (NORMAL,
// not preserved, name with the policy's prefix) can ever be deleted.
import { alertKeys } from '../src/alerts/alert-book.ts';
import { isNasApiError } from '../src/nas/errors.ts';
import type { Snapshot } from '../src/nas/schemas.ts';
import { RESERVED_SNAPSHOT_NAMESPACE } from '../src/policy/document-kinds.ts';
import { applyRetention, deletionsOldestFirst, RetentionInputError } from '../src/retention/apply-retention.ts';
import { PermanentJobError, type JobContext, type JobOutcome } from './context.ts';
import { recordSnapshot } from './snapshot-record.ts';

export async function runPrune(ctx: JobContext): Promise<JobOutcome> {
  const rules = ctx.policy.snapshot;
  if (!rules) return { status: 'skipped', details: { reason: 'policy has no snapshot section' } };
  const { volume } = ctx;

  const snapshots = await ctx.nas.listSnapshots(volume.id);
  const plan = retentionPlan(ctx, snapshots);
  const doomed = deletionsOldestFirst(plan).map((d) => d.snapshot);
  const kept = plan.keep.map((k) => ({ id: k.snapshot.id, name: k.snapshot.name, reasons: k.reasons }));

  const budgetKey = alertKeys.deletionBudget(ctx.policy.name, volume.id);
  if (doomed.length > rules.maxDeletionsPerRun) {
    await ctx.alerts.raise({
      key: budgetKey,
      severity: 'critical',
      policy: ctx.policy.name,
      volumeId: volume.id,
      message:
        `policy ${ctx.policy.name}: retention would delete ${doomed.length} snapshots of volume ${volume.name} (${volume.id}), ` +
        `more than maxDeletionsPerRun ${rules.maxDeletionsPerRun}; deleted nothing`,
      details: { wouldDelete: doomed.map((s) => s.name) },
    });
    return {
      status: 'skipped',
      details: { blocked: 'deletion budget exceeded', wouldDelete: doomed.length, budget: rules.maxDeletionsPerRun, kept },
    };
  }
  await ctx.alerts.resolve(budgetKey);

  const deleted: { id: string; name: string }[] = [];
  for (const snapshot of doomed) {
    assertOwned(snapshot, rules.prefix);
    try {
      await ctx.nas.deleteSnapshot(volume.id, snapshot.id);
    } catch (err) {
      // Already gone (another run, or a person): the goal is met.
      if (!(isNasApiError(err) && err.httpStatus === 404)) throw err;
    }
    await recordSnapshot(ctx, 'deleted', snapshot, ['not kept by retention']);
    deleted.push({ id: snapshot.id, name: snapshot.name });
    ctx.log.info({ snapshot: snapshot.name }, 'deleted snapshot');
  }
  return { status: 'succeeded', details: { deleted, kept, ignored: plan.ignored.length } };
}

/** Last line of defence: never delete what retention should not even have offered. */
function assertOwned(snapshot: Snapshot, prefix: string): void {
  if (snapshot.type !== 'NORMAL' || snapshot.preserved || !snapshot.name.startsWith(prefix) || snapshot.name.startsWith(RESERVED_SNAPSHOT_NAMESPACE)) {
    throw new PermanentJobError(`refusing to delete snapshot ${snapshot.name} (${snapshot.id}): not owned by this policy`);
  }
}

function retentionPlan(ctx: JobContext, snapshots: Snapshot[]) {
  const rules = ctx.policy.snapshot!;
  try {
    // Failover runs' safety snapshots are never retention candidates, whatever the prefix.
    return applyRetention(snapshots.filter((s) => !s.name.startsWith(RESERVED_SNAPSHOT_NAMESPACE)), { prefix: rules.prefix, timeZone: ctx.policy.timezone, rules: rules.retention });
  } catch (err) {
    if (err instanceof RetentionInputError) {
      throw new PermanentJobError(`policy ${ctx.policy.name}, volume ${ctx.volume.name}: ${err.message}`);
    }
    throw err;
  }
}
