// The switches for what NHN's docs leave open (failover-research.md §4: A1, A3, A4, A5) and
// the region outage, so failover runbooks can be tested against every variant. One strict
// schema serves the state file (`switches:`), startSimulator({ switches }) and
// POST /_admin/switches; a change names only what it changes.
import { z } from 'zod';
import { SIM_REGIONS, type MirrorCall, type MirrorCallSide, type RegionOutage, type SimSwitches, type SimSwitchesInput } from './contract.ts';
import { SimulatorConfigError } from './data-file.ts';
import { checkWith } from './validation.ts';

export const MIRROR_CALLS = ['stat', 'stop', 'start', 'invert', 'delete'] as const satisfies readonly MirrorCall[];
const SIDES = ['either', 'source', 'writer'] as const satisfies readonly MirrorCallSide[];
const OUTAGES = ['none', 'hang', 'refuse', 'unavailable'] as const satisfies readonly RegionOutage[];

export function defaultSwitches(): SimSwitches {
  return {
    mirrorCallVolume: { stat: 'either', stop: 'either', start: 'either', invert: 'either', delete: 'either' },
    mirrorCallRejectStatus: 400,
    stopWithPeerDown: 'fails',
    invertOnHalt: 'no-presync',
    snapshotsOnWipe: 'newer-deleted',
    outage: { KR1: 'none', KR2: 'none' },
  };
}

/** An enum whose error lists the choices (zod's own message is less readable). */
function choice<const T extends readonly [string, ...string[]]>(values: T) {
  const rule = `must be one of ${values.join(', ')}`;
  return z.enum(values, { error: (issue) => (issue.input === undefined ? undefined : rule) });
}

const Side = choice(SIDES);
const PerCall = z.strictObject(Object.fromEntries(MIRROR_CALLS.map((c) => [c, Side.optional()])) as Record<MirrorCall, z.ZodOptional<typeof Side>>);

export const SwitchesSchema = z.strictObject({
  mirrorCallVolume: z
    .unknown()
    .superRefine((value, ctx) => {
      // One value for every call, or an object per call; each gets its own precise message.
      const options = { reportInput: true };
      const checked = typeof value === 'string' ? Side.safeParse(value, options) : PerCall.safeParse(value, options);
      if (checked.success) return;
      if (typeof value !== 'string' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
        ctx.addIssue({ code: 'custom', message: `must be one of ${SIDES.join(', ')}, or an object with any of ${MIRROR_CALLS.join(', ')}`, input: value });
        return;
      }
      for (const issue of checked.error.issues) ctx.addIssue(issue as never);
    })
    .transform((value) => value as MirrorCallSide | Partial<Record<MirrorCall, MirrorCallSide>>)
    .optional(),
  mirrorCallRejectStatus: z
    .number({ error: (issue) => (issue.input === undefined ? undefined : 'must be 400 or 404') })
    .refine((n) => n === 400 || n === 404, { error: 'must be 400 or 404' })
    .transform((n) => n as 400 | 404)
    .optional(),
  stopWithPeerDown: choice(['fails', 'hangs', 'works']).optional(),
  invertOnHalt: choice(['no-presync', 'presync']).optional(),
  snapshotsOnWipe: choice(['survive', 'newer-deleted', 'deleted']).optional(),
  outage: z.strictObject(Object.fromEntries(SIM_REGIONS.map((r) => [r, choice(OUTAGES).optional()])) as Record<
    (typeof SIM_REGIONS)[number],
    z.ZodOptional<ReturnType<typeof choice<typeof OUTAGES>>>
  >).optional(),
});

/** `current` with `change` applied (a new object; `current` is left as it was). */
export function applySwitches(current: SimSwitches, change: SimSwitchesInput): SimSwitches {
  const calls = change.mirrorCallVolume;
  const perCall =
    typeof calls === 'string' ? Object.fromEntries(MIRROR_CALLS.map((c) => [c, calls])) : Object.fromEntries(Object.entries(calls ?? {}).filter(([, v]) => v !== undefined));
  return {
    mirrorCallVolume: { ...current.mirrorCallVolume, ...perCall },
    mirrorCallRejectStatus: change.mirrorCallRejectStatus ?? current.mirrorCallRejectStatus,
    stopWithPeerDown: change.stopWithPeerDown ?? current.stopWithPeerDown,
    invertOnHalt: change.invertOnHalt ?? current.invertOnHalt,
    snapshotsOnWipe: change.snapshotsOnWipe ?? current.snapshotsOnWipe,
    outage: { ...current.outage, ...Object.fromEntries(Object.entries(change.outage ?? {}).filter(([, v]) => v !== undefined)) },
  };
}

const Wrapped = z.strictObject({ switches: SwitchesSchema });

/** Validates a change given in code or over HTTP; errors read "`source`: switches.<field> …". */
export function parseSwitches(value: unknown, source: string): SimSwitchesInput {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SimulatorConfigError(`${source}: switches must be an object`);
  }
  const checked = checkWith(Wrapped, { switches: value });
  if (!checked.ok) throw new SimulatorConfigError(`${source}: ${checked.message}`);
  return checked.value.switches;
}
