// The runbook plan: which steps a kind takes for a group's pairs, which calls they make, what gets
// wiped, and the pre-checks with their values. PURE: observations in, plan out. `planHash` covers
// what an approval is about (kind, group, pairs' ids/directions/states, steps and calls, wipes),
// not lag figures or timestamps, so a routine transfer between plan and start does not void it.
import { createHash } from 'node:crypto';
import { describePair, mirrorCallTargets, type MirrorCallTarget, type PairState } from '../replication/pair.ts';
import type { FailoverGroup } from './group.ts';
import { mirrorCallOf, type MirrorAction } from './nas-calls.ts';
import type { ObservedPair } from './observe.ts';

export const FAILOVER_KINDS = ['planned', 'switchover', 'emergency', 'failback', 'drill'] as const;
export type FailoverKind = (typeof FAILOVER_KINDS)[number];

export function isFailoverKind(value: string): value is FailoverKind {
  return (FAILOVER_KINDS as readonly string[]).includes(value);
}

export interface PlanVolume {
  id: string;
  name: string;
  region: string;
}

export interface PlanPair {
  key: string;
  mirrorId: string;
  volume: PlanVolume;
  replica: PlanVolume;
  direction: string | null;
  state: PairState;
  lagSeconds: number | null;
  reasons: string[];
}

export interface PlanCall {
  method: string;
  region: string;
  path: string;
}

export interface PlanStep {
  name: string;
  /** The pair the step acts on; null for group-wide steps (pre-checks, hooks). */
  pair: string | null;
  call: PlanCall | null;
  wipes: { id: string; name: string } | null;
}

export interface Precheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Plan {
  group: string;
  kind: FailoverKind;
  planHash: string;
  pairs: PlanPair[];
  prechecks: Precheck[];
  steps: PlanStep[];
  wipes: PlanVolume[];
  /** Emergency: the data-loss window estimated from stored samples (seconds), when known. */
  dataLossWindowSeconds?: number | null;
}

export interface PlanOptions {
  /** Failback on a HALT pair: the operator acknowledged A4 (or a drill recorded the behaviour). */
  ackInvertOnHalt?: boolean;
  /** Emergency: the operator declared the source region down. */
  declare?: boolean;
  /** Emergency: recorded failed probes of the writer region (count, span in ms). */
  evidence?: { probes: number; spanMs: number } | null;
  /** An active run of the group (its id), computed by the caller. */
  activeRunId?: string | null;
  /** Emergency: last successful transfer end from stored samples, per pair key (ISO). */
  lastGoodSuccess?: Record<string, string | null>;
  /** Server time of the observation (ISO), for the data-loss estimate only (not hashed). */
  serverTime?: string;
  /** Problems found while observing (no mirror on a selected volume, region unreadable). */
  problems?: string[];
}

const PROTECTED: PairState[] = ['PROTECTED_FORWARD', 'PROTECTED_REVERSE'];

/** Which pair states a kind starts from. */
export const STARTING_STATES: Record<FailoverKind, PairState[]> = {
  planned: PROTECTED,
  switchover: PROTECTED,
  drill: PROTECTED,
  failback: ['FAILED_OVER'],
  emergency: ['SOURCE_UNREACHABLE', 'UNKNOWN', 'DEGRADED', 'SUSPENDED', ...PROTECTED],
};

type StepTemplate = { name: string; hook?: keyof FailoverGroup['hooks']; action?: MirrorAction; perPair?: boolean; wipes?: 'writer' | 'destination' | 'original' };

const KIND_STEPS: Record<FailoverKind, StepTemplate[]> = {
  planned: [
    { name: 'precheck' },
    { name: 'snapshot-pre', perPair: true },
    { name: 'hook-quiesce', hook: 'quiesce' },
    { name: 'fence', perPair: true },
    { name: 'hook-fence', hook: 'fence' },
    { name: 'stop', action: 'stop', perPair: true },
    { name: 'settle-halt', perPair: true },
    { name: 'verify-zero-loss', perPair: true },
    { name: 'snapshot-point', perPair: true },
    { name: 'hook-promote', hook: 'promote' },
    { name: 'hook-verify', hook: 'verify' },
  ],
  switchover: [
    { name: 'precheck' },
    { name: 'snapshot-pre', perPair: true },
    { name: 'hook-quiesce', hook: 'quiesce' },
    { name: 'invert', action: 'invert', perPair: true, wipes: 'writer' },
    { name: 'settle-reverse', perPair: true },
    { name: 'hook-promote', hook: 'promote' },
  ],
  failback: [
    { name: 'precheck' },
    { name: 'snapshot-pre', perPair: true },
    { name: 'snapshot-prewipe', perPair: true },
    { name: 'invert', action: 'invert', perPair: true, wipes: 'original' },
    { name: 'settle-reverse', perPair: true },
    { name: 'verify', perPair: true },
    { name: 'unfence', perPair: true },
    { name: 'hook-unfence', hook: 'unfence' },
  ],
  drill: [
    { name: 'precheck' },
    { name: 'stop', action: 'stop', perPair: true },
    { name: 'settle-halt', perPair: true },
    { name: 'verify-zero-loss', perPair: true },
    { name: 'hook-probe', hook: 'probe' },
    { name: 'start', action: 'start', perPair: true, wipes: 'destination' },
    { name: 'settle-active', perPair: true },
  ],
  emergency: [
    { name: 'evidence' },
    { name: 'stop', action: 'stop', perPair: true },
    { name: 'settle-halt', perPair: true },
    { name: 'snapshot-point', perPair: true },
    { name: 'hook-promote', hook: 'promote' },
  ],
};

