// The simulator's starting world: credentials, token lifetime, timings and the volumes of
// each region (with snapshots and mirrors), from a JSON/YAML file or an object. Checked
// with zod; every error names the file and the field ("regions.KR1.volumes[0].sizeGb").
//
//   credentials: { tenantId: team-a, username: ops@example.com, password: … }
//   tokenTtlSeconds: 3600                       # default 3600
//   timing: { replicationIntervalSeconds: 60 }  # any key of SimTiming (model.ts)
//   switches: { stopWithPeerDown: works }       # see switches.ts and SimSwitches (contract.ts)
//   quirks: { nulls: true }                     # or `true`; see quirks.ts and SimQuirks (contract.ts)
//   regions:
//     KR1:
//       volumes:
//         - name: files                          # the create-volume body's fields, plus:
//           sizeGb: 500
//           usedGb: 120                          # user data now; growthGbPerDay: 5
//           seq: 40                              # the latest client write it holds (default 0)
//           createdAt: "-30d"                    # ISO time or an age before start
//           snapshots: [{ name: before-upgrade, type: NORMAL, createdAt: "-2d", preserved: false }]
//           mirrors: [{ dstRegion: KR2, dstVolumeName: files-dr, status: ACTIVE, fault: { retrieveFailed: true } }]
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SimClock } from './clock.ts';
import { SIM_REGIONS, type MirrorFault, type SimulatorCredentials } from './contract.ts';
import { readDataFile, SimulatorConfigError } from './data-file.ts';
import { NasError } from './envelope.ts';
import { demoState } from './demo-state.ts';
import { applyMirrorFault, newMirror } from './mirrors.ts';
import { DEFAULT_TIMING, EMPTY_CONTENT, SimWorld, type Region, type SimMirror, type SimSnapshot, type SimVolume } from './model.ts';
import { resumeLoaded } from './replication.ts';
import { applyQuirks, QuirksSchema } from './quirks.ts';
import { applySwitches, defaultSwitches, SwitchesSchema } from './switches.ts';
import { changedBytes } from './usage.ts';
import { checkWith, CreateMountProtocolSchema, SnapshotPolicySchema, VolumeCreateSchema, VolumeNameSchema } from './validation.ts';
import { createVolume } from './volumes.ts';

const DAY_MS = 86_400_000;

/** An ISO timestamp, or an age before the simulator's start such as "-3d", "-26h", "-90m". */
const Instant = z.string().refine((s) => RELATIVE.test(s) || !Number.isNaN(Date.parse(s)), {
  message: 'must be an ISO timestamp or an age like "-3d", "-12h", "-30m"',
});
const RELATIVE = /^-(\d+(?:\.\d+)?)([dhm])$/;

function instant(value: string | undefined, start: number, fallback: number): number {
  if (value === undefined) return fallback;
  const m = RELATIVE.exec(value);
  if (!m) return Date.parse(value);
  const unit = m[2] === 'd' ? DAY_MS : m[2] === 'h' ? 3_600_000 : 60_000;
  return start - Number(m[1]) * unit;
}

const StateSnapshot = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().trim().min(1),
  type: z.enum(['NORMAL', 'SCHEDULED', 'MIRROR']).default('NORMAL'),
  createdAt: Instant.optional(),
  /** System-protected (undeletable); MIRROR snapshots always are. */
  preserved: z.boolean().optional(),
});

const MirrorFaultSchema = z.strictObject({
  halt: z.boolean().optional(),
  retrieveFailed: z.boolean().optional(),
  transferFails: z.boolean().optional(),
});

const StateMirror = z.strictObject({
  id: z.string().min(1).optional(),
  dstRegion: z.enum(SIM_REGIONS),
  /** A volume of that name in dstRegion is used when the file declares one; else it is created. */
  dstVolumeName: VolumeNameSchema,
  /** ACTIVE: replicating; HALT: stopped by the user (the destination is writable). */
  status: z.enum(['ACTIVE', 'HALT']).default('ACTIVE'),
  createdAt: Instant.optional(),
  fault: MirrorFaultSchema.optional(),
});

const StateVolume = VolumeCreateSchema.omit({ mountProtocol: true, snapshotPolicy: true }).extend({
  id: z.string().min(1).optional(),
  mountProtocol: CreateMountProtocolSchema.optional(),
  snapshotPolicy: SnapshotPolicySchema.optional(),
  createdAt: Instant.optional(),
  /** User data now (GB), and how fast it grows per simulated day. */
  usedGb: z.number().min(0).optional(),
  growthGbPerDay: z.number().min(0).optional(),
  /** The latest client write the volume holds (a mirror destination's is replaced by the first transfer). */
  seq: z.number().int().min(0).optional(),
  snapshots: z.array(StateSnapshot).optional(),
  mirrors: z.array(StateMirror).max(1, { message: 'a volume has at most one replication setting' }).optional(),
});

