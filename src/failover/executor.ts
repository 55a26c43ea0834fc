// Executes one execution of one run step (a `failover-step` job, or the --local loop): checks the
// run is running, the job is the step's current execution and the group's epoch is the run's
// (a stale worker never acts), runs the step, persists the outcome, and schedules what follows —
// the next step, or this step again after the settle interval (no sleeping in a worker).
import type { PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../log/logger.ts';
import type { NasResponseInfo } from '../nas/client.ts';
import { loadPairContext, planGroup } from './planning.ts';
import type { FailoverGroup } from './group.ts';
import { RecordedNas, type NasClients } from './nas-calls.ts';
import { observePair } from './observe.ts';
import type { Plan } from './plan.ts';
import { savePairRecord } from './pair-record.ts';
import { rolesOf, type RunOptions, type StepContext, type StepOutcome, type StepRow } from './steps/context.ts';
import { STEP_IMPLEMENTATIONS } from './steps/index.ts';

export const FAILOVER_STEP_JOB = 'failover-step';

export interface StepJob {
  runId: string;
  ordinal: number;
  execution: number;
}

/** BullMQ job id of a step execution (no `:`). */
export function stepJobId(job: StepJob): string {
  return `fo-${job.runId}-${job.ordinal}-${job.execution}`;
}

export interface StepScheduler {
  schedule(job: StepJob, delayMs: number): Promise<void>;
}

export interface ExecutorDeps {
  prisma: PrismaClient;
  nas: NasClients;
  group(name: string): FailoverGroup | undefined;
  scheduler: StepScheduler;
  log: Logger;
}

export const ACTIVE_RUN_STATES = ['awaiting_approval', 'running', 'waiting_for_user'] as const;

type Json = import('../db/prisma.ts').Prisma.InputJsonValue;
const json = (value: unknown): Json => JSON.parse(JSON.stringify(value ?? null)) as Json;

/** Appends to the run's audit trail; events of one execution are written in order. */
export class EventWriter {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly prisma: PrismaClient, private readonly runId: string, private readonly log: Logger) {}
  add(type: string, data: Record<string, unknown>): void {
    this.chain = this.chain
      .then(() => this.prisma.failoverEvent.create({ data: { runId: this.runId, type, data: json(data) } }))
      .catch((err: unknown) => this.log.error({ err: { message: (err as Error).message }, runId: this.runId, type }, 'could not record a failover event'));
  }
  flush(): Promise<unknown> {
    return this.chain;
  }
}

export function apiEvent(info: NasResponseInfo): Record<string, unknown> {
  return { operation: info.operation, method: info.method, region: info.region, path: info.path, status: info.status, resultCode: info.resultCode, date: info.date?.toISOString() ?? null };
}