/** Mirror call targets for a kind: emergency acts only through the destination (replica) side. */
export function callTargetsFor(kind: FailoverKind, pair: ObservedPair): MirrorCallTarget[] {
  const view = pair.views[0];
  if (!view) {
    // Emergency with the mirror unreadable from the source: the replica side is all there is.
    return kind === 'emergency' ? [{ volumeId: pair.replica.id, region: pair.replica.region, mirrorId: pair.mirrorId }] : [];
  }
  const described = describePair(view);
  if (kind === 'emergency') {
    const destination = described.destination ?? described.replica;
    return [{ volumeId: destination.id, region: destination.region, mirrorId: pair.mirrorId }];
  }
  return mirrorCallTargets(described);
}

/** Who takes writes for a pair now (FORWARD: original; REVERSE or failed over: replica). */
export function currentWriter(pair: ObservedPair): PlanVolume {
  const view = pair.views[0];
  const side = pair.decision.state === 'FAILED_OVER' ? pair.replica : view?.direction === 'REVERSE' ? pair.replica : pair.original;
  return { id: side.id, name: side.name, region: side.region };
}

function wipedVolume(rule: StepTemplate['wipes'], pair: ObservedPair): PlanVolume | null {
  if (!rule) return null;
  const writer = currentWriter(pair);
  const other = writer.id === pair.original.id ? pair.replica : pair.original;
  const pick = rule === 'writer' ? writer : rule === 'original' ? pair.original : other;
  return { id: pick.id, name: pick.name, region: pick.region };
}

export interface PlanInput {
  group: FailoverGroup;
  kind: FailoverKind;
  pairs: readonly ObservedPair[];
  options?: PlanOptions;
}

export function planRunbook({ group, kind, pairs, options = {} }: PlanInput): Plan {
  const planPairs: PlanPair[] = pairs.map((p) => ({
    key: p.key,
    mirrorId: p.mirrorId,
    volume: { id: p.original.id, name: p.original.name, region: p.original.region },
    replica: { id: p.replica.id, name: p.replica.name, region: p.replica.region },
    direction: p.views[0]?.direction ?? null,
    state: p.decision.state,
    lagSeconds: p.decision.lagSeconds,
    reasons: p.decision.reasons,
  }));

  const steps: PlanStep[] = [];
  const wipes: PlanVolume[] = [];
  for (const template of KIND_STEPS[kind]) {
    if (template.hook && !group.hooks[template.hook]) continue;
    if (template.name === 'fence' && !group.fence.acl) continue;
    if (template.name === 'unfence' && !group.fence.acl) continue;
    if (!template.perPair) {
      steps.push({ name: template.name, pair: null, call: null, wipes: null });
      continue;
    }
    for (const pair of pairs) {
      const targets = template.action ? callTargetsFor(kind, pair) : [];
      const wiped = wipedVolume(template.wipes, pair);
      if (wiped && !wipes.some((w) => w.id === wiped.id)) wipes.push(wiped);
      steps.push({
        name: template.name,
        pair: pair.key,
        call: template.action && targets[0] ? mirrorCallOf(template.action, targets[0]) : null,
        wipes: wiped ? { id: wiped.id, name: wiped.name } : null,
      });
    }
  }

  const prechecks = buildPrechecks(group, kind, pairs, options);
  const dataLossWindowSeconds = kind === 'emergency' ? dataLossWindow(pairs, options) : undefined;
  const plan: Omit<Plan, 'planHash'> = {
    group: group.name,
    kind,
    pairs: planPairs,
    prechecks,
    steps,
    wipes,
    ...(dataLossWindowSeconds !== undefined ? { dataLossWindowSeconds } : {}),
  };
  return { ...plan, planHash: planHashOf(plan) };
}

