// Per-pair mirror steps. stop/start are re-sent only when observation shows they did not take
// effect; invert is a toggle and is NEVER re-sent by code: once its intent is stored, the settle
// step judges it by `direction` and `directionChangedAt`, and a flip that does not come ends in
// waiting_for_user (failover-research.md A15, §5.2).
import { classifyStatStatus, lastTransferFailed } from '../../replication/pair.ts';
import type { MirrorAction } from '../nas-calls.ts';
import { callTargetsFor } from '../plan.ts';
import { atOrAfter, rolesOf, settleRead, type StepContext, type StepOutcome } from './context.ts';

const MAX_RESENDS = 2;

async function targets(ctx: StepContext) {
  const pair = await ctx.observe();
  return { pair, targets: callTargetsFor(ctx.run.kind, pair) };
}

/** stop (HALT) or start (ACTIVE): observe, skip if there, act once, re-send only if it did not take. */
export function stateToggleStep(action: Extract<MirrorAction, 'stop' | 'start'>) {
  const goal = action === 'stop' ? 'HALT' : 'ACTIVE';
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const { pair, targets: t } = await targets(ctx);
    if (t.length === 0) return { kind: 'wait-user', detail: `no call target for ${ctx.planPair!.volume.name}: ${pair.decision.reasons.join('; ')}` };
    let reading: string | null = null;
    let statBefore = pair.stat;
    if (ctx.run.kind === 'emergency') {
      // Only the destination side: its /stat may answer RETRIEVE FAILED; that is not "stopped" (A10).
      statBefore = await ctx.nas.stat(t).then((a) => a.stat, () => null);
    }
    reading = statBefore ? classifyStatStatus(statBefore.status) : null;
    const intent = ctx.step.intent;
    if (!intent) {
      if (reading === goal) return { kind: 'done', skipped: true, detail: `replication already ${goal}`, observation: { stat: statBefore } };
      const requestAt = ctx.nas.now().toISOString();
      await ctx.saveIntent({ action, requestAt, statusBefore: statBefore?.status ?? null, lastSuccessBefore: statBefore?.lastSuccessTransferEndTime ?? null, sends: 1 });
      return send(ctx, action, t, requestAt, 1);
    }
    // Resumed (crash, retry): did the earlier request take effect?
    if (reading === goal || reading === 'TRANSIENT' || pair.views.some((v) => v.status === 'UPDATING')) {
      return { kind: 'done', detail: `${action} requested at ${String(intent.requestAt)} is taking effect (${statBefore?.status ?? 'unknown'})`, observation: { stat: statBefore } };
    }
    const sends = Number(intent.sends ?? 1);
    // Re-sending stop/start is safe (not a toggle) but bounded: never a tight loop (A3).
    if (sends > MAX_RESENDS || (reading === null && ctx.run.kind !== 'emergency')) {
      return { kind: 'wait-user', detail: emergencyOptions(ctx, `${action} was sent ${sends} time(s) but replication reads ${statBefore?.status ?? 'unreadable'}`) };
    }
    const requestAt = ctx.nas.now().toISOString();
    await ctx.saveIntent({ ...intent, requestAt, sends: sends + 1 });
    return send(ctx, action, t, requestAt, sends + 1);
  };
}

function emergencyOptions(ctx: StepContext, what: string): string {
  if (ctx.run.kind !== 'emergency') return `${what}; check the pair, then \`nasorch failover resume ${ctx.run.id}\` or abort`;
  return `${what}. Options: wait for the source region and \`nasorch failover resume ${ctx.run.id}\`; or DELETE the mirror on the replica side (keeps the replica's data, irreversible, needs its own confirmation); or open an NHN support case`;
}

async function send(ctx: StepContext, action: MirrorAction, t: ReturnType<typeof callTargetsFor>, requestAt: string, sends: number): Promise<StepOutcome> {
  try {
    const used = await ctx.nas.mirrorAction(action, t);
    ctx.event('a1-capability', { action, pair: ctx.planPair!.key, accepted: used, tried: t.slice(0, t.indexOf(used) + 1) });
    return { kind: 'done', detail: `${action} sent to ${used.volumeId} on ${used.region} (request at ${requestAt}, send ${sends})`, observation: { target: used } };
  } catch (err) {
    if (ctx.run.kind === 'emergency') {
      // A3: bounded, never a tight retry loop.
      return { kind: 'wait-user', detail: emergencyOptions(ctx, `${action} through the replica's region failed: ${(err as Error).message}`) };
    }
    throw err;
  }
}

