// From a validated policy document to the Policy the rest of nasorch uses: defaults that depend
// on other values (prefix, region) applied, names canonicalised, durations parsed.
import { fixedDurationMs, parseDuration, type CalendarDuration } from './duration.ts';
import type { Policy, PolicySource, RetentionRules } from './policy.ts';
import { defaultSnapshotPrefix, type PolicyDocument } from './policy-schema.ts';
import { canonicalTimeZone } from './time-zone.ts';

export interface NormaliseOptions {
  /** Region of policies that do not name one (the NHN_REGION setting). */
  defaultRegion: string;
}

/** `document` must have passed PolicyDocumentSchema; the parsing below cannot fail then. */
export function normalisePolicy(document: PolicyDocument, source: PolicySource, options: NormaliseOptions): Policy {
  const { metadata, spec } = document;
  const policy: Policy = {
    name: metadata.name,
    ...(metadata.description !== undefined ? { description: metadata.description } : {}),
    region: (spec.region ?? options.defaultRegion).trim().toUpperCase(),
    timezone: canonicalTimeZone(spec.timezone) ?? spec.timezone,
    volumes: {
      names: spec.volumes.names ?? [],
      nameContains: spec.volumes.nameContains === undefined ? [] : [spec.volumes.nameContains].flat(),
      ids: (spec.volumes.ids ?? []).map((id) => id.toLowerCase()),
    },
    ...(spec.suspend === true ? { suspend: true as const } : {}),
    source,
  };

  if (spec.snapshot) {
    const { retention } = spec.snapshot;
    const rules: RetentionRules = {
      keepLast: retention.keepLast ?? 0,
      keepHourly: retention.keepHourly ?? 0,
      keepDaily: retention.keepDaily ?? 0,
      keepWeekly: retention.keepWeekly ?? 0,
      keepMonthly: retention.keepMonthly ?? 0,
      keepYearly: retention.keepYearly ?? 0,
    };
    if (retention.keepWithin !== undefined) rules.keepWithin = validDuration(retention.keepWithin);
    policy.snapshot = {
      schedule: spec.snapshot.schedule.trim(),
      prefix: spec.snapshot.prefix ?? defaultSnapshotPrefix(metadata.name),
      prune: spec.snapshot.prune,
      retention: rules,
      maxDeletionsPerRun: spec.snapshot.maxDeletionsPerRun,
    };
  }

  if (spec.replication) {
    const { mirror, window, rpo, statSchedule } = spec.replication;
    policy.replication = {
      mirror: mirror === 'auto' ? 'auto' : { id: mirror.toLowerCase() },
      statSchedule: statSchedule.trim(),
    };
    if (window) policy.replication.window = { start: window.start.trim(), stop: window.stop.trim() };
    if (rpo !== undefined) {
      const duration = validDuration(rpo);
      policy.replication.rpo = { duration, ms: fixedDurationMs(duration) };
    }
  }

  if (spec.usage) {
    policy.usage = {
      schedule: spec.usage.schedule.trim(),
      warnPercent: spec.usage.warnPercent,
      criticalPercent: spec.usage.criticalPercent,
    };
  }
  return policy;
}

function validDuration(text: string): CalendarDuration {
  const parsed = parseDuration(text);
  if ('error' in parsed) throw new Error(`BUG: duration "${text}" passed validation but does not parse: ${parsed.error}`);
  return parsed;
}
