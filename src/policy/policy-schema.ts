// The policy file format (apiVersion nasorch/v1, kind Policy) as a zod schema. It is the single
// source of truth for validation and for the JSON Schema shipped for editors (json-schema.ts),
// so descriptions written here are what users see in their editor.
//
// Objects are strict: an unknown key is an error, because a typo ("keepDialy", "prnue") must not
// silently disable a safety rule. Cross-field rules run even when a sibling field is invalid
// (`when: isObject`), so one pass reports every problem.
import { z } from 'zod';
import { cronPatternProblem } from './cron-pattern.ts';
import { parseDuration } from './duration.ts';
import { canonicalTimeZone } from './time-zone.ts';

export const POLICY_API_VERSION = 'nasorch/v1';
export const POLICY_KIND = 'Policy';

export const POLICY_DEFAULTS = {
  timezone: 'UTC',
  prune: true,
  maxDeletionsPerRun: 10,
  mirror: 'auto',
  statSchedule: '*/10 * * * *',
  usageSchedule: '*/15 * * * *',
  warnPercent: 80,
  criticalPercent: 90,
} as const;

/** Snapshot names nasorch creates start with this unless the policy sets `snapshot.prefix`. */
export function defaultSnapshotPrefix(policyName: string): string {
  return `nasorch-${policyName}-`;
}

// DNS label: it goes into job ids, metric labels and snapshot names.
export const POLICY_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PREFIX_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const REGION_PATTERN = /^[A-Za-z]{2,3}[0-9]{1,2}$/;
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID_PATTERN = new RegExp(`^${UUID}$`);
const MIRROR_PATTERN = new RegExp(`^(auto|${UUID})$`);
const DURATION_PATTERN = '^([0-9]+[ymdh])+$';
const FIXED_DURATION_PATTERN = '^([0-9]+[dh])+$';

/** How a YAML value reads in a message: strings quoted, containers named. */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** An error message "expected <what>, got <value>" (the value part only when there is one). */
export function expected(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `expected ${what}` : `expected ${what}, got ${describeValue(issue.input)}`;
}

const isObject = (payload: { value: unknown }) =>
  typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value);
const runOnObjects = { when: isObject };

// ---- building blocks -------------------------------------------------------------------------

export function text(what: string) {
  return z.string({ error: expected(what) });
}

function cronPattern(description: string) {
  return text('a cron pattern in quotes, e.g. "0 */4 * * *"')
    .superRefine((value, ctx) => {
      const problem = cronPatternProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
    })
    .meta({
      description: `${description} Cron pattern with 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, evaluated in spec.timezone. Quote it: a leading * is YAML syntax.`,
      examples: ['0 */4 * * *', '*/30 * * * * *'],
    });
}

function calendarDuration(description: string) {
  return text('a duration such as 36h, 2d or 1y6m')
    .superRefine((value, ctx) => {
      const parsed = parseDuration(value);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error, input: value });
    })
    .meta({
      description: `${description} Units: y (years), m (months), d (days), h (hours), e.g. 36h, 2d, 1y6m.`,
      pattern: DURATION_PATTERN,
      examples: ['2d', '36h', '1y6m'],
    });
}

export function fixedDuration(description: string) {
  return text('a duration in hours or days such as 6h or 1d')
    .superRefine((value, ctx) => {
      const parsed = parseDuration(value);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error, input: value });
      else if (parsed.years > 0 || parsed.months > 0) {
        // "30m" would read as 30 minutes to many people, but m means months here.
        ctx.addIssue({
          code: 'custom',
          message: `expected hours or days (e.g. 6h, 1d) — "${value}" uses y or m, and m means months`,
          input: value,
        });
      }
    })
    .meta({
      description: `${description} Units: d (days) and h (hours), e.g. 6h, 1d12h.`,
      pattern: FIXED_DURATION_PATTERN,
      examples: ['6h', '1d'],
    });
}