/** invert-direction: the toggle. Sent at most once per run step, intent stored first. */
export async function invertStep(ctx: StepContext): Promise<StepOutcome> {
  if (ctx.step.intent) return { kind: 'done', detail: `invert was requested at ${String(ctx.step.intent.requestAt)}; never re-sent — the settle step judges it` };
  const planPair = ctx.planPair!;
  const wiped = ctx.run.plan.steps.find((s) => s.name === 'invert' && s.pair === planPair.key)?.wipes;
  if (wiped && !ctx.run.confirm.includes(wiped.name)) return { kind: 'fail', detail: `invert would wipe ${wiped.name} (${wiped.id}), which was not confirmed` };
  const { pair, targets: t } = await targets(ctx);
  const view = pair.views[0];
  if (!view || t.length === 0) return { kind: 'wait-user', detail: `cannot read the mirror of ${planPair.volume.name} to invert it: ${pair.decision.reasons.join('; ')}` };
  if (view.direction !== planPair.direction) return { kind: 'wait-user', detail: `direction is ${view.direction}, the plan expected ${planPair.direction}: not inverting` };
  const requestAt = ctx.nas.now().toISOString();
  await ctx.saveIntent({ action: 'invert', requestAt, directionBefore: view.direction, directionChangedAtBefore: view.directionChangedAt ?? null });
  return send(ctx, 'invert', t, requestAt, 1);
}

export async function settleHaltStep(ctx: StepContext): Promise<StepOutcome> {
  const stop = await ctx.intentOf('stop');
  const pair = await ctx.observe();
  let stat = pair.stat;
  if (ctx.run.kind === 'emergency') stat = await ctx.nas.stat(callTargetsFor('emergency', pair)).then((a) => a.stat, () => null);
  const halted = stat?.status === 'HALT';
  const first = ctx.step.observation?.firstHaltAt as string | undefined;
  const firstHaltAt = halted ? (first ?? ctx.nas.now().toISOString()) : undefined;
  return settleRead(ctx, halted && stop !== null, 'HALT', { status: stat?.status ?? null, requestAt: stop?.requestAt ?? null, ...(firstHaltAt ? { firstHaltAt } : {}), lastSuccessTransferEndTime: stat?.lastSuccessTransferEndTime ?? null });
}

/** Zero data loss: a successful transfer ended at or after the stop request (server time), and the last attempt succeeded. */
export async function verifyZeroLossStep(ctx: StepContext): Promise<StepOutcome> {
  const stop = await ctx.intentOf('stop');
  const pair = await ctx.observe();
  const stat = pair.stat;
  if (!stop || !stat) return { kind: 'wait-user', detail: `cannot verify ${ctx.planPair!.volume.name}: ${stop ? 'replication status unreadable' : 'no stop request recorded'}` };
  const covered = atOrAfter(stat.lastSuccessTransferEndTime, stop.requestAt as string);
  const lastOk = !lastTransferFailed(stat);
  const observation = { requestAt: stop.requestAt, lastSuccessTransferEndTime: stat.lastSuccessTransferEndTime ?? null, lastTransferEndTime: stat.lastTransferEndTime ?? null, lastTransferStatus: stat.lastTransferStatus ?? null };
  if (!covered || !lastOk) {
    // Not a silent failure: the run waits for a person, who decides between resyncing the replica
    // from the (fenced) writer and going ahead knowingly; the group stays locked meanwhile.
    return {
      kind: 'wait-user',
      detail: `zero-loss check failed for ${ctx.planPair!.volume.name}: the last successful transfer ended ${stat.lastSuccessTransferEndTime ?? 'never'}, the stop was requested ${String(stop.requestAt)}${lastOk ? '' : `, and the last attempt failed (${stat.lastTransferStatus ?? 'no status'})`} — the replica may miss writes; clients were NOT moved and the writer stays fenced. To roll back: abort this run, start replication again (it resyncs the replica from the writer) and restore the writer's ACL recorded in this run's fence step; resume re-checks`,
      observation,
    };
  }
  return { kind: 'done', detail: `final sync covered the request: transfer ended ${stat.lastSuccessTransferEndTime} ≥ ${String(stop.requestAt)} − 2s`, observation };
}

