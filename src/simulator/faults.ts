// Injected failures: per route (and optionally region) an error status with a probability,
// added latency, or a hang, each optionally limited to `times` requests. Randomness comes
// from a seeded generator so a given seed fails the same requests every run.
import { z } from 'zod';
import type { FaultRule, LostReply, SimulatorFaults } from './contract.ts';
import { readDataFile, SimulatorConfigError } from './data-file.ts';
import { LostReplySchema } from './lost-replies.ts';
import { checkWith } from './validation.ts';

export const FaultRuleSchema = z
  .strictObject({
    route: z.string().trim().min(1),
    region: z.string().trim().min(1).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    status: z.number().int().min(400).max(599).optional(),
    latencyMs: z.number().int().min(0).optional(),
    hang: z.boolean().optional(),
    times: z.number().int().min(1).optional(),
    loseReply: LostReplySchema.optional(),
  })
  .refine((r) => r.errorRate !== undefined || r.status !== undefined || r.latencyMs !== undefined || r.hang !== undefined || r.loseReply !== undefined, {
    message: 'needs at least one of status, errorRate, latencyMs, hang, loseReply',
  })
  .refine((r) => r.loseReply === undefined || (r.status === undefined && r.hang === undefined), {
    message: 'cannot be combined with status or hang (those answer without applying the request)',
    path: ['loseReply'],
  });

export const FaultsSchema = z.strictObject({ rules: z.array(FaultRuleSchema) });

/** Validates faults given in code, a file or over HTTP; `source` names where they came from. */
export function parseFaults(value: unknown, source: string): SimulatorFaults {
  const checked = checkWith(FaultsSchema, value);
  if (!checked.ok) throw new SimulatorConfigError(`${source}: ${checked.message}`);
  return checked.value;
}

export function loadFaults(faults: string | SimulatorFaults): SimulatorFaults {
  if (typeof faults === 'string') return parseFaults(readDataFile(faults, 'faults file'), `faults file ${faults}`);
  return parseFaults(faults, 'faults');
}

/** mulberry32: tiny, seedable, good enough for fault dice. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultTarget {
  method: string;
  /** Route pattern, e.g. "/v1/volumes/:volumeId" (undefined when no route matched). */
  route: string | undefined;
  path: string;
  region?: string;
}

export interface FaultDecision {
  latencyMs: number;
  hang: boolean;
  status?: number;
  /** Apply the request, then lose the reply this way. */
  loseReply?: LostReply;
}

/** Does `rule.route` ("*", "METHOD /path", "* /path", "/prefix*") cover this request? */
export function routeMatches(ruleRoute: string, target: FaultTarget): boolean {
  const spec = ruleRoute.trim();
  if (spec === '*') return true;
  const [method, pattern] = spec.includes(' ') ? (spec.split(/\s+/, 2) as [string, string]) : ['*', spec];
  if (method !== '*' && method.toUpperCase() !== target.method.toUpperCase()) return false;
  const candidates = [target.route, target.path].filter((c): c is string => c !== undefined);
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return candidates.some((c) => c.startsWith(prefix));
  }
  return candidates.includes(pattern);
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  set(faults: SimulatorFaults): void {
    this.rules = faults.rules.map((rule) => ({ rule: { ...rule }, remaining: rule.times ?? Infinity }));
  }

  /** The rules still in force, with `times` showing what is left. */
  current(): SimulatorFaults {
    return {
      rules: this.rules
        .filter((r) => r.remaining > 0)
        .map((r) => ({ ...r.rule, ...(Number.isFinite(r.remaining) ? { times: r.remaining } : {}) })),
    };
  }

  /** What to do to this request; undefined when no rule fires. Consumes `times`. */
  decide(target: FaultTarget): FaultDecision | undefined {
    let decision: FaultDecision | undefined;
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0 || !routeMatches(rule.route, target)) continue;
      if (rule.region && target.region && rule.region.toUpperCase() !== target.region) continue;
      if (rule.region && !target.region) continue;
      const isLoss = rule.loseReply !== undefined;
      const isError = !isLoss && (rule.status !== undefined || rule.errorRate !== undefined);
      if ((isError || isLoss) && this.random() >= (rule.errorRate ?? 1)) continue;
      active.remaining--;
      decision ??= { latencyMs: 0, hang: false };
      decision.latencyMs += rule.latencyMs ?? 0;
      if (rule.hang) decision.hang = true;
      if (isError) decision.status = rule.status ?? 500;
      if (isLoss) decision.loseReply ??= rule.loseReply;
      if (decision.hang || decision.status !== undefined) break;
    }
    return decision;
  }
}
