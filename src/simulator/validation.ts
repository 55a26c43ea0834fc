// Request-body rules of the NAS API, as strict as the spec: required fields, the 300–10000
// GB size steps, maxScheduledCount ≤ 30, nfs|cifs, volume-name characters. Unknown fields
// are rejected too, so a misspelt field fails here instead of being silently ignored.
// Every failure becomes a 400 whose message names the field (e.g. "volume.sizeGb").
import { isIP } from 'node:net';
import { z } from 'zod';
import { badRequest } from './envelope.ts';
import type { Protocol } from './model.ts';
import { OFFSET_PATTERN, TIME_PATTERN } from './snapshot-schedule.ts';

/** A schema-level message that leaves "missing" to the generic "is required". */
const msg = (text: string) => (issue: { input?: unknown }) => (issue.input === undefined ? undefined : text);

export const VOLUME_NAME_PATTERN = /^[A-Za-z0-9_-]{1,99}$/;
const NAME_RULE = "must be 1 to 99 characters of letters, digits, '-' and '_'";
const SIZE_RULE = 'must be an integer from 300 to 10000 in steps of 100';

export function isValidSizeGb(n: number): boolean {
  return Number.isInteger(n) && n >= 300 && n <= 10_000 && n % 100 === 0;
}

function isIpOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const nonEmpty = z.string().trim().min(1, { error: msg('must not be empty') });

export const VolumeNameSchema = z.string().regex(VOLUME_NAME_PATTERN, { error: msg(NAME_RULE) });
export const SizeGbSchema = z.number({ error: msg(SIZE_RULE) }).refine(isValidSizeGb, { error: msg(SIZE_RULE) });

const ProtocolSchema = z
  .string({ error: msg('must be "nfs" or "cifs"') })
  .refine((p) => ['nfs', 'cifs'].includes(p.toLowerCase()), { error: msg('must be "nfs" or "cifs"') })
  .transform((p) => p.toLowerCase() as Protocol);

const AclSchema = z.array(
  z.string().refine(isIpOrCidr, { error: msg('must be an IP address or a CIDR block') }),
);

export const ScheduleSchema = z.strictObject({
  time: z.string().regex(TIME_PATTERN, { error: msg('must be "HH:MM" (24-hour)') }),
  timeOffset: z.string().regex(OFFSET_PATTERN, { error: msg('must be "+HH:MM" or "-HH:MM"') }),
  weekdays: z
    .array(z.number().int({ error: msg('must be 0 (Sunday) to 6 (Saturday)') }).min(0).max(6))
    .refine((days) => new Set(days).size === days.length, { error: msg('must not repeat a day') })
    .optional(),
});

export const SnapshotPolicySchema = z.strictObject({
  maxScheduledCount: z
    .number({ error: msg('must be an integer from 0 to 30') })
    .int({ error: msg('must be an integer from 0 to 30') })
    .min(0, { error: msg('must be an integer from 0 to 30') })
    .max(30, { error: msg('must be an integer from 0 to 30') })
    .nullable()
    .optional(),
  reservePercent: z
    .number({ error: msg('must be an integer percentage from 0 to 100') })
    .int({ error: msg('must be an integer percentage from 0 to 100') })
    .min(0, { error: msg('must be an integer percentage from 0 to 100') })
    .max(100, { error: msg('must be an integer percentage from 0 to 100') })
    .optional(),
  schedule: ScheduleSchema.nullable().optional(),
});

const CIFS_ONLY = 'are only allowed with the cifs protocol';

export const CreateMountProtocolSchema = z
  .strictObject({ protocol: ProtocolSchema, cifsAuthIds: z.array(nonEmpty).optional() })
  .superRefine((mp, ctx) => {
    if (mp.cifsAuthIds !== undefined && mp.protocol !== 'cifs') {
      ctx.addIssue({ code: 'custom', path: ['cifsAuthIds'], message: CIFS_ONLY, input: mp.cifsAuthIds });
    }
  });