export function nonEmptyText(what: string) {
  return text(what).min(1, { error: expected(`a non-empty ${what.replace(/^an? /, '')}`) });
}

function nonNegativeInteger(description: string) {
  const message = expected('a non-negative integer');
  return z.int({ error: message }).min(0, { error: message }).meta({ description });
}

function positiveInteger(description: string) {
  const message = expected('a positive integer');
  return z.int({ error: message }).min(1, { error: message }).meta({ description });
}

function percent(description: string) {
  const message = expected('a percentage from 1 to 100');
  return z.number({ error: message }).min(1, { error: message }).max(100, { error: message }).meta({ description });
}

// ---- sections --------------------------------------------------------------------------------

export const VolumeSelectorSchema = z
  .strictObject(
    {
      names: z
        .array(nonEmptyText('a volume name'), { error: expected('a list of volume names') })
        .optional()
        .meta({ description: 'Exact volume names.', examples: [['prod-db']] }),
      nameContains: z
        .union([nonEmptyText('a text'), z.array(nonEmptyText('a text'))], { error: expected('a text or a list of texts') })
        .optional()
        .meta({
          description: 'Selects volumes whose name contains this text (or any of these texts); case-sensitive.',
          examples: ['prod-'],
        }),
      ids: z
        .array(text('a volume id').regex(UUID_PATTERN, { error: expected('a volume id (UUID)') }), {
          error: expected('a list of volume ids'),
        })
        .optional()
        .meta({ description: 'Volume ids (UUIDs).' }),
    },
    { error: expected('a mapping with names, nameContains and/or ids') },
  )
  .superRefine((selector, ctx) => {
    const isGiven = (criterion: unknown) => criterion !== undefined && !(Array.isArray(criterion) && criterion.length === 0);
    if (!Object.values(selector).some(isGiven)) ctx.addIssue({ code: 'custom', message: 'select volumes with at least one of names, nameContains or ids' });
  }, runOnObjects)
  .meta({
    description: 'Which volumes of the region the policy applies to. A volume is selected when it matches ANY of the criteria.',
    minProperties: 1,
  });

const RETENTION_RULES = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly', 'keepWithin'] as const;

const RetentionSchema = z
  .strictObject(
    {
      keepLast: nonNegativeInteger('Keep the newest N snapshots.').optional(),
      keepHourly: nonNegativeInteger('Keep the newest snapshot of each of the last N hours that have one.').optional(),
      keepDaily: nonNegativeInteger('Keep the newest snapshot of each of the last N days that have one.').optional(),
      keepWeekly: nonNegativeInteger('Keep the newest snapshot of each of the last N weeks that have one.').optional(),
      keepMonthly: nonNegativeInteger('Keep the newest snapshot of each of the last N months that have one.').optional(),
      keepYearly: nonNegativeInteger('Keep the newest snapshot of each of the last N years that have one.').optional(),
      keepWithin: calendarDuration('Keep every snapshot younger than this.').optional(),
    },
    { error: expected('a mapping of retention rules') },
  )
  .superRefine((rules, ctx) => {
    // An invalid value still counts as "a rule was meant": its own error says what is wrong.
    const hasRule = Object.values(rules).some((value) => value !== undefined && value !== 0);
    if (!hasRule) {
      ctx.addIssue({ code: 'custom', message: `needs at least one rule with a positive value (${RETENTION_RULES.join(', ')})` });
    }
  }, runOnObjects)
  .meta({
    description:
      'Which snapshots with the policy prefix to keep (restic-style: a snapshot is kept when ANY rule keeps it; ' +
      'periods are calendar periods in spec.timezone). At least one rule with a positive value.',
    minProperties: 1,
  });

