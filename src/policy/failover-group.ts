// The FailoverGroup document kind (apiVersion nasorch/v1): which replicated volumes fail over as
// one unit, how long settling may take, which hooks run at which step. Validated like a Policy
// (zod, errors as file:line:col), read from the same config files (document-kinds.ts).
import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { policyFilesAt } from './load-policies.ts';
import { PolicyError, sortPolicyErrors } from './policy-error.ts';
import { VolumeSelectorSchema } from './policy-schema.ts';
import type { VolumeSelector } from './policy.ts';
import { issuesToPolicyErrors } from './schema-issues.ts';
import { lookupYamlPath, positionOf } from './yaml-locations.ts';

export const FAILOVER_GROUP_KIND = 'FailoverGroup';
const GROUP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DURATION = /^([0-9]+[smhd])+$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "1h30m" → ms; null when not a duration. */
export function parseFailoverDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/([0-9]+)([smhd])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

const expected = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `expected ${what}` : `expected ${what}, got ${JSON.stringify(issue.input)}`;

function duration(description: string, minMs = 0) {
  return z
    .string({ error: expected('a duration such as 30s, 10m, 2h or 1d') })
    .superRefine((value, ctx) => {
      const ms = parseFailoverDuration(value);
      if (ms === null) ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 10m, 2h or 1d, got ${JSON.stringify(value)}`, input: value });
      else if (ms < minMs) ctx.addIssue({ code: 'custom', message: `must be at least ${minMs / 1000}s, got ${JSON.stringify(value)}`, input: value });
    })
    .meta({ description: `${description} Units s, m, h, d (e.g. 90s, 15m, 1h30m).` });
}

const HookSchema = z
  .strictObject(
    {
      exec: z.array(z.string().min(1), { error: expected('an argv list such as ["/opt/app/stop-writers"]') }).min(1).optional()
        .meta({ description: 'Program and arguments, run without a shell; exit 0 = success.' }),
      http: z
        .strictObject(
          {
            url: z.url({ error: expected('an http(s) URL') }),
            method: z.enum(['GET', 'POST', 'PUT'], { error: expected('GET, POST or PUT') }).default('POST'),
          },
          { error: expected('a mapping with url and method') },
        )
        .optional()
        .meta({ description: 'An HTTP call; a 2xx answer = success. The run id, group and step are sent as JSON.' }),
      timeout: duration('How long the hook may take.', 1000).default('5m'),
    },
    { error: expected('a mapping with exec or http, and timeout') },
  )
  .superRefine((hook, ctx) => {
    if ((hook.exec === undefined) === (hook.http === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of exec or http' });
  });

export const HOOK_NAMES = ['quiesce', 'fence', 'unfence', 'promote', 'verify', 'probe'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

const SpecSchema = z.strictObject(
  {
    region: z.string({ error: expected('a region such as KR1') }).regex(/^[A-Za-z]{2,3}[0-9]{1,2}$/, { error: expected('a region such as KR1') }).optional()
      .meta({ description: 'Region of the original (source-side) volumes. Default: the NHN_REGION setting.' }),
    volumes: VolumeSelectorSchema,
    rpoMax: duration('planned, switchover and drill refuse when a pair lags more than this.'),
    settle: z
      .strictObject(
        {
          reads: z.number({ error: expected('a whole number ≥ 1') }).int({ error: expected('a whole number ≥ 1') }).min(1, { error: expected('a whole number ≥ 1') }).default(3),
          interval: duration('Time between settle reads.', 1000).default('10s'),
          timeout: duration('How long a step may settle before the run waits for a person.', 1000).default('30m'),
        },
        { error: expected('a mapping with reads, interval and timeout') },
      )
      .default({ reads: 3, interval: '10s', timeout: '30m' }),
    hooks: z
      .strictObject(Object.fromEntries(HOOK_NAMES.map((name) => [name, HookSchema.optional()])) as Record<HookName, z.ZodOptional<typeof HookSchema>>, { error: expected('a mapping of hooks') })
      .optional()
      .meta({ description: `Hooks run at named steps: ${HOOK_NAMES.join(', ')}.` }),
    approval: z.enum(['required', 'none'], { error: expected('required or none') }).default('required')
      .meta({ description: 'Runs from webhooks wait for approval (default: required).' }),
    fence: z
      .strictObject({ acl: z.boolean({ error: expected('true or false') }).default(true) }, { error: expected('a mapping with acl') })
      .default({ acl: true })
      .meta({ description: 'acl: true PATCHes the writer ACL to the sentinel ["192.0.2.1/32"] after quiesce and restores it exactly on unfence.' }),
    emergency: z
      .strictObject(
        {
          probes: z.number({ error: expected('a whole number ≥ 1') }).int().min(1).default(3),
          window: duration('Failed probes must span at least this long.', 1000).default('2m'),
        },
        { error: expected('a mapping with probes and window') },
      )
      .default({ probes: 3, window: '2m' }),
  },
  { error: expected('a mapping') },
);

export const FailoverGroupDocumentSchema = z
  .strictObject(
    {
      apiVersion: z.literal('nasorch/v1', { error: expected('"nasorch/v1"') }),
      kind: z.literal(FAILOVER_GROUP_KIND, { error: expected(`"${FAILOVER_GROUP_KIND}"`) }),
      metadata: z.strictObject(
        {
          name: z.string({ error: expected('a group name') }).regex(GROUP_NAME, { error: expected("a name of lowercase letters, digits and '-' (at most 63)") }),
          description: z.string().optional(),
        },
        { error: expected('a mapping with name') },
      ),
      spec: SpecSchema,
    },
    { error: expected('a FailoverGroup document') },
  )
  .meta({ title: 'nasorch failover group', description: 'Replicated NHN Cloud NAS volumes that fail over as one unit.' });

export interface HookSpec {
  exec?: string[];
  http?: { url: string; method: string };
  timeoutMs: number;
}

export interface FailoverGroup {
  name: string;
  region: string;
  volumes: VolumeSelector;
  rpoMaxMs: number;
  rpoMax: string;
  settle: { reads: number; intervalMs: number; timeoutMs: number };
  hooks: Partial<Record<HookName, HookSpec>>;
  approval: 'required' | 'none';
  fence: { acl: boolean };
  emergency: { probes: number; windowMs: number };
  source: { file: string; line?: number };
}

function toList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function normaliseGroup(doc: z.output<typeof FailoverGroupDocumentSchema>, defaultRegion: string, source: FailoverGroup['source']): FailoverGroup {
  const { spec } = doc;
  const ms = (text: string) => parseFailoverDuration(text)!;
  const hooks: FailoverGroup['hooks'] = {};
  for (const [name, hook] of Object.entries(spec.hooks ?? {})) {
    if (!hook) continue;
    hooks[name as HookName] = { ...(hook.exec ? { exec: hook.exec } : {}), ...(hook.http ? { http: hook.http } : {}), timeoutMs: ms(hook.timeout) };
  }
  return {
    name: doc.metadata.name,
    region: (spec.region ?? defaultRegion).toUpperCase(),
    volumes: { names: spec.volumes.names ?? [], nameContains: toList(spec.volumes.nameContains), ids: spec.volumes.ids ?? [] },
    rpoMaxMs: ms(spec.rpoMax),
    rpoMax: spec.rpoMax,
    settle: { reads: spec.settle.reads, intervalMs: ms(spec.settle.interval), timeoutMs: ms(spec.settle.timeout) },
    hooks,
    approval: spec.approval,
    fence: spec.fence,
    emergency: { probes: spec.emergency.probes, windowMs: ms(spec.emergency.window) },
    source,
  };
}

export interface GroupSet {
  groups: FailoverGroup[];
  errors: PolicyError[];
}

/** Parses the FailoverGroup documents of one file's text (other kinds are ignored here). */
export function parseGroupText(text: string, file: string, defaultRegion: string): GroupSet {
  const lineCounter = new LineCounter();
  const groups: FailoverGroup[] = [];
  const errors: PolicyError[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
    if (doc.errors.length > 0) continue; // the policy parser reports YAML syntax errors
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch {
      continue;
    }
    if (typeof data !== 'object' || data === null || (data as { kind?: unknown }).kind !== FAILOVER_GROUP_KIND) continue;
    const result = FailoverGroupDocumentSchema.safeParse(data);
    if (!result.success) {
      errors.push(...issuesToPolicyErrors(result.error.issues, { file, doc, lineCounter, data, schema: FailoverGroupDocumentSchema }));
      continue;
    }
    const { line } = positionOf(lookupYamlPath(doc, ['metadata', 'name']).node, lineCounter, doc);
    groups.push(normaliseGroup(result.data, defaultRegion, { file, line }));
  }
  return { groups, errors };
}

/** Every FailoverGroup of the config files/directories; duplicate names are errors. */
export async function loadFailoverGroups(paths: readonly string[], defaultRegion: string): Promise<GroupSet> {
  const files: string[] = [];
  for (const path of paths) {
    const found = await policyFilesAt(path);
    if ('files' in found) for (const f of found.files) if (!files.includes(f)) files.push(f);
  }
  const groups: FailoverGroup[] = [];
  const errors: PolicyError[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) continue; // the policy loader reports unreadable files
    const parsed = parseGroupText(text, file, defaultRegion);
    errors.push(...parsed.errors);
    for (const group of parsed.groups) {
      const first = groups.find((g) => g.name === group.name);
      if (first) {
        errors.push(new PolicyError({ file, line: group.source.line, col: 1, path: 'metadata.name', message: `failover group name "${group.name}" is already used at ${first.source.file}:${first.source.line}` }));
      } else groups.push(group);
    }
  }
  return { groups: errors.length > 0 ? [] : groups, errors: sortPolicyErrors(errors, files) };
}

/** Run snapshot names: `nasorch-failover-<run8>-<role>-<volume>`, cut to the API's name limit. */
export function runSnapshotName(runId: string, role: 'pre' | 'point' | 'tail' | 'prewipe', volumeName: string): string {
  return `nasorch-failover-${runId.replace(/-/g, '').slice(0, 8)}-${role}-${volumeName}`.slice(0, 255);
}
