// Schedule pauses: `spec.suspend: true` in a policy, or a row written by `nasorch pause`
// (stored in PostgreSQL so every daemon of the cluster honours it). A paused scheduled slot
// is recorded as a skipped run with the reason; manual runs (`nasorch run`) still run.
import type { PrismaClient, SchedulePause } from '../db/prisma.ts';
import type { Policy } from '../policy/policy.ts';

/** volumeId of a pause that covers every volume of the policy. */
export const ALL_VOLUMES = '*';

export interface PauseRequest {
  policy: string;
  /** Absent: every volume of the policy. */
  volumeId?: string;
  until?: Date;
  reason?: string;
  /** Who paused it (user@host), for `plan` and the skipped runs. */
  by?: string;
}

export async function pauseSchedule(prisma: PrismaClient, request: PauseRequest): Promise<SchedulePause> {
  const volumeId = request.volumeId?.toLowerCase() ?? ALL_VOLUMES;
  const data = { until: request.until ?? null, reason: request.reason ?? null, createdBy: request.by ?? null, createdAt: new Date() };
  return prisma.schedulePause.upsert({
    where: { policy_volumeId: { policy: request.policy, volumeId } },
    create: { policy: request.policy, volumeId, ...data },
    update: data,
  });
}

/** Removes the pause of the policy (every pause of it when no volume is given); returns how many. */
export async function resumeSchedule(prisma: PrismaClient, policy: string, volumeId?: string): Promise<number> {
  const { count } = await prisma.schedulePause.deleteMany({ where: { policy, ...(volumeId ? { volumeId: volumeId.toLowerCase() } : {}) } });
  return count;
}

/** The pauses in force at `now` (expired ones are left out). For plan, the status page and metrics. */
export async function listPauses(prisma: PrismaClient, now: Date = new Date()): Promise<SchedulePause[]> {
  return prisma.schedulePause.findMany({
    where: { OR: [{ until: null }, { until: { gt: now } }] },
    orderBy: [{ policy: 'asc' }, { volumeId: 'asc' }],
  });
}

export type PauseState = { paused: false } | { paused: true; reason: string; until: Date | null; source: 'spec.suspend' | 'nasorch pause' };

/** Why a slot of this policy and volume does not run at `now`, if it does not. Pure. */
export function pauseState(policy: Pick<Policy, 'name' | 'suspend'>, volumeId: string, pauses: readonly SchedulePause[], now: Date): PauseState {
  if (policy.suspend) return { paused: true, reason: `policy ${policy.name} is suspended (spec.suspend: true)`, until: null, source: 'spec.suspend' };
  const active = pauses.filter(
    (p) => p.policy === policy.name && (p.volumeId === ALL_VOLUMES || p.volumeId === volumeId.toLowerCase()) && (p.until === null || p.until > now),
  );
  // A policy-wide pause wins over a volume's: it is the broader decision.
  const pause = active.find((p) => p.volumeId === ALL_VOLUMES) ?? active[0];
  if (!pause) return { paused: false };
  return { paused: true, reason: describePause(pause), until: pause.until, source: 'nasorch pause' };
}

export function describePause(pause: SchedulePause): string {
  const what = pause.volumeId === ALL_VOLUMES ? `policy ${pause.policy}` : `volume ${pause.volumeId} of policy ${pause.policy}`;
  const until = pause.until ? ` until ${pause.until.toISOString()}` : '';
  const by = pause.createdBy ? ` by ${pause.createdBy}` : '';
  const reason = pause.reason ? `: ${pause.reason}` : '';
  return `${what} is paused${until} (nasorch pause${by})${reason}`;
}

/** The pause state of one policy/volume read from the database. */
export async function readPauseState(prisma: PrismaClient, policy: Pick<Policy, 'name' | 'suspend'>, volumeId: string, now: Date): Promise<PauseState> {
  if (policy.suspend) return pauseState(policy, volumeId, [], now);
  const pauses = await prisma.schedulePause.findMany({ where: { policy: policy.name, volumeId: { in: [ALL_VOLUMES, volumeId.toLowerCase()] } } });
  return pauseState(policy, volumeId, pauses, now);
}