const SnapshotSchema = z
  .strictObject(
    {
      schedule: cronPattern('When to take a snapshot of each selected volume.'),
      prefix: text('a snapshot name prefix')
        .regex(PREFIX_PATTERN, {
          error: expected("a non-empty prefix of letters, digits, '-', '_' and '.' (at most 128 characters)"),
        })
        .optional()
        .meta({
          description:
            'Start of the names of the snapshots this policy creates; ONLY snapshots whose name starts with it are ever ' +
            'pruned, which protects every other snapshot. Default: "nasorch-<metadata.name>-".',
          examples: ['nasorch-prod-daily-'],
        }),
      prune: z
        .boolean({ error: expected('true or false') })
        .default(POLICY_DEFAULTS.prune)
        .meta({ description: 'Prune (apply retention) after each snapshot. Default: true.' }),
      retention: RetentionSchema,
      maxDeletionsPerRun: positiveInteger(
        'Deletion budget: if one prune run would delete more snapshots than this, it deletes nothing and raises an alert. ' +
          `Default: ${POLICY_DEFAULTS.maxDeletionsPerRun}.`,
      ).default(POLICY_DEFAULTS.maxDeletionsPerRun),
    },
    { error: expected('a mapping with schedule and retention') },
  )
  .meta({ description: 'Scheduled snapshots and pruning.' });

const ReplicationWindowSchema = z
  .strictObject(
    {
      start: cronPattern('When replication is started.'),
      stop: cronPattern('When replication is stopped.'),
    },
    { error: expected('a mapping with start and stop') },
  )
  .superRefine((window, ctx) => {
    if (typeof window.start === 'string' && window.start.trim() === window.stop?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['stop'], message: 'the window stops at the moment it starts: use different patterns' });
    }
  }, runOnObjects)
  .meta({
    description: 'Run replication only inside this window (started at `start`, stopped at `stop`). Without it replication runs continuously.',
  });

const ReplicationSchema = z
  .strictObject(
    {
      mirror: text('"auto" or a mirror id')
        .regex(MIRROR_PATTERN, { error: expected('"auto" or a mirror id (UUID)') })
        .default(POLICY_DEFAULTS.mirror)
        .meta({
          description:
            'Which replication (volume mirror) to watch: "auto" = for each volume, its only mirror, whatever its role ' +
            '(several mirrors: an error, choose by id); or one mirror id. Jobs act on the pair\'s current writer. Default: "auto".',
        }),
      window: ReplicationWindowSchema.optional(),
      rpo: fixedDuration(
        'Recovery point objective: alert when now − lastSuccessTransferEndTime exceeds it. No RPO alert when absent.',
      ).optional(),
      statSchedule: cronPattern(`When to poll the replication status. Default: "${POLICY_DEFAULTS.statSchedule}".`).default(
        POLICY_DEFAULTS.statSchedule,
      ),
    },
    { error: expected('a mapping (use {} for all defaults)') },
  )
  .meta({ description: 'Cross-region replication monitoring (and its optional window).' });

const UsageSchema = z
  .strictObject(
    {
      schedule: cronPattern(`When to poll volume usage. Default: "${POLICY_DEFAULTS.usageSchedule}".`).default(
        POLICY_DEFAULTS.usageSchedule,
      ),
      warnPercent: percent(
        `Warn when usage reaches this percentage of the volume size (1..100, below criticalPercent). Default: ${POLICY_DEFAULTS.warnPercent}.`,
      ).default(POLICY_DEFAULTS.warnPercent),
      criticalPercent: percent(
        `Critical alert at this percentage of the volume size (1..100). Default: ${POLICY_DEFAULTS.criticalPercent}.`,
      ).default(POLICY_DEFAULTS.criticalPercent),
    },
    { error: expected('a mapping (use {} for all defaults)') },
  )
  .superRefine((usage, ctx) => {
    const { warnPercent: warn, criticalPercent: critical } = usage;
    if (typeof warn === 'number' && typeof critical === 'number' && warn >= critical) {
      const message = `warnPercent (${warn}) must be lower than criticalPercent (${critical})`;
      ctx.addIssue({ code: 'custom', path: ['warnPercent'], message });
    }
  }, runOnObjects)
  .meta({ description: 'Volume usage polling and alerts.' });