export const VolumeCreateSchema = z.strictObject({
  name: VolumeNameSchema,
  sizeGb: SizeGbSchema,
  // Spec marks the object optional but its `protocol` required: a missing object reports the field.
  mountProtocol: CreateMountProtocolSchema.prefault({} as never),
  description: z.string().max(255).nullable().optional(),
  acl: AclSchema.optional(),
  encryption: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  interfaces: z.array(z.strictObject({ subnetId: nonEmpty })).optional(),
  snapshotPolicy: SnapshotPolicySchema.optional(),
});
export type VolumeCreate = z.infer<typeof VolumeCreateSchema>;

export const VolumeCreateBody = z.strictObject({ volume: VolumeCreateSchema });

export const VolumePatchBody = z.strictObject({
  volume: z
    .strictObject({
      acl: AclSchema.optional(),
      description: z.string().max(255).nullable().optional(),
      mountProtocol: z
        .strictObject({ protocol: ProtocolSchema.optional(), cifsAuthIds: z.array(nonEmpty).optional() })
        .superRefine((mp, ctx) => {
          if (mp.cifsAuthIds === undefined) return;
          // The spec: when changing cifsAuthIds, `protocol: "cifs"` must be given with them.
          if (mp.protocol === undefined) {
            ctx.addIssue({ code: 'custom', path: ['protocol'], message: 'must be "cifs" when cifsAuthIds change', input: undefined });
          } else if (mp.protocol !== 'cifs') {
            ctx.addIssue({ code: 'custom', path: ['cifsAuthIds'], message: CIFS_ONLY, input: mp.cifsAuthIds });
          }
        })
        .optional(),
      sizeGb: SizeGbSchema.optional(),
      snapshotPolicy: SnapshotPolicySchema.optional(),
    })
    .refine((v) => Object.keys(v).length > 0, { error: msg('must contain at least one setting to change') }),
});
export type VolumePatch = z.infer<typeof VolumePatchBody>['volume'];

export const InterfaceCreateBody = z.strictObject({ interface: z.strictObject({ subnetId: nonEmpty }) });

export const SnapshotCreateBody = z.strictObject({
  snapshot: z.strictObject({ name: nonEmpty.max(255, { error: msg('must be at most 255 characters') }) }),
});

export const MirrorCreateBody = z.strictObject({
  volumeMirror: z.strictObject({
    dstRegion: nonEmpty,
    dstTenantId: nonEmpty,
    dstVolume: VolumeCreateSchema,
  }),
});
export type MirrorCreate = z.infer<typeof MirrorCreateBody>['volumeMirror'];

/** Messages for zod's own checks, phrased to follow the field path. */
const fieldErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    return `must be ${describeType(issue.expected)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string') return 'must not be empty';
  if (issue.code === 'too_big' && issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
  if (issue.code === 'too_small') return `must be at least ${issue.minimum}`;
  if (issue.code === 'too_big') return `must be at most ${issue.maximum}`;
  return undefined;
};

function describeType(expected: string): string {
  switch (expected) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    default:
      return `a ${expected}`;
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** Values of these fields are never echoed in messages. */
const SECRET_FIELD = /password|token|secret/i;

/** One sentence per issue, each starting with the field it is about. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = 'body'): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `${fieldPath([...issue.path, k])} is not a known field`).join('; ');
      }
      const path = fieldPath(issue.path) || root;
      const input = (issue as { input?: unknown }).input;
      const secret = issue.path.some((k) => typeof k === 'string' && SECRET_FIELD.test(k));
      const got =
        !secret && issue.message !== 'is required' && input !== undefined && (typeof input !== 'object' || input === null)
          ? ` (got ${JSON.stringify(input)?.slice(0, 60)})`
          : '';
      return `${path} ${issue.message}${got}`;
    })
    .join('; ');
}

/** Parses a request body or throws a 400 naming every offending field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('request body must be a JSON object');
  }
  const result = schema.safeParse(body, { error: fieldErrors, reportInput: true });
  if (!result.success) throw badRequest(describeIssues(result.error.issues));
  return result.data;
}

/** Same rules for non-HTTP input (state files); returns the message instead of throwing. */
export function checkWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  root = 'file',
): { ok: true; value: z.output<S> } | { ok: false; message: string } {
  const result = schema.safeParse(value, { error: fieldErrors, reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, message: describeIssues(result.error.issues, root) };
}