export const TimingSchema = z.strictObject(
  Object.fromEntries(Object.keys(DEFAULT_TIMING).map((k) => [k, z.number().min(0).optional()])) as Record<
    keyof typeof DEFAULT_TIMING,
    z.ZodOptional<z.ZodNumber>
  >,
);

export const StateFileSchema = z.strictObject({
  credentials: z
    .strictObject({ tenantId: z.string().trim().min(1), username: z.string().trim().min(1), password: z.string().min(1) })
    .optional(),
  projectId: z.string().trim().min(1).optional(),
  tokenTtlSeconds: z.number().int().min(1).optional(),
  timing: TimingSchema.optional(),
  switches: SwitchesSchema.optional(),
  quirks: QuirksSchema.optional(),
  regions: z
    .strictObject(Object.fromEntries(SIM_REGIONS.map((r) => [r, z.strictObject({ volumes: z.array(StateVolume) }).optional()])))
    .optional(),
});
type StateFile = z.infer<typeof StateFileSchema>;
type StateVolume = z.infer<typeof StateVolume>;

export const DEFAULT_CREDENTIALS: SimulatorCredentials = {
  tenantId: 'sim-tenant',
  username: 'demo@example.com',
  password: 'sim-password',
};
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export interface LoadedState {
  credentials: SimulatorCredentials;
  tokenTtlSeconds: number;
  world: SimWorld;
}

/** Loads `state` (a path, an object, or nothing for the built-in demo) into a world on `clock`. */
export function loadState(state: string | Record<string, unknown> | undefined, clock: SimClock): LoadedState {
  const source = typeof state === 'string' ? `state file ${state}` : state ? 'state' : 'built-in demo state';
  const raw = typeof state === 'string' ? readDataFile(state, 'state file') : (state ?? demoState(clock.now()));
  const checked = checkWith(StateFileSchema, raw);
  if (!checked.ok) throw new SimulatorConfigError(`${source}: ${checked.message}`);
  try {
    return build(checked.value, clock);
  } catch (err) {
    if (err instanceof StateError) throw new SimulatorConfigError(`${source}: ${err.message}`);
    throw err;
  }
}

class StateError extends Error {}

function build(file: StateFile, clock: SimClock): LoadedState {
  const credentials = file.credentials ?? DEFAULT_CREDENTIALS;
  const world = new SimWorld(
    clock,
    {
      tenantId: credentials.tenantId,
      projectId: file.projectId ?? 'SimPrj01',
      userId: randomUUID(),
      username: credentials.username,
    },
    { ...DEFAULT_TIMING, ...definedOnly(file.timing ?? {}) },
    applySwitches(defaultSwitches(), file.switches ?? {}),
  );
  if (file.quirks) world.quirks = applyQuirks(world.quirks, file.quirks);
  const start = clock.nowMs();
  const pendingMirrors: { path: string; source: SimVolume; spec: NonNullable<StateVolume['mirrors']>[number] }[] = [];

  for (const region of SIM_REGIONS) {
    const volumes = file.regions?.[region]?.volumes ?? [];
    volumes.forEach((spec, index) => {
      const path = `regions.${region}.volumes[${index}]`;
      if (world.volumeByName(region, spec.name)) throw new StateError(`${path}.name: "${spec.name}" is used twice in ${region}`);
      const volume = asStateError(path, () => seedVolume(world, region, spec, path, start));
      for (const mirror of spec.mirrors ?? []) pendingMirrors.push({ path: `${path}.mirrors[0]`, source: volume, spec: mirror });
    });
  }
  for (const { path, source, spec } of pendingMirrors) asStateError(path, () => seedMirror(world, source, spec, path, start));
  return { credentials, tokenTtlSeconds: file.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS, world };
}

/** Rules shared with the API (NasError) reported at the state-file path. */
function asStateError<T>(path: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof NasError) throw new StateError(`${path}: ${err.message}`);
    throw err;
  }
}

export function definedOnly<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