export async function executeStep(deps: ExecutorDeps, job: StepJob): Promise<void> {
  const { prisma, log } = deps;
  const run = await prisma.failoverRun.findUnique({ where: { id: job.runId } });
  if (!run || run.state !== 'running') return;
  const step = await prisma.failoverStep.findUnique({ where: { runId_ordinal: { runId: job.runId, ordinal: job.ordinal } } });
  if (!step || step.execution !== job.execution) return; // a stale or duplicate execution
  const groupRow = await prisma.failoverGroupRecord.findUnique({ where: { name: run.groupName } });
  const events = new EventWriter(prisma, run.id, log);
  if (!groupRow || groupRow.epoch !== run.epoch) {
    events.add('stale-epoch', { step: step.name, runEpoch: run.epoch, groupEpoch: groupRow?.epoch ?? null });
    await events.flush();
    return;
  }
  const group = deps.group(run.groupName);
  if (!group) {
    await waitForUser(prisma, run.id, step.ordinal, `failover group ${run.groupName} is no longer in the config`);
    return;
  }
  if (step.state === 'succeeded' || step.state === 'skipped') {
    await advance(deps, run.id, step.ordinal);
    return;
  }
  const startedAt = step.startedAt ?? new Date();
  if (step.state !== 'running') {
    await prisma.failoverStep.update({ where: { runId_ordinal: { runId: run.id, ordinal: step.ordinal } }, data: { state: 'running', startedAt } });
    await prisma.failoverRun.update({ where: { id: run.id }, data: { currentStep: step.ordinal } });
    events.add('step-started', { step: step.name, ordinal: step.ordinal, pair: step.pairKey });
  }

  const plan = run.plan as unknown as Plan;
  const nas = new RecordedNas(deps.nas, (info) => events.add('api', { step: step.name, ...apiEvent(info) }), run.kind === 'emergency' ? Math.min(group.settle.timeoutMs, 120_000) : undefined);
  const planPair = step.pairKey ? (plan.pairs.find((p) => p.key === step.pairKey) ?? null) : null;
  const row: StepRow = {
    ordinal: step.ordinal,
    name: step.name,
    pairKey: step.pairKey,
    execution: step.execution,
    intent: (step.intent as Record<string, unknown> | null) ?? null,
    observation: (step.observation as Record<string, unknown> | null) ?? null,
    startedAt,
  };
  const options = (run.options as RunOptions | null) ?? {};
  const sibling = async (name: string) =>
    prisma.failoverStep.findFirst({ where: { runId: run.id, name, ...(step.pairKey ? { pairKey: step.pairKey } : {}) }, orderBy: { ordinal: 'asc' } });
  const ctx: StepContext = {
    run: { id: run.id, kind: run.kind as Plan['kind'], groupName: run.groupName, plan, planHash: run.planHash, confirm: run.confirm, options },
    step: row,
    group,
    nas,
    prisma,
    log: log.child({ runId: run.id, step: step.name }),
    planPair,
    replan: async () => (await planGroup({ prisma, nas, group, kind: run.kind as Plan['kind'], options, excludeRunId: run.id })).plan,
    observe: async () => {
      if (!planPair) throw new Error(`step ${step.name} has no pair`);
      const pairContext = await loadPairContext(prisma, group);
      return observePair(nas, { key: planPair.key, original: planPair.volume, replica: planPair.replica, mirrorId: planPair.mirrorId }, pairContext);
    },
    saveIntent: async (intent) => {
      await prisma.failoverStep.update({ where: { runId_ordinal: { runId: run.id, ordinal: step.ordinal } }, data: { intent: json(intent) } });
      row.intent = intent;
      events.add('intent', { step: step.name, pair: step.pairKey, intent });
    },
    event: (type, data) => events.add(type, data),
    intentOf: async (name) => ((await sibling(name))?.intent as Record<string, unknown> | null) ?? null,
    observationOf: async (name) => ((await sibling(name))?.observation as Record<string, unknown> | null) ?? null,
    timedOut: () => Date.now() - startedAt.getTime() > group.settle.timeoutMs,
  };

  let outcome: StepOutcome;
  const implementation = STEP_IMPLEMENTATIONS[step.name];
  try {
    outcome = implementation ? await implementation(ctx) : { kind: 'fail', detail: `unknown step ${step.name}` };
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    events.add('step-error', { step: step.name, error: message });
    outcome = ctx.timedOut()
      ? { kind: 'wait-user', detail: `step ${step.name} kept failing for ${group.settle.timeoutMs / 1000}s: ${message}` }
      : { kind: 'again', delayMs: group.settle.intervalMs, detail: `step ${step.name} failed, trying again: ${message}` };
  }
  await events.flush();
  await applyOutcome(deps, run.id, row, outcome, events);
  await events.flush();
}

async function applyOutcome(deps: ExecutorDeps, runId: string, step: StepRow, outcome: StepOutcome, events: EventWriter): Promise<void> {
  const { prisma } = deps;
  const where = { runId_ordinal: { runId, ordinal: step.ordinal } };
  const observation = outcome.observation ? { observation: json(outcome.observation) } : {};
  events.add('step-outcome', { step: step.name, ordinal: step.ordinal, execution: step.execution, outcome: outcome.kind, detail: outcome.detail });
  switch (outcome.kind) {
    case 'done':
      await prisma.failoverStep.update({ where, data: { state: outcome.skipped ? 'skipped' : 'succeeded', detail: outcome.detail, finishedAt: new Date(), ...observation } });
      await advance(deps, runId, step.ordinal);
      return;
    case 'again': {
      const next = step.execution + 1;
      const moved = await prisma.failoverStep.updateMany({ where: { runId, ordinal: step.ordinal, execution: step.execution }, data: { execution: next, detail: outcome.detail, ...observation } });
      if (moved.count === 1) await deps.scheduler.schedule({ runId, ordinal: step.ordinal, execution: next }, outcome.delayMs);
      return;
    }
    case 'wait-user':
      await prisma.failoverStep.update({ where, data: { detail: outcome.detail, ...observation } });
      await waitForUser(prisma, runId, step.ordinal, outcome.detail);
      events.add('waiting-for-user', { step: step.name, reason: outcome.detail });
      return;
    case 'fail':
      await prisma.failoverStep.update({ where, data: { state: 'failed', detail: outcome.detail, finishedAt: new Date(), ...observation } });
      await finishRun(prisma, runId, 'failed', outcome.detail);
      events.add('run-failed', { step: step.name, reason: outcome.detail });
      return;
  }
}

async function waitForUser(prisma: PrismaClient, runId: string, ordinal: number, reason: string): Promise<void> {
  await prisma.failoverRun.updateMany({ where: { id: runId, state: 'running' }, data: { state: 'waiting_for_user', error: reason, currentStep: ordinal } });
}

