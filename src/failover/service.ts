// FailoverService: the one API behind the CLI, the HTTP control API and the Alertmanager webhook.
// Inputs and outputs are plain JSON-able objects; refusals are FailoverRefusal with a code and a
// one-line message. PostgreSQL is the source of truth; steps run as jobs (executor.ts).
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../log/logger.ts';
import { ACTIVE_RUN_STATES, apiEvent, executeStep, finishRun, type StepScheduler } from './executor.ts';
import type { FailoverGroup } from './group.ts';
import { RecordedNas, type NasClients } from './nas-calls.ts';
import { loadPairContext, planGroup, rememberPairs } from './planning.ts';
import { observeGroup } from './observe.ts';
import { isFailoverKind, type FailoverKind, type Plan } from './plan.ts';
import { LocalStepScheduler, liveDaemons } from './queue.ts';
import type { RunOptions } from './steps/context.ts';

export type RefusalCode = 'plan-hash-mismatch' | 'unconfirmed-wipe' | 'precheck-failed' | 'active-run' | 'no-daemon' | 'not-found' | 'bad-state' | 'bad-input';

export class FailoverRefusal extends Error {
  override name = 'FailoverRefusal';
  constructor(readonly code: RefusalCode, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
  toJSON() {
    return { code: this.code, message: this.message, ...this.details };
  }
}

export type RunTrigger = 'cli' | 'http' | 'alertmanager' | 'local';

export interface StartInput {
  group: string;
  kind: string;
  /** Required unless `awaitingApproval` (then the fresh plan's hash is stored and approval compares). */
  planHash?: string;
  confirm?: string[];
  reason?: string;
  trigger?: RunTrigger;
  idempotencyKey?: string;
  alertGroupKey?: string;
  /** Run the steps in this process (no daemon needed); `start` returns when the run stops moving. */
  local?: boolean;
  /** Create the run in awaiting_approval (webhooks); nothing executes until `approve`. */
  awaitingApproval?: boolean;
  ackInvertOnHalt?: boolean;
  declare?: boolean;
}

export interface StepStatus {
  name: string;
  pair: string | null;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  detail: string | null;
}

export interface RunStatus {
  id: string;
  group: string;
  kind: string;
  state: string;
  trigger: string;
  reason: string | null;
  planHash: string;
  currentStep: string | null;
  error: string | null;
  steps: StepStatus[];
  rpoSeconds: number | null;
  rtoSeconds: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface PairStatus {
  group: string;
  key: string;
  original: { id: string; name: string; region: string };
  replica: { id: string; name: string; region: string };
  direction: string | null;
  writer: { id: string; name: string; region: string } | null;
  statStatus: string | null;
  lagSeconds: number | null;
  state: string;
  reasons: string[];
  notes: string[];
}

export interface FailoverServiceDeps {
  prisma: PrismaClient;
  nas: NasClients;
  groups: () => readonly FailoverGroup[];
  log: Logger;
  /** The daemons' queue; absent: only --local runs can start. */
  scheduler?: StepScheduler;
  /** For the "is any daemon alive" check. */
  redis?: Redis;
  redisPrefix?: string;
}

type Json = import('../db/prisma.ts').Prisma.InputJsonValue;
const json = (value: unknown): Json => JSON.parse(JSON.stringify(value ?? null)) as Json;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export class FailoverService {
  constructor(private readonly deps: FailoverServiceDeps) {}

  group(name: string): FailoverGroup {
    const group = this.deps.groups().find((g) => g.name === name);
    if (!group) {
      const known = this.deps.groups().map((g) => g.name).join(', ') || 'none';
      throw new FailoverRefusal('not-found', `no failover group named "${name}" in the config (groups: ${known})`);
    }
    return group;
  }

  private recorded(): RecordedNas {
    return new RecordedNas(this.deps.nas);
  }

  /** Every pair of the configured groups (or one group) as observed now. */
  async pairs(groupName?: string): Promise<{ pairs: PairStatus[] }> {
    const groups = groupName ? [this.group(groupName)] : this.deps.groups();
    const out: PairStatus[] = [];
    for (const group of groups) {
      const nas = this.recorded();
      const context = await loadPairContext(this.deps.prisma, group);
      const observation = await observeGroup(nas, group, context);
      await rememberPairs(this.deps.prisma, group, observation, context);
      for (const pair of observation.pairs) {
        const record = context.records?.get(pair.key);
        const view = pair.views[0];
        const writerSide = pair.decision.state === 'FAILED_OVER' ? pair.replica : view?.direction === 'REVERSE' ? pair.replica : view ? pair.original : null;
        const notes: string[] = [];
        if (record && !record.oldSourceFenced) notes.push('old source not fenced yet');
        if (record?.state === 'FAILED_OVER') notes.push(`failed over by run ${record.runId ?? '?'}: ${record.writerVolumeId} takes writes`);
        out.push({
          group: group.name,
          key: pair.key,
          original: { id: pair.original.id, name: pair.original.name, region: pair.original.region },
          replica: { id: pair.replica.id, name: pair.replica.name, region: pair.replica.region },
          direction: view?.direction ?? null,
          writer: writerSide ? { id: writerSide.id, name: writerSide.name, region: writerSide.region } : null,
          statStatus: pair.stat?.status ?? null,
          lagSeconds: pair.decision.lagSeconds,
          state: pair.decision.state,
          reasons: [...pair.decision.reasons, ...observation.problems],
          notes,
        });
      }
    }
    return { pairs: out };
  }

  /** The plan of a kind for a group now. Makes no mutating call. */
  async plan(groupName: string, kind: string, options: RunOptions = {}): Promise<Plan> {
    const group = this.group(groupName);
    if (!isFailoverKind(kind)) throw new FailoverRefusal('bad-input', `unknown failover kind "${kind}" (planned, switchover, emergency, failback, drill)`);
    return (await planGroup({ prisma: this.deps.prisma, nas: this.recorded(), group, kind, options })).plan;
  }

  async start(input: StartInput): Promise<RunStatus> {
    const { prisma } = this.deps;
    if (input.idempotencyKey) {
      const existing = await prisma.failoverRun.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing) return this.runStatus(existing.id);
    }
    if (input.alertGroupKey) {
      const existing = await prisma.failoverRun.findUnique({ where: { alertGroupKey: input.alertGroupKey } });
      if (existing) return this.runStatus(existing.id);
    }
    const group = this.group(input.group);
    if (!isFailoverKind(input.kind)) throw new FailoverRefusal('bad-input', `unknown failover kind "${input.kind}" (planned, switchover, emergency, failback, drill)`);
    const kind: FailoverKind = input.kind;
    await this.refuseActiveRun(group.name);
    const options: RunOptions = { ...(input.ackInvertOnHalt ? { ackInvertOnHalt: true } : {}), ...(input.declare ? { declare: true } : {}) };
    const nas = this.recorded();
    const { plan } = await planGroup({ prisma, nas, group, kind, options });
    const confirm = input.confirm ?? [];
    if (!input.awaitingApproval) {
      this.checkPlan(plan, input.planHash, confirm);
      if (!input.local) await this.requireDaemon();
    } else if (input.planHash && input.planHash !== plan.planHash) {
      throw new FailoverRefusal('plan-hash-mismatch', `plan hash ${input.planHash.slice(0, 12)} does not match the current plan ${plan.planHash.slice(0, 12)} of group ${group.name}: the state changed since you looked — run \`nasorch failover plan\` again`);
    }

    const trigger: RunTrigger = input.trigger ?? (input.local ? 'local' : 'cli');
    const state = input.awaitingApproval ? 'awaiting_approval' : 'running';
    let runId: string;
    try {
      runId = await prisma.$transaction(async (tx) => {
        const epoch = (await tx.failoverGroupRecord.upsert({ where: { name: group.name }, create: { name: group.name, epoch: 1 }, update: { epoch: { increment: 1 } } })).epoch;
        const run = await tx.failoverRun.create({
          data: {
            groupName: group.name,
            kind,
            state,
            activeGroup: group.name,
            plan: json(plan),
            planHash: plan.planHash,
            confirm,
            reason: input.reason ?? null,
            trigger,
            options: json(options),
            idempotencyKey: input.idempotencyKey ?? null,
            alertGroupKey: input.alertGroupKey ?? null,
            epoch,
            currentStep: 0,
            startedAt: state === 'running' ? new Date() : null,
          },
        });
        await tx.failoverStep.createMany({
          data: plan.steps.map((s, ordinal) => ({ runId: run.id, ordinal, name: s.name, pairKey: s.pair, state: 'pending', execution: ordinal === 0 && state === 'running' ? 1 : 0 })),
        });
        await tx.failoverEvent.create({ data: { runId: run.id, type: 'run-created', data: json({ trigger, state, reason: input.reason ?? null, confirm, planHash: plan.planHash }) } });
        for (const response of nas.responses) await tx.failoverEvent.create({ data: { runId: run.id, type: 'api', data: json({ step: 'plan', ...apiEvent(response) }) } });
        return run.id;
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') {
        const again = input.idempotencyKey ? await prisma.failoverRun.findUnique({ where: { idempotencyKey: input.idempotencyKey } }) : input.alertGroupKey ? await prisma.failoverRun.findUnique({ where: { alertGroupKey: input.alertGroupKey } }) : null;
        if (again) return this.runStatus(again.id);
        await this.refuseActiveRun(group.name);
      }
      throw err;
    }
    if (state === 'running') await this.kick(runId, input.local === true);
    return this.runStatus(runId);
  }

  async approve(runId: string, input: { planHash: string; confirm?: string[] }, options: { local?: boolean } = {}): Promise<RunStatus> {
    const { prisma } = this.deps;
    const run = await this.findRun(runId);
    if (run.state !== 'awaiting_approval') throw new FailoverRefusal('bad-state', `run ${runId} is ${run.state}, not awaiting_approval`);
    const group = this.group(run.groupName);
    const runOptions = (run.options as RunOptions | null) ?? {};
    const { plan } = await planGroup({ prisma, nas: this.recorded(), group, kind: run.kind as FailoverKind, options: runOptions, excludeRunId: run.id });
    if (input.planHash !== run.planHash) {
      throw new FailoverRefusal('plan-hash-mismatch', `plan hash ${input.planHash.slice(0, 12)} is not the hash of run ${runId} (${run.planHash.slice(0, 12)})`);
    }
    const confirm = input.confirm ?? [];
    this.checkPlan(plan, run.planHash, confirm);
    if (!options.local) await this.requireDaemon();
    const epoch = await prisma.$transaction(async (tx) => {
      const e = (await tx.failoverGroupRecord.update({ where: { name: group.name }, data: { epoch: { increment: 1 } } })).epoch;
      const moved = await tx.failoverRun.updateMany({ where: { id: runId, state: 'awaiting_approval' }, data: { state: 'running', epoch: e, confirm, plan: json(plan), startedAt: new Date() } });
      if (moved.count !== 1) throw new FailoverRefusal('bad-state', `run ${runId} is no longer awaiting approval`);
      await tx.failoverStep.updateMany({ where: { runId, ordinal: 0 }, data: { execution: 1 } });
      await tx.failoverEvent.create({ data: { runId, type: 'approved', data: json({ planHash: input.planHash, confirm }) } });
      return e;
    });
    this.deps.log.info({ runId, epoch }, 'failover run approved');
    await this.kick(runId, options.local === true);
    return this.runStatus(runId);
  }

  /** A run waiting for a person (or one whose step job was lost) continues from its current step. */
  async resume(runId: string, options: { local?: boolean } = {}): Promise<RunStatus> {
    const { prisma } = this.deps;
    const run = await this.findRun(runId);
    if (run.state !== 'waiting_for_user' && run.state !== 'running') throw new FailoverRefusal('bad-state', `run ${runId} is ${run.state}: only waiting_for_user or running runs resume`);
    if (!options.local) await this.requireDaemon();
    const ordinal = run.currentStep ?? 0;
    await prisma.$transaction(async (tx) => {
      await tx.failoverRun.update({ where: { id: runId }, data: { state: 'running', error: null } });
      // A fresh execution, and a fresh settle timeout for the step.
      await tx.failoverStep.update({ where: { runId_ordinal: { runId, ordinal } }, data: { execution: { increment: 1 }, startedAt: new Date() } });
      await tx.failoverEvent.create({ data: { runId, type: 'resumed', data: json({ step: ordinal, previousState: run.state }) } });
    });
    await this.kick(runId, options.local === true);
    return this.runStatus(runId);
  }

  async abort(runId: string, reason: string): Promise<RunStatus> {
    const { prisma } = this.deps;
    const run = await this.findRun(runId);
    if (!(ACTIVE_RUN_STATES as readonly string[]).includes(run.state)) throw new FailoverRefusal('bad-state', `run ${runId} is ${run.state}: nothing to abort`);
    // The epoch moves on: a worker still holding a step of this run will not act.
    await prisma.failoverGroupRecord.update({ where: { name: run.groupName }, data: { epoch: { increment: 1 } } });
    await finishRun(prisma, runId, 'aborted', reason || 'aborted');
    await prisma.failoverEvent.create({ data: { runId, type: 'aborted', data: json({ reason, step: run.currentStep }) } });
    return this.runStatus(runId);
  }

  async status(runId?: string, limit = 20): Promise<{ runs: RunStatus[] }> {
    if (runId) return { runs: [await this.runStatus(runId)] };
    const rows = await this.deps.prisma.failoverRun.findMany({ orderBy: { createdAt: 'desc' }, take: limit, select: { id: true } });
    return { runs: await Promise.all(rows.map((r) => this.runStatus(r.id))) };
  }

  /** The run an earlier request with this Idempotency-Key created, if any. */
  async byIdempotencyKey(key: string): Promise<RunStatus | null> {
    const run = await this.deps.prisma.failoverRun.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
    return run ? this.runStatus(run.id) : null;
  }

  /** The run an Alertmanager group already created, if any. */
  async byAlertGroupKey(key: string): Promise<RunStatus | null> {
    const run = await this.deps.prisma.failoverRun.findUnique({ where: { alertGroupKey: key }, select: { id: true } });
    return run ? this.runStatus(run.id) : null;
  }

  async events(runId: string): Promise<{ at: string; type: string; data: unknown }[]> {
    const rows = await this.deps.prisma.failoverEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ at: r.at.toISOString(), type: r.type, data: r.data }));
  }

  /** Follows a run until it is no longer running (or the timeout passes). */
  async wait(runId: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<RunStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 24 * 3600_000);
    for (;;) {
      const status = await this.runStatus(runId);
      if (status.state !== 'running' || Date.now() > deadline) return status;
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
  }

  async runStatus(runId: string): Promise<RunStatus> {
    const run = await this.findRun(runId);
    const steps = await this.deps.prisma.failoverStep.findMany({ where: { runId }, orderBy: { ordinal: 'asc' } });
    const current = steps.find((s) => s.ordinal === run.currentStep);
    return {
      id: run.id,
      group: run.groupName,
      kind: run.kind,
      state: run.state,
      trigger: run.trigger,
      reason: run.reason,
      planHash: run.planHash,
      currentStep: current?.name ?? null,
      error: run.error,
      steps: steps.map((s) => ({ name: s.name, pair: s.pairKey, state: s.state, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt), detail: s.detail })),
      rpoSeconds: run.rpoSeconds,
      rtoSeconds: run.rtoSeconds,
      createdAt: run.createdAt.toISOString(),
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
    };
  }

  private async findRun(runId: string) {
    const run = /^[0-9a-f-]{36}$/i.test(runId) ? await this.deps.prisma.failoverRun.findUnique({ where: { id: runId } }) : null;
    if (!run) throw new FailoverRefusal('not-found', `no failover run ${runId}`);
    return run;
  }

  private async refuseActiveRun(groupName: string): Promise<void> {
    const active = await this.deps.prisma.failoverRun.findFirst({ where: { activeGroup: groupName } });
    if (active) throw new FailoverRefusal('active-run', `group ${groupName} already has an active run ${active.id} (${active.kind}, ${active.state}); resume or abort it first`, { runId: active.id });
  }

  private checkPlan(plan: Plan, planHash: string | undefined, confirm: readonly string[]): void {
    if (!planHash) throw new FailoverRefusal('bad-input', `--plan-hash is required: run \`nasorch failover plan ${plan.group} --kind ${plan.kind}\` and pass its planHash`);
    if (planHash !== plan.planHash) {
      throw new FailoverRefusal('plan-hash-mismatch', `plan hash ${planHash.slice(0, 12)} does not match the current plan ${plan.planHash.slice(0, 12)} of group ${plan.group}: the state changed since you looked — run \`nasorch failover plan\` again`, { planHash: plan.planHash });
    }
    const unconfirmed = plan.wipes.filter((w) => !confirm.includes(w.name));
    if (unconfirmed.length > 0) {
      const names = unconfirmed.map((w) => `${w.name} (${w.id}, ${w.region})`).join(', ');
      throw new FailoverRefusal('unconfirmed-wipe', `this ${plan.kind} wipes ${names}: repeat the volume name with --confirm ${unconfirmed.map((w) => w.name).join(' --confirm ')}`);
    }
    const failed = plan.prechecks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new FailoverRefusal('precheck-failed', `pre-check ${failed[0]!.name} failed: ${failed[0]!.detail}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}`, { prechecks: failed });
    }
  }

  private async requireDaemon(): Promise<void> {
    const { redis, redisPrefix } = this.deps;
    const alive = redis && redisPrefix && this.deps.scheduler ? await liveDaemons(redis, redisPrefix) : [];
    if (alive.length === 0) {
      throw new FailoverRefusal('no-daemon', `no nasorch daemon of this cluster (Redis prefix ${redisPrefix ?? '?'}) is alive to run the steps: start one, or pass --local to run them in this process`);
    }
  }

  /** Queues the run's current step (daemons), or runs the steps here until the run stops moving (--local). */
  private async kick(runId: string, local: boolean): Promise<void> {
    const { prisma } = this.deps;
    const run = await prisma.failoverRun.findUniqueOrThrow({ where: { id: runId } });
    const ordinal = run.currentStep ?? 0;
    const step = await prisma.failoverStep.findUniqueOrThrow({ where: { runId_ordinal: { runId, ordinal } } });
    const job = { runId, ordinal, execution: step.execution };
    if (!local) {
      await this.deps.scheduler!.schedule(job, 0);
      return;
    }
    const scheduler = new LocalStepScheduler();
    await scheduler.schedule(job, 0);
    const groups = this.deps.groups();
    await scheduler.drain((next) =>
      executeStep({ prisma, nas: this.deps.nas, group: (name) => groups.find((g) => g.name === name), scheduler, log: this.deps.log }, next),
    );
  }
}