function seedVolume(world: SimWorld, region: Region, spec: StateVolume, path: string, start: number): SimVolume {
  const createdAt = instant(spec.createdAt, start, start - 30 * DAY_MS);
  if (createdAt > start) throw new StateError(`${path}.createdAt is after the simulator's start`);
  const growth = spec.growthGbPerDay ?? spec.sizeGb / 100;
  const usedGb = spec.usedGb ?? 0;
  if (usedGb > spec.sizeGb) throw new StateError(`${path}.usedGb (${usedGb}) exceeds sizeGb (${spec.sizeGb})`);
  if (spec.id && [...world.volumes[region].values()].some((v) => v.id === spec.id)) {
    throw new StateError(`${path}.id: "${spec.id}" is used twice in ${region}`);
  }
  const volume = createVolume(
    world,
    region,
    { ...spec, mountProtocol: spec.mountProtocol ?? { protocol: 'nfs' } },
    { initial: { status: 'ACTIVE', createdAt: new Date(createdAt), dataGb: usedGb, growthGbPerDay: growth, ...(spec.id ? { id: spec.id } : {}) } },
  );
  volume.snapshots = seedSnapshots(spec, path, start, usedGb, growth);
  if (spec.seq) {
    // Write numbers are world-wide: equal seq must mean equal data.
    for (const other of Object.values(world.volumes).flatMap((m) => [...m.values()])) {
      if (other !== volume && other.content.seq === spec.seq) {
        throw new StateError(`${path}.seq: ${spec.seq} is already the seq of ${other.name} in ${other.region} (write numbers are unique)`);
      }
    }
    volume.content = { seq: spec.seq, writtenAt: new Date(start) };
    world.noteSeq(spec.seq);
  }
  return volume;
}

function seedSnapshots(spec: StateVolume, path: string, start: number, usedGb: number, growth: number): SimSnapshot[] {
  const specs = spec.snapshots ?? [];
  const names = new Set<string>();
  const snapshots = specs.map((s, i): SimSnapshot => {
    const at = instant(s.createdAt, start, start - (specs.length - i) * 3_600_000);
    if (at > start) throw new StateError(`${path}.snapshots[${i}].createdAt is after the simulator's start`);
    if (names.has(s.name)) throw new StateError(`${path}.snapshots[${i}].name: "${s.name}" is used twice on ${spec.name}`);
    names.add(s.name);
    const dataGb = Math.max(0, usedGb - (growth * (start - at)) / DAY_MS);
    const preserved = s.type === 'MIRROR' || (s.preserved ?? false);
    return { id: s.id ?? randomUUID(), name: s.name, type: s.type, preserved, createdAt: new Date(at), size: 0, dataGb, content: { ...EMPTY_CONTENT } };
  });
  snapshots.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  snapshots.forEach((s, i) => {
    s.size = changedBytes(snapshots[i - 1]?.dataGb ?? 0, s.dataGb);
  });
  return snapshots;
}

function seedMirror(
  world: SimWorld,
  source: SimVolume,
  spec: NonNullable<StateVolume['mirrors']>[number],
  path: string,
  start: number,
): void {
  if (spec.dstRegion === source.region) {
    throw new StateError(`${path}.dstRegion must differ from the source volume's region ${source.region}`);
  }
  let destination = world.volumeByName(spec.dstRegion, spec.dstVolumeName);
  if (destination) {
    if (world.mirrorsOf(destination).length > 0) {
      throw new StateError(`${path}.dstVolumeName: ${spec.dstVolumeName} in ${spec.dstRegion} already takes part in a mirror`);
    }
    if (destination.sizeGb !== source.sizeGb || destination.protocol !== source.protocol) {
      throw new StateError(`${path}.dstVolumeName: ${spec.dstVolumeName} must have the source's size and protocol`);
    }
  } else {
    destination = createVolume(
      world,
      spec.dstRegion,
      {
        name: spec.dstVolumeName,
        sizeGb: source.sizeGb,
        description: `Replica of ${source.name}`,
        mountProtocol: { protocol: source.protocol, ...(source.cifsAuthIds ? { cifsAuthIds: source.cifsAuthIds } : {}) },
      },
      { initial: { status: 'ACTIVE', createdAt: source.createdAt, dataGb: 0, growthGbPerDay: source.data.growthGbPerDay } },
    );
  }
  const createdAt = new Date(instant(spec.createdAt, start, source.createdAt.getTime()));
  const mirror = newMirror(source, destination, { id: spec.id ?? randomUUID(), createdAt, objectStatus: 'INITIALIZED', replication: 'ACTIVE' });
  world.mirrors.set(mirror.id, mirror);
  resumeLoaded(world, mirror, spec.status);
  if (spec.fault?.halt && spec.status === 'HALT') throw new StateError(`${path}.fault.halt needs status ACTIVE (HALT is already halted)`);
  if (spec.fault) applyMirrorFault(world, mirror.id, spec.fault satisfies MirrorFault);
}