const SECTIONS = ['snapshot', 'replication', 'usage'] as const;

const SpecSchema = z
  .strictObject(
    {
      region: text('a region such as KR1')
        .regex(REGION_PATTERN, { error: expected('a region such as KR1') })
        .optional()
        .meta({
          description: 'NHN Cloud region of the volumes (case-insensitive). Default: the NHN_REGION setting.',
          examples: ['KR1', 'KR2'],
        }),
      timezone: text('an IANA time zone such as Asia/Seoul')
        .superRefine((value, ctx) => {
          if (!canonicalTimeZone(value)) {
            const message = `unknown time zone "${value}": expected an IANA name such as Asia/Seoul or UTC`;
            ctx.addIssue({ code: 'custom', message, input: value });
          }
        })
        .default(POLICY_DEFAULTS.timezone)
        .meta({
          description: 'IANA time zone in which schedules AND retention periods are evaluated. Default: "UTC".',
          examples: ['Asia/Seoul', 'UTC'],
        }),
      suspend: z
        .boolean({ error: expected('true or false') })
        .optional()
        .meta({
          description:
            'Pause every schedule of this policy (scheduled slots are recorded as skipped runs). `nasorch pause` does the same without editing files. Default: false.',
        }),
      volumes: VolumeSelectorSchema,
      snapshot: SnapshotSchema.optional(),
      replication: ReplicationSchema.optional(),
      usage: UsageSchema.optional(),
    },
    { error: expected('a mapping') },
  )
  .superRefine((spec, ctx) => {
    if (!SECTIONS.some((section) => section in spec)) {
      ctx.addIssue({ code: 'custom', message: `a policy needs at least one of ${SECTIONS.join(', ')}` });
    }
  }, runOnObjects)
  .meta({
    description: 'What the policy does. At least one of snapshot, replication and usage.',
    anyOf: SECTIONS.map((section) => ({ required: [section] })),
  });

const MetadataSchema = z
  .strictObject(
    {
      name: text('a policy name')
        .regex(POLICY_NAME_PATTERN, {
          error: expected("a name of lowercase letters, digits and '-' (at most 63, starting and ending with a letter or digit)"),
        })
        .meta({
          description: 'Unique across the policy directory. Lowercase letters, digits and "-" (it goes into job ids and snapshot names).',
          examples: ['prod-daily'],
        }),
      description: text('a text').optional().meta({ description: 'Free text for humans.' }),
    },
    { error: expected('a mapping with name') },
  );

const NOT_A_POLICY = expected('a policy (a mapping with apiVersion, kind, metadata and spec)');

export const PolicyDocumentSchema = z
  .strictObject(
    {
      apiVersion: z.literal(POLICY_API_VERSION, { error: expected(`"${POLICY_API_VERSION}"`) }),
      kind: z.literal(POLICY_KIND, { error: expected(`"${POLICY_KIND}"`) }),
      metadata: MetadataSchema,
      spec: SpecSchema,
    },
    { error: NOT_A_POLICY },
  )
  .meta({
    title: 'nasorch policy',
    description: 'A nasorch policy: snapshots with retention, replication monitoring and usage alerts for NHN Cloud NAS volumes.',
  });

/** A policy document as validated, with the static defaults applied (see normalise-policy.ts). */
export type PolicyDocument = z.output<typeof PolicyDocumentSchema>;

/** Just enough of the schema to tell a policy from another kind of YAML document. */
export const PolicyHeaderSchema = z.looseObject(
  {
    apiVersion: PolicyDocumentSchema.shape.apiVersion,
    kind: PolicyDocumentSchema.shape.kind,
  },
  { error: NOT_A_POLICY },
);