export async function finishRun(prisma: PrismaClient, runId: string, state: 'succeeded' | 'failed' | 'aborted', error: string | null, extra: { rpoSeconds?: number | null; rtoSeconds?: number | null } = {}): Promise<void> {
  await prisma.failoverRun.update({ where: { id: runId }, data: { state, activeGroup: null, error, finishedAt: new Date(), ...extra } });
}

/** After a step: the next one, or the end of the run. */
async function advance(deps: ExecutorDeps, runId: string, ordinal: number): Promise<void> {
  const { prisma } = deps;
  const next = await prisma.failoverStep.findFirst({ where: { runId, ordinal: { gt: ordinal } }, orderBy: { ordinal: 'asc' } });
  if (next) {
    if (next.execution === 0) {
      await prisma.failoverStep.updateMany({ where: { runId, ordinal: next.ordinal, execution: 0 }, data: { execution: 1 } });
    }
    await prisma.failoverRun.update({ where: { id: runId }, data: { currentStep: next.ordinal } });
    const fresh = await prisma.failoverStep.findUniqueOrThrow({ where: { runId_ordinal: { runId, ordinal: next.ordinal } } });
    await deps.scheduler.schedule({ runId, ordinal: next.ordinal, execution: fresh.execution }, 0);
    return;
  }
  await completeRun(prisma, runId);
}

/** The run's effect on nasorch's pair records, and its measured RPO/RTO. */
async function completeRun(prisma: PrismaClient, runId: string): Promise<void> {
  const run = await prisma.failoverRun.findUniqueOrThrow({ where: { id: runId }, include: { steps: true } });
  if (run.state !== 'running') return;
  const plan = run.plan as unknown as Plan;
  const stepOf = (name: string, pairKey: string) => run.steps.find((s) => s.name === name && s.pairKey === pairKey);
  let rpo: number | null = null;
  let rto: number | null = null;
  for (const pair of plan.pairs) {
    const { writer, peer } = rolesOf(pair);
    const stop = stepOf('stop', pair.key)?.intent as { requestAt?: string; lastSuccessBefore?: string | null } | null | undefined;
    const halt = stepOf('settle-halt', pair.key)?.observation as { firstHaltAt?: string } | null | undefined;
    if (stop?.requestAt && stop.lastSuccessBefore) rpo = Math.max(rpo ?? 0, Math.max(0, Math.round((Date.parse(stop.requestAt) - Date.parse(stop.lastSuccessBefore)) / 1000)));
    if (stop?.requestAt && halt?.firstHaltAt) rto = Math.max(rto ?? 0, Math.max(0, Math.round((Date.parse(halt.firstHaltAt) - Date.parse(stop.requestAt)) / 1000)));
    const fence = stepOf('fence', pair.key);
    const base = { pairKey: pair.key, groupName: run.groupName, originalVolumeId: pair.volume.id, originalName: pair.volume.name, originalRegion: pair.volume.region, replicaVolumeId: pair.replica.id, replicaName: pair.replica.name, replicaRegion: pair.replica.region, mirrorId: pair.mirrorId, runId };
    if (run.kind === 'planned' || run.kind === 'emergency') {
      const fencedAcl = ((fence?.intent as { previousAcl?: string[] } | null)?.previousAcl) ?? [];
      await savePairRecord(prisma, {
        ...base,
        writerVolumeId: peer.id,
        writerRegion: peer.region,
        state: 'FAILED_OVER',
        oldSourceFenced: run.kind === 'planned' ? fence?.state === 'succeeded' || fence?.state === 'skipped' : false,
        oldSourceVolumeId: writer.id,
        oldSourceRegion: writer.region,
        fencedAcl,
      });
    } else if (run.kind === 'switchover' || run.kind === 'failback') {
      const previous = await prisma.failoverPair.findUnique({ where: { pairKey: pair.key } });
      const newWriter = run.kind === 'failback' ? pair.replica : peer;
      await savePairRecord(prisma, {
        ...base,
        writerVolumeId: newWriter.id,
        writerRegion: newWriter.region,
        state: newWriter.id === pair.replica.id ? 'PROTECTED_REVERSE' : 'PROTECTED_FORWARD',
        oldSourceFenced: true,
        oldSourceVolumeId: null,
        oldSourceRegion: null,
        fencedAcl: run.kind === 'failback' ? [] : (previous?.fencedAcl ?? []),
      });
    }
  }
  if (run.kind === 'planned') rpo = 0; // verified: the final sync covered the stop request
  if (run.kind === 'emergency') rpo = plan.dataLossWindowSeconds ?? rpo; // from the stat samples stored before the outage
  await finishRun(prisma, runId, 'succeeded', null, { rpoSeconds: rpo, rtoSeconds: rto });
  await prisma.failoverEvent.create({ data: { runId, type: 'run-succeeded', data: json({ rpoSeconds: rpo, rtoSeconds: rto }) } });
}
