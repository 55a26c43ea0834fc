// Which of a volume's snapshots to keep and which to delete: restic's ApplyPolicy
// (internal/data/snapshot_policy.go) applied to NAS snapshots. Pure: no clock, no I/O.
//
// 1. Candidates are the snapshots nasorch owns: type NORMAL, not preserved, name starting with
//    the policy's prefix, readable createdAt. Everything else is "ignored": never deleted, and
//    never counted by any rule (a SCHEDULED snapshot does not fill a daily slot).
// 2. Candidates are ordered newest first (createdAt; ties by name, then id, both descending, so
//    the order is total and the same on every run).
// 3. Walking that order, each rule decides on its own:
//    - keepLast n: the n newest.
//    - keepHourly/Daily/Weekly/Monthly/Yearly n: a snapshot whose period (wall-clock hour, day,
//      ISO week, month, year in the policy's time zone) differs from the period of the snapshot
//      this same rule kept before, until the rule has kept n. Rules do not share their "previous".
//    - keepWithin d: every snapshot strictly newer than (newest candidate − d), see
//      minusCalendarDuration for the calendar arithmetic.
//    A snapshot is kept when any rule keeps it. The newest candidate is always kept.
//    Unlike restic there is no "keep the oldest while a rule has counts left" extra.
// 4. A policy that cannot be applied — empty prefix, unknown zone, a bad or unknown rule, or
//    rules that keep nothing (read literally: delete all but the newest) — is refused with a
//    RetentionInputError instead of being guessed at.
//
// Periods are wall-clock labels: on a fall-back day the repeated hour (01:00–01:59 twice in
// New York) is one hourly period, as in restic, which reads the hour from each time's own offset.

import { formatDuration, type CalendarDuration } from '../policy/duration.ts';
import { isoWeek, isValidTimeZone, minusCalendarDuration, wallClock, type LocalDateTime } from './calendar.ts';
import { parseTimestamp } from './timestamp.ts';
import {
  RETENTION_RULE_NAMES,
  type DeletedSnapshot,
  type IgnoredSnapshot,
  type KeptSnapshot,
  type RetentionPlan,
  type RetentionPolicy,
  type RetentionRules,
  type RetentionSnapshot,
} from './types.ts';

/** A policy that cannot be applied (bad rule value, unknown zone, empty prefix). */
export class RetentionInputError extends Error {
  override name = 'RetentionInputError';
}

/**
 * The reasons a kept snapshot carries, in this order when several apply:
 * `within <d>` (withinReason), then last, hourly, daily, weekly, monthly, yearly.
 * `newest snapshot` appears alone, on the newest candidate when no rule kept it.
 * These strings are shown to operators and may be matched on; change them deliberately.
 */
export const KEEP_REASON = {
  last: 'last snapshot',
  hourly: 'hourly snapshot',
  daily: 'daily snapshot',
  weekly: 'weekly snapshot',
  monthly: 'monthly snapshot',
  yearly: 'yearly snapshot',
  newest: 'newest snapshot',
} as const;

/** Reason of keepWithin, e.g. "within 2d" or "within 1y6m". */
export function withinReason(duration: CalendarDuration): string {
  return `within ${formatDuration(duration)}`;
}

type PeriodRuleName = 'keepHourly' | 'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly';

interface PeriodRule {
  rule: PeriodRuleName;
  reason: string;
  period: (t: LocalDateTime) => number;
}

// Order matters: it is the order of reasons on a kept snapshot (as in restic). Period keys are
// numbers (no string per snapshot): equal keys mean the same wall-clock period.
const PERIOD_RULES: readonly PeriodRule[] = [
  { rule: 'keepHourly', reason: KEEP_REASON.hourly, period: (t) => ((t.year * 100 + t.month) * 100 + t.day) * 100 + t.hour },
  { rule: 'keepDaily', reason: KEEP_REASON.daily, period: (t) => (t.year * 100 + t.month) * 100 + t.day },
  {
    rule: 'keepWeekly',
    reason: KEEP_REASON.weekly,
    period: (t) => {
      const { weekYear, week } = isoWeek(t);
      return weekYear * 100 + week;
    },
  },
  { rule: 'keepMonthly', reason: KEEP_REASON.monthly, period: (t) => t.year * 100 + t.month },
  { rule: 'keepYearly', reason: KEEP_REASON.yearly, period: (t) => t.year },
];

