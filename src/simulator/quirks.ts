// "Real-cloud quirks" mode: answer in shapes the spec does not rule out but our own client
// might not expect, so nasorch's lenient parsing is tested against them (quirks-render.ts
// does the rendering). Requests stay as strict as the spec. One strict schema serves the state
// file (`quirks:`), startSimulator({ quirks }) and POST /_admin/quirks; a change names only
// what it changes, `true` turns everything on.
import { z } from 'zod';
import type { SimQuirks, SimQuirksInput, UnknownValueQuirks } from './contract.ts';
import { SimulatorConfigError } from './data-file.ts';
import { checkWith } from './validation.ts';

/** The documented vocabulary per field: a quirk value must lie outside it. */
export const DOCUMENTED_VALUES: Record<keyof UnknownValueQuirks, readonly string[]> = {
  snapshotType: ['NORMAL', 'SCHEDULED', 'MIRROR'],
  mirrorStatus: ['INITIALIZED', 'UPDATING', 'DELETING', 'PENDING'],
  mirrorRole: ['SOURCE', 'DESTINATION'],
  mirrorDirection: ['FORWARD', 'REVERSE'],
  statStatus: ['ACTIVE', 'UPDATING', 'DELETING', 'PENDING', 'HALT', 'RETRIEVE FAILED'],
};

/** What `unknownValues: true` sends. */
export const DEFAULT_UNKNOWN_VALUES: Required<UnknownValueQuirks> = {
  snapshotType: 'ARCHIVE',
  mirrorStatus: 'RESYNCING',
  mirrorRole: 'PEER',
  mirrorDirection: 'BIDIRECTIONAL',
  statStatus: 'SYNCING',
};

const FIELDS = Object.keys(DOCUMENTED_VALUES) as (keyof UnknownValueQuirks)[];

export function defaultQuirks(): SimQuirks {
  return { nulls: false, unknownValues: {}, oddCatalog: false, malformedVolumes: false, namelessVolumes: [] };
}

const flag = z.boolean({ error: (issue) => (issue.input === undefined ? undefined : 'must be true or false') });

const undocumented = (field: keyof UnknownValueQuirks) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? undefined : 'must be a string, or null to send the documented value') })
    .trim()
    .min(1, { error: 'must not be empty' })
    .refine((v) => !DOCUMENTED_VALUES[field].includes(v), { error: `must not be a documented value (${DOCUMENTED_VALUES[field].join(', ')})` })
    .nullable()
    .optional();

// `true` / `false` stand for "all on" / "all off", so they are expanded before the strict check.
const UnknownValuesSchema = z.preprocess(
  (v) => (v === true ? { ...DEFAULT_UNKNOWN_VALUES } : v === false ? Object.fromEntries(FIELDS.map((f) => [f, null])) : v),
  z.strictObject(Object.fromEntries(FIELDS.map((f) => [f, undocumented(f)])) as Record<keyof UnknownValueQuirks, ReturnType<typeof undocumented>>),
);

export const QuirksSchema = z.preprocess(
  (v) => (typeof v === 'boolean' ? { nulls: v, unknownValues: v, oddCatalog: v, malformedVolumes: v, ...(v ? {} : { namelessVolumes: [] }) } : v),
  z.strictObject({
    nulls: flag.optional(),
    unknownValues: UnknownValuesSchema.optional(),
    oddCatalog: flag.optional(),
    malformedVolumes: flag.optional(),
    namelessVolumes: z.array(z.string().trim().min(1, { error: 'must not be empty' }), { error: (issue) => (issue.input === undefined ? undefined : 'must be a list of volume names') }).optional(),
  }),
);

/** `current` with `change` applied (a new object); a null unknown value turns that one off. */
export function applyQuirks(current: SimQuirks, change: SimQuirksInput): SimQuirks {
  const values = change.unknownValues;
  const unknownValues: UnknownValueQuirks = values === false ? {} : { ...current.unknownValues };
  for (const field of FIELDS) {
    const value = values === true ? DEFAULT_UNKNOWN_VALUES[field] : values === false ? undefined : values?.[field];
    if (value === null) delete unknownValues[field];
    else if (value !== undefined) unknownValues[field] = value;
  }
  return {
    nulls: change.nulls ?? current.nulls,
    unknownValues,
    oddCatalog: change.oddCatalog ?? current.oddCatalog,
    malformedVolumes: change.malformedVolumes ?? current.malformedVolumes,
    namelessVolumes: [...(change.namelessVolumes ?? current.namelessVolumes)],
  };
}

const Wrapped = z.strictObject({ quirks: QuirksSchema });

/** Validates a change given in code or over HTTP; errors read "`source`: quirks.<field> …". */
export function parseQuirks(value: unknown, source: string): SimQuirksInput {
  // The schema expands `true`/`false`, so what comes back names every field it changes.
  if (value === undefined || value === null || Array.isArray(value) || (typeof value !== 'object' && typeof value !== 'boolean')) {
    throw new SimulatorConfigError(`${source}: quirks must be true, false or an object`);
  }
  const checked = checkWith(Wrapped, { quirks: value });
  if (!checked.ok) throw new SimulatorConfigError(`${source}: ${checked.message}`);
  return checked.value.quirks;
}