export function planHashOf(plan: Pick<Plan, 'group' | 'kind' | 'pairs' | 'steps' | 'wipes'>): string {
  const covered = {
    kind: plan.kind,
    group: plan.group,
    pairs: plan.pairs.map((p) => ({ key: p.key, mirrorId: p.mirrorId, volume: p.volume.id, replica: p.replica.id, direction: p.direction, state: p.state })),
    steps: plan.steps.map((s) => ({ name: s.name, pair: s.pair, call: s.call, wipes: s.wipes })),
    wipes: plan.wipes.map((w) => w.id),
  };
  return createHash('sha256').update(canonicalJson(covered)).digest('hex');
}

/** JSON with object keys sorted, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function buildPrechecks(group: FailoverGroup, kind: FailoverKind, pairs: readonly ObservedPair[], options: PlanOptions): Precheck[] {
  const checks: Precheck[] = [];
  const problems = options.problems ?? [];
  checks.push({ name: 'pairs', ok: problems.length === 0 && pairs.length > 0, detail: problems.length > 0 ? problems.join('; ') : `${pairs.length} pair(s)` });
  checks.push({ name: 'no-active-run', ok: !options.activeRunId, detail: options.activeRunId ? `run ${options.activeRunId} is active for group ${group.name}` : 'none active' });

  const allowed = STARTING_STATES[kind];
  for (const pair of pairs) {
    const label = `${pair.original.name}→${pair.replica.name}`;
    const { state, lagSeconds } = pair.decision;
    checks.push({
      name: `state ${label}`,
      ok: allowed.includes(state) && (kind === 'emergency' || state !== 'UNKNOWN'),
      detail: `${state} (${pair.decision.reasons.join('; ')}); ${kind} needs ${allowed.join('|')}`,
    });
    if (kind === 'planned' || kind === 'switchover' || kind === 'drill') {
      const rpoMaxSeconds = Math.round(group.rpoMaxMs / 1000);
      checks.push({
        name: `lag ${label}`,
        ok: lagSeconds !== null && lagSeconds <= rpoMaxSeconds,
        detail: lagSeconds === null ? 'no successful transfer known' : `lag ${lagSeconds}s, rpoMax ${group.rpoMax} (${rpoMaxSeconds}s)`,
      });
    }
    const sizeRule = sizeCheck(kind, pair);
    if (sizeRule) checks.push({ name: `size ${label}`, ...sizeRule });
    if (kind === 'failback') {
      checks.push({
        name: `invert-on-halt ${label}`,
        ok: options.ackInvertOnHalt === true,
        detail: options.ackInvertOnHalt
          ? 'acknowledged (--ack-invert-on-halt): a snapshot on the authoritative side is taken first and verified after'
          : 'invert on a HALT mirror may first replicate in the old direction (A4): pass --ack-invert-on-halt after a drill showed the behaviour',
      });
    }
  }
  if (kind === 'emergency') {
    const evidence = options.evidence;
    const enough = evidence ? evidence.probes >= group.emergency.probes && evidence.spanMs >= group.emergency.windowMs : false;
    checks.push({
      name: 'evidence',
      ok: options.declare === true || enough,
      detail: options.declare
        ? 'declared by the operator (--declare)'
        : evidence
          ? `${evidence.probes} failed probe(s) over ${Math.round(evidence.spanMs / 1000)}s (need ${group.emergency.probes} over ${Math.round(group.emergency.windowMs / 1000)}s)`
          : 'no failed probes recorded: pass --declare to declare the source region down',
    });
  }
  return checks;
}

/** A13: the side a start/invert copies onto must be at least as large as the one it copies from. */
function sizeCheck(kind: FailoverKind, pair: ObservedPair): { ok: boolean; detail: string } | null {
  const writer = currentWriter(pair);
  const writerIsOriginal = writer.id === pair.original.id;
  let from: typeof pair.original;
  let to: typeof pair.original;
  if (kind === 'switchover') [from, to] = writerIsOriginal ? [pair.replica, pair.original] : [pair.original, pair.replica];
  else if (kind === 'failback') [from, to] = [pair.replica, pair.original];
  else if (kind === 'drill') [from, to] = writerIsOriginal ? [pair.original, pair.replica] : [pair.replica, pair.original];
  else return null;
  if (from.sizeGb === null || to.sizeGb === null) return { ok: false, detail: 'volume sizes could not be read' };
  return {
    ok: to.sizeGb >= from.sizeGb,
    detail: `${to.name} ${to.sizeGb} GB must be ≥ ${from.name} ${from.sizeGb} GB (it receives the copy)`,
  };
}

function dataLossWindow(pairs: readonly ObservedPair[], options: PlanOptions): number | null {
  if (!options.serverTime) return null;
  const now = Date.parse(options.serverTime);
  let worst: number | null = null;
  for (const pair of pairs) {
    const last = options.lastGoodSuccess?.[pair.key];
    if (!last) return null;
    const seconds = Math.max(0, Math.round((now - Date.parse(last)) / 1000));
    worst = worst === null ? seconds : Math.max(worst, seconds);
  }
  return worst;
}