interface Dated<S> {
  snapshot: S;
  instant: number;
}

/**
 * Splits a volume's snapshots into keep / delete / ignored under `policy`.
 * `snapshots` is not modified; the plan holds the same objects. Throws RetentionInputError
 * when the policy itself is unusable (the message names the field; callers add the volume).
 */
export function applyRetention<S extends RetentionSnapshot>(
  snapshots: readonly S[],
  policy: RetentionPolicy,
): RetentionPlan<S> {
  const rules = checkPolicy(policy);
  const { candidates, ignored } = splitCandidates(snapshots, policy.prefix);
  candidates.sort(newestFirst);

  const keep: KeptSnapshot<S>[] = [];
  const toDelete: DeletedSnapshot<S>[] = [];
  const newest = candidates[0];
  if (!newest) return { keep, delete: toDelete, ignored };

  const within = rules.keepWithin;
  const withinCutoff = within ? minusCalendarDuration(newest.instant, within, policy.timeZone) : undefined;
  const lastCount = rules.keepLast ?? 0;
  const periodRules = PERIOD_RULES.filter((r) => (rules[r.rule] ?? 0) > 0).map((r) => ({
    ...r,
    remaining: rules[r.rule]!,
    previousPeriod: undefined as number | undefined,
  }));

  const wallTimeOf = wallClock(policy.timeZone);
  // Once every period rule has kept its count, no wall time is needed any more.
  let periodsOpen = periodRules.length;

  candidates.forEach(({ snapshot, instant }, position) => {
    const reasons: string[] = [];
    if (within && withinCutoff !== undefined && instant > withinCutoff) reasons.push(withinReason(within));
    if (position < lastCount) reasons.push(KEEP_REASON.last);
    if (periodsOpen > 0) {
      const wallTime = wallTimeOf(instant);
      for (const rule of periodRules) {
        if (rule.remaining === 0) continue;
        const period = rule.period(wallTime);
        if (period !== rule.previousPeriod) {
          rule.previousPeriod = period;
          rule.remaining -= 1;
          if (rule.remaining === 0) periodsOpen -= 1;
          reasons.push(rule.reason);
        }
      }
    }
    if (position === 0 && reasons.length === 0) reasons.push(KEEP_REASON.newest);
    if (reasons.length > 0) keep.push({ snapshot, reasons });
    else toDelete.push({ snapshot });
  });
  return { keep, delete: toDelete, ignored };
}

/** plan.delete oldest first: the order to delete in when a run may only delete some. */
export function deletionsOldestFirst<S extends RetentionSnapshot>(plan: RetentionPlan<S>): DeletedSnapshot<S>[] {
  return [...plan.delete].reverse();
}

/** Newest first; equal times by name then id, both descending (plain code-unit order). */
function newestFirst<S extends RetentionSnapshot>(a: Dated<S>, b: Dated<S>): number {
  return (
    b.instant - a.instant ||
    descending(a.snapshot.name, b.snapshot.name) ||
    descending(a.snapshot.id, b.snapshot.id)
  );
}

function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

const NOT_OURS_BY_TYPE: Record<string, string> = {
  SCHEDULED: 'type SCHEDULED (made by the NAS schedule)',
  MIRROR: 'type MIRROR (made by replication)',
};

