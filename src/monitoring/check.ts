// `nasorch check`: one Nagios/sanoid-style verdict from the records. Pure: the command reads
// open alerts, the last successful snapshot per volume and the replication samples, and this
// decides. OK 0, WARNING 1, CRITICAL 2 (UNKNOWN 3 is the command's: no database, bad config).
import type { Policy } from '../policy/policy.ts';
import { nextRun, previousRun } from '../schedule/slots.ts';
import { pauseState, type PauseState } from '../schedule/schedule-pauses.ts';
import type { SchedulePause } from '../db/prisma.ts';

export type CheckStatus = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';
export const CHECK_EXIT_CODES: Record<CheckStatus, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

export interface CheckProblem {
  severity: 'warning' | 'critical';
  kind: 'alert' | 'snapshot-overdue' | 'replication-lag';
  message: string;
  policy?: string | null;
  volume?: { id: string; name: string | null };
}

export interface CheckInput {
  now: Date;
  policies: readonly Policy[];
  openAlerts: readonly { key: string; severity: string; message: string; policy: string | null; volumeId: string | null; volumeName: string | null }[];
  /** Per policy and volume that ever had a snapshot run. */
  snapshotRuns: readonly { policy: string; volumeId: string; volumeName: string | null; lastSuccessAt: Date | null; firstRunAt: Date }[];
  /** The newest replication sample per policy and volume. */
  mirrorSamples: readonly { policy: string; volumeId: string; lastSuccessTransferEndTime: Date | null; sampledAt: Date }[];
  pauses: readonly SchedulePause[];
  /** Volume id → name, for samples (which carry no name). */
  volumeNames?: ReadonlyMap<string, string>;
}

export interface CheckResult {
  status: CheckStatus;
  exitCode: number;
  summary: string;
  problems: CheckProblem[];
  checked: { policies: number; volumes: number; paused: number; openAlerts: number };
}

/** Overdue at 2× the schedule's interval (WARNING), CRITICAL at 4×. */
export const OVERDUE_WARNING_FACTOR = 2;
export const OVERDUE_CRITICAL_FACTOR = 4;

/** The longest gap between consecutive slots around `now` (cron schedules need not be even). */
export function scheduleIntervalMs(pattern: string, timeZone: string, now: Date): number {
  const slots = [previousRun(pattern, timeZone, previousRun(pattern, timeZone, now)), previousRun(pattern, timeZone, now)];
  while (slots.length < 5) slots.push(nextRun(pattern, timeZone, slots[slots.length - 1]!));
  let longest = 0;
  for (let i = 1; i < slots.length; i++) longest = Math.max(longest, slots[i]!.getTime() - slots[i - 1]!.getTime());
  return longest;
}

export function evaluateCheck(input: CheckInput): CheckResult {
  const { now } = input;
  const problems: CheckProblem[] = [];
  for (const alert of input.openAlerts) {
    problems.push({
      severity: alert.severity === 'critical' ? 'critical' : 'warning',
      kind: 'alert',
      message: `${alert.severity} alert ${alert.key}: ${alert.message}`,
      policy: alert.policy,
      ...(alert.volumeId ? { volume: { id: alert.volumeId, name: alert.volumeName } } : {}),
    });
  }

  const volumes = new Set<string>();
  let paused = 0;
  const isPaused = (policy: Policy, volumeId: string): PauseState => pauseState(policy, volumeId, input.pauses, now);
  for (const policy of input.policies) {
    if (policy.snapshot) {
      const interval = scheduleIntervalMs(policy.snapshot.schedule, policy.timezone, now);
      for (const run of input.snapshotRuns.filter((r) => r.policy === policy.name)) {
        volumes.add(run.volumeId);
        if (isPaused(policy, run.volumeId).paused) {
          paused++;
          continue;
        }
        const since = run.lastSuccessAt ?? run.firstRunAt;
        const age = now.getTime() - since.getTime();
        const factor = age / interval;
        if (factor <= OVERDUE_WARNING_FACTOR) continue;
        const name = run.volumeName ?? run.volumeId;
        const last = run.lastSuccessAt ? `last successful snapshot ${formatAge(age)} ago` : `no successful snapshot in ${formatAge(age)}`;
        problems.push({
          severity: factor > OVERDUE_CRITICAL_FACTOR ? 'critical' : 'warning',
          kind: 'snapshot-overdue',
          message: `snapshot of ${name} overdue (policy ${policy.name}): ${last}, schedule every ${formatAge(interval)}`,
          policy: policy.name,
          volume: { id: run.volumeId, name: run.volumeName },
        });
      }
    }
    const rpo = policy.replication?.rpo;
    if (rpo) {
      for (const sample of input.mirrorSamples.filter((s) => s.policy === policy.name)) {
        volumes.add(sample.volumeId);
        if (isPaused(policy, sample.volumeId).paused) continue;
        const lagMs = now.getTime() - (sample.lastSuccessTransferEndTime ?? sample.sampledAt).getTime();
        if (sample.lastSuccessTransferEndTime && lagMs <= rpo.ms) continue;
        const name = input.volumeNames?.get(sample.volumeId) ?? sample.volumeId;
        problems.push({
          severity: 'critical',
          kind: 'replication-lag',
          message: sample.lastSuccessTransferEndTime
            ? `replication of ${name} is ${formatAge(lagMs)} behind, over its RPO of ${formatAge(rpo.ms)} (policy ${policy.name})`
            : `replication of ${name} has no successful transfer (policy ${policy.name}, RPO ${formatAge(rpo.ms)})`,
          policy: policy.name,
          volume: { id: sample.volumeId, name: input.volumeNames?.get(sample.volumeId) ?? null },
        });
      }
    }
  }

  const status: CheckStatus = problems.some((p) => p.severity === 'critical') ? 'CRITICAL' : problems.length > 0 ? 'WARNING' : 'OK';
  const checked = { policies: input.policies.length, volumes: volumes.size, paused, openAlerts: input.openAlerts.length };
  return { status, exitCode: CHECK_EXIT_CODES[status], summary: summarise(status, problems, checked), problems, checked };
}

function summarise(status: CheckStatus, problems: CheckProblem[], checked: CheckResult['checked']): string {
  const pausedNote = checked.paused > 0 ? `, ${checked.paused} paused` : '';
  if (problems.length === 0) return `NASORCH OK - ${checked.policies} policies, ${checked.volumes} volumes${pausedNote}, no open alerts`;
  // Critical first; one line however many there are.
  const ordered = [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  const shown = ordered.slice(0, 3).map((p) => p.message);
  const more = ordered.length > 3 ? ` (+${ordered.length - 3} more)` : '';
  return `NASORCH ${status} - ${shown.join('; ')}${more}`.replace(/\s*\n\s*/g, ' ');
}

/** 93784000 → "1d2h"; 5400000 → "1h30m"; 90000 → "1m30s". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d${h > 0 ? `${h}h` : ''}`;
  if (h > 0) return `${h}h${m > 0 ? `${m}m` : ''}`;
  if (m > 0) return `${m}m${sec > 0 ? `${sec}s` : ''}`;
  return `${sec}s`;
}
