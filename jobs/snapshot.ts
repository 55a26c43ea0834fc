// snapshot: take the slot's snapshot, then prune. The name comes from the scheduled slot, not
// the wall clock, so a retry or a second daemon finds the same name and does not create twice.
import { snapshotName } from '../src/schedule/slots.ts';
import type { JobContext, JobOutcome } from './context.ts';
import { runPrune } from './prune.ts';
import { recordSnapshot } from './snapshot-record.ts';

export async function runSnapshot(ctx: JobContext): Promise<JobOutcome> {
  const rules = ctx.policy.snapshot;
  if (!rules) return { status: 'skipped', details: { reason: 'policy has no snapshot section' } };
  const { volume } = ctx;
  const name = snapshotName(rules.prefix, ctx.slot);

  const existing = (await ctx.nas.listSnapshots(volume.id)).find((s) => s.name === name);
  const snapshot = existing ?? (await ctx.nas.createSnapshot(volume.id, { name }));
  if (existing) {
    ctx.log.info({ snapshot: name }, 'snapshot for this slot already exists');
  } else {
    ctx.log.info({ snapshot: name }, 'created snapshot');
  }
  await recordSnapshot(ctx, 'created', snapshot, []);

  const details: Record<string, unknown> = { snapshot: { id: snapshot.id, name, created: !existing } };
  if (rules.prune) details.prune = (await runPrune(ctx)).details;
  return { status: 'succeeded', details };
}
