// What a step implementation receives and returns. Every step is observe → skip if done → act
// once (intent persisted first) → settle (N consecutive reads after the request) → verify.
import type { PrismaClient } from '../../db/prisma.ts';
import type { Logger } from '../../log/logger.ts';
import type { FailoverGroup } from '../group.ts';
import type { RecordedNas } from '../nas-calls.ts';
import type { ObservedPair } from '../observe.ts';
import type { Plan, PlanPair } from '../plan.ts';

export type StepOutcome =
  | { kind: 'done'; skipped?: boolean; detail: string; observation?: Record<string, unknown> }
  /** Not settled yet: run this step again after `delayMs` (a delayed job, no sleeping in a worker). */
  | { kind: 'again'; delayMs: number; detail: string; observation?: Record<string, unknown> }
  | { kind: 'wait-user'; detail: string; observation?: Record<string, unknown> }
  | { kind: 'fail'; detail: string; observation?: Record<string, unknown> };

export interface RunView {
  id: string;
  kind: Plan['kind'];
  groupName: string;
  plan: Plan;
  planHash: string;
  confirm: string[];
  options: RunOptions;
}

export interface RunOptions {
  ackInvertOnHalt?: boolean;
  declare?: boolean;
}

export interface StepRow {
  ordinal: number;
  name: string;
  pairKey: string | null;
  execution: number;
  intent: Record<string, unknown> | null;
  observation: Record<string, unknown> | null;
  startedAt: Date;
}

export interface StepContext {
  run: RunView;
  step: StepRow;
  group: FailoverGroup;
  nas: RecordedNas;
  prisma: PrismaClient;
  log: Logger;
  /** The plan's view of the step's pair (roles frozen at plan time). */
  planPair: PlanPair | null;
  /** A fresh plan of the run's kind for its group (the same code `failover plan` runs). */
  replan(): Promise<Plan>;
  /** Observes the step's pair now. */
  observe(): Promise<ObservedPair>;
  /** Persists the step's intent BEFORE the call it describes is sent. */
  saveIntent(intent: Record<string, unknown>): Promise<void>;
  /** Appends an event to the run's audit trail. */
  event(type: string, data: Record<string, unknown>): void;
  /** The intent another step of this run recorded for the same pair (e.g. the stop's request time). */
  intentOf(stepName: string): Promise<Record<string, unknown> | null>;
  observationOf(stepName: string): Promise<Record<string, unknown> | null>;
  /** The step has been trying longer than the group's settle timeout. */
  timedOut(): boolean;
}

/** Roles at plan time: who wrote then, and the peer that takes over. */
export function rolesOf(pair: PlanPair): { writer: PlanPair['volume']; peer: PlanPair['volume'] } {
  const replicaWrites = pair.state === 'FAILED_OVER' || pair.direction === 'REVERSE';
  return replicaWrites ? { writer: pair.replica, peer: pair.volume } : { writer: pair.volume, peer: pair.replica };
}

/** The 2 s allowance for Date-header granularity (A9). */
export const CLOCK_SLACK_MS = 2000;

export function atOrAfter(value: string | null | undefined, reference: string | number | null | undefined): boolean {
  if (!value || reference === null || reference === undefined) return false;
  const ref = typeof reference === 'number' ? reference : Date.parse(reference);
  return Date.parse(value) >= ref - CLOCK_SLACK_MS;
}

/**
 * N consecutive reads satisfying `ok`, each after the request; the count lives in the step's
 * observation. A read that fails the condition starts the count again.
 */
export function settleRead(ctx: StepContext, ok: boolean, what: string, seen: Record<string, unknown>): StepOutcome {
  const previous = Number(ctx.step.observation?.consecutive ?? 0);
  const consecutive = ok ? previous + 1 : 0;
  const observation = { ...seen, consecutive };
  if (consecutive >= ctx.group.settle.reads) return { kind: 'done', detail: `${what} on ${consecutive} consecutive read(s)`, observation };
  if (ctx.timedOut()) return { kind: 'wait-user', detail: `not settled within ${ctx.group.settle.timeoutMs / 1000}s: waiting for ${what} (last read: ${JSON.stringify(seen)})`, observation };
  return { kind: 'again', delayMs: ctx.group.settle.intervalMs, detail: `waiting for ${what} (${consecutive}/${ctx.group.settle.reads})`, observation };
}
