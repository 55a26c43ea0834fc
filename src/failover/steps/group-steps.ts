// Group-wide steps: the pre-check at execution time (a fresh plan must still hash the same and
// pass), the emergency evidence record, and hooks.
import { runHook } from '../hooks.ts';
import type { HookName } from '../group.ts';
import type { StepContext, StepOutcome } from './context.ts';

export async function precheckStep(ctx: StepContext): Promise<StepOutcome> {
  const plan = await ctx.replan();
  ctx.event('observation', { step: 'precheck', pairs: plan.pairs, prechecks: plan.prechecks });
  if (plan.planHash !== ctx.run.planHash) {
    return { kind: 'fail', detail: `the pairs changed since the plan was approved (plan hash ${plan.planHash.slice(0, 12)} ≠ ${ctx.run.planHash.slice(0, 12)}); nothing was changed — plan again` };
  }
  const failed = plan.prechecks.filter((c) => !c.ok && c.name !== 'no-active-run');
  if (failed.length > 0) return { kind: 'fail', detail: `pre-check ${failed[0]!.name} failed: ${failed[0]!.detail}` };
  return { kind: 'done', detail: `${plan.prechecks.length} pre-checks passed`, observation: { prechecks: plan.prechecks } };
}

export async function evidenceStep(ctx: StepContext): Promise<StepOutcome> {
  const plan = await ctx.replan();
  const evidence = plan.prechecks.find((c) => c.name === 'evidence');
  ctx.event('evidence', { declared: ctx.run.options.declare === true, check: evidence ?? null, pairs: plan.pairs, dataLossWindowSeconds: plan.dataLossWindowSeconds ?? null });
  if (!evidence?.ok) return { kind: 'fail', detail: `no evidence that the source region is down: ${evidence?.detail ?? 'none'}` };
  return { kind: 'done', detail: evidence.detail, observation: { evidence, dataLossWindowSeconds: plan.dataLossWindowSeconds ?? null } };
}

export function hookStep(name: HookName) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const hook = ctx.group.hooks[name];
    if (!hook) return { kind: 'done', skipped: true, detail: `no ${name} hook configured` };
    const result = await runHook(hook, { runId: ctx.run.id, group: ctx.group.name, kind: ctx.run.kind, step: ctx.step.name });
    ctx.event('hook', { hook: name, ...result });
    if (!result.ok) return { kind: 'wait-user', detail: `hook ${name} failed: ${result.detail} — fix it, then \`nasorch failover resume ${ctx.run.id}\` (or abort)` };
    return { kind: 'done', detail: result.detail };
  };
}