/** After invert: direction flipped after the request, ACTIVE, and a successful transfer after it. */
export async function settleReverseStep(ctx: StepContext): Promise<StepOutcome> {
  const invert = await ctx.intentOf('invert');
  if (!invert) return { kind: 'wait-user', detail: 'no invert request recorded' };
  const pair = await ctx.observe();
  const view = pair.views[0];
  const flipped = !!view && view.direction !== invert.directionBefore && atOrAfter(view.directionChangedAt, invert.requestAt as string);
  const bothAgree = pair.views.length === 2 && pair.views.every((v) => v.direction === view?.direction && v.status === 'INITIALIZED');
  const active = pair.stat?.status === 'ACTIVE' && atOrAfter(pair.stat.lastSuccessTransferEndTime, invert.requestAt as string);
  const seen = { direction: view?.direction ?? null, directionChangedAt: view?.directionChangedAt ?? null, status: pair.stat?.status ?? null, lastSuccessTransferEndTime: pair.stat?.lastSuccessTransferEndTime ?? null, requestAt: invert.requestAt };
  const outcome = settleRead(ctx, flipped && bothAgree && active, `direction ${view?.direction === 'FORWARD' ? 'REVERSE' : 'flipped'} and ACTIVE with a transfer after the request`, seen);
  if (outcome.kind === 'wait-user' && !flipped) {
    return { ...outcome, detail: `invert was sent at ${String(invert.requestAt)} but direction still reads ${view?.direction ?? 'unreadable'}; NOT re-sending (a toggle would flip back and wipe the other side) — check the console, then resume or abort` };
  }
  return outcome;
}

export async function settleActiveStep(ctx: StepContext): Promise<StepOutcome> {
  const start = await ctx.intentOf('start');
  const pair = await ctx.observe();
  const since = (start?.requestAt as string | undefined) ?? null;
  const ok = pair.stat?.status === 'ACTIVE' && (since === null || atOrAfter(pair.stat.lastSuccessTransferEndTime, since));
  return settleRead(ctx, ok, 'ACTIVE with a transfer after the start', { status: pair.stat?.status ?? null, lastSuccessTransferEndTime: pair.stat?.lastSuccessTransferEndTime ?? null, requestAt: since });
}

/** Failback: the authoritative side's data survived the invert (A4), and whether the pre-wipe snapshot survived (A5). */
export async function verifyAuthoritativeStep(ctx: StepContext): Promise<StepOutcome> {
  const pair = ctx.planPair!;
  const { writer } = rolesOf(pair);
  const pre = await ctx.observationOf('snapshot-pre');
  const prewipe = await ctx.observationOf('snapshot-prewipe');
  const usage = await ctx.nas.usage(writer.region, writer.id).catch(() => null);
  const snapshots = await ctx.nas.listSnapshots(pair.volume.region, pair.volume.id).catch(() => null);
  const survived = prewipe?.name && snapshots ? snapshots.some((s) => s.name === prewipe.name) : null;
  ctx.event('a5-snapshot-survival', { volume: pair.volume, snapshot: prewipe?.name ?? null, survived });
  const before = typeof pre?.usedGb === 'number' ? pre.usedGb : null;
  const after = usage?.usedGb ?? null;
  const observation = { usedGbBefore: before, usedGbAfter: after, prewipeSurvived: survived };
  if (before !== null && after !== null && after < before) {
    return { kind: 'wait-user', detail: `${writer.name} used ${before} GB before the invert and ${after} GB now: its data may have been overwritten (A4) — restore it from snapshot ${String(pre?.name)} before anything else`, observation };
  }
  return { kind: 'done', detail: `${writer.name} intact (${before ?? '?'} → ${after ?? '?'} GB); pre-wipe snapshot ${survived === null ? 'unknown' : survived ? 'survived' : 'did not survive'}`, observation };
}
