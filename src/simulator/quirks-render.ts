// Renders answers in "real-cloud quirks" shapes (quirks.ts): takes the spec-shaped JSON that
// render.ts produced and returns a copy with nulls, undocumented values, odd catalog entries or
// malformed listing entries, as the quirks in force say. Pure.
import type { SimQuirks } from './contract.ts';
import type { Region } from './model.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const emptyToNull = (v: unknown) => (Array.isArray(v) && v.length === 0 ? null : v);

function quirkInterface(q: SimQuirks, iface: Json): Json {
  return q.nulls ? { ...iface, tenantId: null } : iface;
}

function quirkMirror(q: SimQuirks, mirror: Json): Json {
  let out: Json = { ...mirror };
  if (q.nulls) {
    const { directionChangedAt: _absent, ...rest } = out;
    out = { ...rest, srcTenantId: null, dstTenantId: null, srcProjectId: null, dstProjectId: null, srcVolumeName: null, dstVolumeName: null };
  }
  const v = q.unknownValues;
  if (v.mirrorStatus) out.status = v.mirrorStatus;
  if (v.mirrorRole) out.role = v.mirrorRole;
  if (v.mirrorDirection) out.direction = v.mirrorDirection;
  return out;
}

function quirkVolume(q: SimQuirks, volume: Json): Json {
  const out: Json = {
    ...volume,
    interfaces: Array.isArray(volume.interfaces) ? volume.interfaces.map((i) => (isObject(i) ? quirkInterface(q, i) : i)) : volume.interfaces,
    mirrors: Array.isArray(volume.mirrors) ? volume.mirrors.map((m) => (isObject(m) ? quirkMirror(q, m) : m)) : volume.mirrors,
  };
  if (!q.nulls) return out;
  const policy = isObject(volume.snapshotPolicy) ? volume.snapshotPolicy : undefined;
  const schedule = policy && isObject(policy.schedule) ? policy.schedule : undefined;
  return {
    ...out,
    interfaces: emptyToNull(out.interfaces),
    mirrors: emptyToNull(out.mirrors),
    acl: emptyToNull(out.acl),
    mountProtocol: null,
    tenantId: null,
    projectId: null,
    description: null,
    encryption: null,
    updatedAt: null,
    ...(policy ? { snapshotPolicy: { ...policy, ...(schedule ? { schedule: { ...schedule, weekdays: null } } : {}) } } : {}),
  };
}

function quirkSnapshot(q: SimQuirks, snapshot: Json): Json {
  const out: Json = { ...snapshot };
  if (q.unknownValues.snapshotType) out.type = q.unknownValues.snapshotType;
  if (q.nulls && 'reclaimableSpace' in out) out.reclaimableSpace = null;
  return out;
}

function quirkStat(q: SimQuirks, stat: Json): Json {
  return q.unknownValues.statStatus ? { ...stat, status: q.unknownValues.statStatus } : stat;
}

const each = (list: unknown, f: (item: Json) => Json) => (Array.isArray(list) ? list.map((i) => (isObject(i) ? f(i) : i)) : list);

/** A NAS answer (`{header, …}`) as the quirks in force shape it. */
export function quirkAnswer(q: SimQuirks, body: Json): Json {
  const out: Json = { ...body };
  if (q.nulls && isObject(out.header) && out.header.isSuccessful === true) out.header = { ...out.header, resultMessage: null };
  if ('volumes' in out) out.volumes = each(out.volumes, (v) => quirkVolume(q, v));
  if (isObject(out.volume)) out.volume = quirkVolume(q, out.volume);
  if (isObject(out.volumeMirror)) out.volumeMirror = quirkMirror(q, out.volumeMirror);
  if (isObject(out.interface)) out.interface = quirkInterface(q, out.interface);
  if ('snapshots' in out) out.snapshots = each(out.snapshots, (s) => quirkSnapshot(q, s));
  if (isObject(out.snapshot)) out.snapshot = quirkSnapshot(q, out.snapshot);
  if (isObject(out.volumeMirrorStat)) out.volumeMirrorStat = quirkStat(q, out.volumeMirrorStat);
  return out;
}

/** Identity's service catalog, with odd entries of other services first when `oddCatalog` is on. */
export function quirkCatalog(q: SimQuirks, catalog: readonly unknown[]): unknown[] {
  if (!q.oddCatalog) return [...catalog];
  return [
    { name: 'legacy-billing' },
    { type: 'object-store', name: 'swift', endpoints: null },
    { type: 'dns', name: 'designate', endpoints: [{ publicURL: 'https://dns.example.invalid' }] },
    { type: 'key-manager', name: 'skm', endpoints: [{ region: 'KR1', publicURL: null }] },
    null,
    ...catalog,
  ];
}

/** The two malformed entries `malformedVolumes` adds to a region's listing. */
export function malformedVolumeEntries(region: Region): Json[] {
  const common = { status: 'ACTIVE', sizeGb: 300, interfaces: [], mirrors: [], mountProtocol: { protocol: 'nfs' }, createdAt: '2025-01-01T00:00:00+00:00' };
  return [
    { ...common, id: `quirk-unnamed-${region.toLowerCase()}`, name: null },
    { ...common, id: null, name: `quirk-no-id-${region.toLowerCase()}` },
  ];
}

/**
 * A region's volume list (rendered, filtered, sorted): `namelessVolumes` lose their name, and the
 * malformed entries go in 2nd and 3rd place of an unfiltered list.
 */
export function withMalformedVolumes(q: SimQuirks, region: Region, volumes: readonly Json[], filtered: boolean): Json[] {
  const listed = volumes.map((v) => (typeof v.name === 'string' && q.namelessVolumes.includes(v.name) ? { ...v, name: null } : v));
  if (!q.malformedVolumes || filtered) return listed;
  return [...listed.slice(0, 1), ...malformedVolumeEntries(region), ...listed.slice(1)];
}