function splitCandidates<S extends RetentionSnapshot>(
  snapshots: readonly S[],
  prefix: string,
): { candidates: Dated<S>[]; ignored: IgnoredSnapshot<S>[] } {
  const candidates: Dated<S>[] = [];
  const ignoredDated: (Dated<S> & { why: string })[] = [];
  const ignoredUndated: IgnoredSnapshot<S>[] = [];
  const seenIds = new Set<string>();
  for (const snapshot of snapshots) {
    const instant = parseTimestamp(snapshot.createdAt);
    // The common case first, without building reasons: an owned snapshot listed once.
    if (
      instant !== undefined &&
      snapshot.type === 'NORMAL' &&
      !snapshot.preserved &&
      snapshot.name.startsWith(prefix) &&
      seenIds.size !== seenIds.add(snapshot.id).size
    ) {
      candidates.push({ snapshot, instant });
      continue;
    }
    const why: string[] = [];
    // A list that names one snapshot twice (e.g. pages overlapping) must not yield both
    // "keep" and "delete" for that id: only its first entry takes part.
    if (seenIds.size === seenIds.add(snapshot.id).size) why.push('id listed more than once (only its first entry counts)');
    // Only the documented NORMAL type is a candidate: an undocumented one is never pruned.
    if (snapshot.type !== 'NORMAL') why.push(NOT_OURS_BY_TYPE[snapshot.type] ?? `type ${JSON.stringify(snapshot.type)} (not documented, never pruned)`);
    if (snapshot.preserved) why.push('preserved (the NAS keeps it undeletable)');
    if (!snapshot.name.startsWith(prefix)) why.push(`name does not start with "${prefix}"`);
    if (instant === undefined) {
      why.push(`createdAt ${JSON.stringify(snapshot.createdAt)} is not an ISO-8601 time with offset`);
      ignoredUndated.push({ snapshot, why: why.join('; ') });
    } else if (why.length > 0) {
      ignoredDated.push({ snapshot, instant, why: why.join('; ') });
    } else {
      candidates.push({ snapshot, instant });
    }
  }
  ignoredDated.sort(newestFirst);
  const ignored = [...ignoredDated.map(({ snapshot, why }) => ({ snapshot, why })), ...ignoredUndated];
  return { candidates, ignored };
}

/** Validates the policy and returns its rules; see RetentionInputError. */
function checkPolicy(policy: RetentionPolicy): RetentionRules {
  if (typeof policy.prefix !== 'string' || policy.prefix === '') {
    // Without a prefix every manual NORMAL snapshot would be a candidate: nasorch would prune
    // snapshots it did not make.
    throw new RetentionInputError('retention prefix must not be empty (it marks the snapshots nasorch owns)');
  }
  if (typeof policy.timeZone !== 'string' || !isValidTimeZone(policy.timeZone)) {
    throw new RetentionInputError(
      `retention timeZone ${JSON.stringify(policy.timeZone)} is not a known IANA time zone (e.g. "Asia/Seoul", "UTC")`,
    );
  }
  const rules: unknown = policy.rules;
  if (typeof rules !== 'object' || rules === null) {
    throw new RetentionInputError('retention rules must be an object such as { keepDaily: 7 }');
  }
  const known: readonly string[] = RETENTION_RULE_NAMES;
  for (const key of Object.keys(rules)) {
    if (!known.includes(key)) {
      throw new RetentionInputError(`unknown retention rule "${key}" (known: ${RETENTION_RULE_NAMES.join(', ')})`);
    }
  }
  const checked = rules as RetentionRules;
  for (const name of RETENTION_RULE_NAMES) {
    if (name === 'keepWithin') continue;
    const value = checked[name];
    if (value !== undefined && !isCount(value)) {
      throw new RetentionInputError(`retention rule ${name} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
    }
  }
  const within = checked.keepWithin;
  if (within !== undefined) {
    const parts = ['years', 'months', 'days', 'hours'] as const;
    if (typeof within !== 'object' || within === null || !parts.every((p) => isCount(within[p]))) {
      throw new RetentionInputError(
        `retention rule keepWithin must be a duration { years, months, days, hours } of whole numbers ≥ 0, got ${JSON.stringify(within)}`,
      );
    }
  }
  const withinIsZero = !within || within.years + within.months + within.days + within.hours === 0;
  const hasCount = RETENTION_RULE_NAMES.some((name) => name !== 'keepWithin' && (checked[name] ?? 0) > 0);
  if (!hasCount && withinIsZero) {
    // Read literally such a policy deletes all but the newest snapshot; far likelier a mistake.
    throw new RetentionInputError(
      'retention rules keep nothing: set at least one of keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin',
    );
  }
  return withinIsZero ? { ...checked, keepWithin: undefined } : checked;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
