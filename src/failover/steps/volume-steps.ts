// Per-pair steps on a volume: safety snapshots (created once: looked up by name first) and the
// ACL fence (the previous ACL stored before the PATCH, read back until it holds).
import type { PlanPair } from '../plan.ts';
import { runSnapshotName } from '../group.ts';
import { rolesOf, type StepContext, type StepOutcome } from './context.ts';

export const FENCE_ACL = ['192.0.2.1/32'];

type SnapshotRole = 'pre' | 'point' | 'prewipe' | 'tail';

/** Which volume a snapshot step is about, by role and kind. */
function snapshotVolume(ctx: StepContext, pair: PlanPair, role: SnapshotRole) {
  const { writer, peer } = rolesOf(pair);
  if (role === 'pre') return writer; // the writer now (failback: the promoted replica, the authoritative side)
  if (role === 'prewipe') return pair.volume; // failback wipes the original
  if (role === 'tail') return pair.volume;
  return ctx.run.kind === 'emergency' ? pair.replica : peer; // point: the side taking over
}

export function snapshotStep(role: SnapshotRole, bestEffort = false) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const pair = ctx.planPair!;
    const volume = snapshotVolume(ctx, pair, role);
    const name = runSnapshotName(ctx.run.id, role, volume.name);
    try {
      const existing = (await ctx.nas.listSnapshots(volume.region, volume.id)).find((s) => s.name === name);
      if (existing) return { kind: 'done', detail: `snapshot ${name} exists on ${volume.name}`, observation: { snapshotId: existing.id, name, volumeId: volume.id } };
      if (ctx.step.intent && ctx.timedOut()) return { kind: 'wait-user', detail: `snapshot ${name} on ${volume.name} was requested but is not listed` };
      await ctx.saveIntent({ name, volumeId: volume.id, region: volume.region, requestAt: ctx.nas.now().toISOString() });
      const created = await ctx.nas.createSnapshot(volume.region, volume.id, name);
      let usedGb: number | null = null;
      if (role === 'pre') usedGb = (await ctx.nas.usage(volume.region, volume.id).catch(() => null))?.usedGb ?? null;
      return { kind: 'done', detail: `created snapshot ${name} on ${volume.name}`, observation: { snapshotId: created.id, name, volumeId: volume.id, usedGb } };
    } catch (err) {
      if (!bestEffort) throw err;
      return { kind: 'done', detail: `best-effort snapshot ${name} on ${volume.name} failed: ${(err as Error).message}`, observation: { name, failed: true } };
    }
  };
}

const sameAcl = (a: readonly string[] | null | undefined, b: readonly string[]) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...b].sort());

/** Fence the writer at plan time: its ACL becomes the sentinel; the old one is stored first. */
export async function fenceStep(ctx: StepContext): Promise<StepOutcome> {
  const { writer } = rolesOf(ctx.planPair!);
  const volume = await ctx.nas.getVolume(writer.region, writer.id);
  if (sameAcl(volume.acl, FENCE_ACL)) {
    return { kind: 'done', skipped: !ctx.step.intent, detail: `${writer.name} ACL reads ${FENCE_ACL.join(',')} (fenced)`, observation: { acl: volume.acl ?? [] } };
  }
  if (!ctx.step.intent) {
    await ctx.saveIntent({ volumeId: writer.id, region: writer.region, previousAcl: volume.acl ?? [], requestAt: ctx.nas.now().toISOString() });
    await ctx.nas.setAcl(writer.region, writer.id, FENCE_ACL);
    return { kind: 'again', delayMs: Math.min(ctx.group.settle.intervalMs, 2000), detail: `fence requested on ${writer.name}` };
  }
  if (ctx.timedOut()) return { kind: 'wait-user', detail: `${writer.name} ACL still reads ${JSON.stringify(volume.acl)} after the fence request` };
  return { kind: 'again', delayMs: Math.min(ctx.group.settle.intervalMs, 2000), detail: `waiting for ${writer.name} ACL to read the fence` };
}

/** Restore the ACL a fence replaced (failback: on the original, from the pair record). */
export async function unfenceStep(ctx: StepContext): Promise<StepOutcome> {
  const pair = ctx.planPair!;
  const record = await ctx.prisma.failoverPair.findUnique({ where: { pairKey: pair.key } });
  const target = pair.volume;
  const acl = record?.fencedAcl ?? [];
  if (!record || record.fencedAcl.length === 0) return { kind: 'done', skipped: true, detail: `no fence of ${target.name} recorded to undo` };
  const volume = await ctx.nas.getVolume(target.region, target.id);
  if (sameAcl(volume.acl, acl)) return { kind: 'done', detail: `${target.name} ACL restored to ${acl.join(',')}`, observation: { acl } };
  if (!ctx.step.intent) {
    await ctx.saveIntent({ volumeId: target.id, restoreAcl: acl, requestAt: ctx.nas.now().toISOString() });
    await ctx.nas.setAcl(target.region, target.id, acl);
  } else if (ctx.timedOut()) return { kind: 'wait-user', detail: `${target.name} ACL did not read back ${acl.join(',')}` };
  return { kind: 'again', delayMs: Math.min(ctx.group.settle.intervalMs, 2000), detail: `waiting for ${target.name} ACL to read back` };
}
