// Before a job takes its lock: which volume it acts on. Reads the selected volume's mirror (any
// role), the failover record, and asks src/replication/acting-volume.ts.
import type { NasClient } from '../src/nas/client.ts';
import type { VolumeMirror } from '../src/nas/schemas.ts';
import { selectVolumes } from '../src/orchestrator/volume-selection.ts';
import type { Policy } from '../src/policy/policy.ts';
import { currentWriter, decideActingVolume, pickMirror, type ActingDecision, type VolumeRef } from '../src/replication/acting-volume.ts';
import { describePair, pairKey, type MirrorView } from '../src/replication/pair.ts';
import type { WriterOverride } from '../src/replication/writer-override.ts';
import type { JobKind } from '../src/schedule/job-kinds.ts';
import { PermanentJobError } from './context.ts';

const MIRROR_KINDS: ReadonlySet<JobKind> = new Set(['mirror-start', 'mirror-stop', 'mirror-stat']);

export interface ActingVolumeRequest {
  kind: JobKind;
  policy: Policy;
  selected: VolumeRef;
  nasFor(region: string): NasClient;
  writerOverride: WriterOverride;
}

export async function resolveActingVolume(req: ActingVolumeRequest): Promise<ActingDecision> {
  const { policy, selected, kind } = req;
  const volume = await req.nasFor(selected.region).getVolume(selected.id);
  const mirrors = volume.mirrors.map(mirrorView);
  const explicit = policy.replication?.mirror;
  const pick = pickMirror({ id: selected.id, name: volume.name }, mirrors, explicit ?? 'auto', policy.name);
  const isMirrorJob = MIRROR_KINDS.has(kind);

  let mirror: MirrorView | null = null;
  if (pick.kind === 'mirror') mirror = pick.mirror;
  else if (pick.kind === 'none') {
    if (isMirrorJob) throw new PermanentJobError(`volume ${volume.name} (${volume.id}) has no mirror (policy ${policy.name}, spec.replication.mirror)`);
  } else if (isMirrorJob || explicit !== undefined) {
    throw new PermanentJobError(pick.message);
  } else {
    // Snapshots of a volume in several pairs, with no mirror chosen: the volume itself.
    return { kind: 'act', acting: selected, redirectedFrom: null, pair: null, note: pick.message };
  }
  if (!mirror) return decideActingVolume({ selected, mirror: null, policySelects: () => false });

  const recorded = (await req.writerOverride(pairKey(mirror))) ?? undefined;
  mirror = await withWriterName(req, mirror, currentWriter(describePair(mirror), recorded).writer?.id);
  return decideActingVolume({
    selected,
    mirror,
    ...(recorded ? { recorded } : {}),
    policySelects: (v) => v.region.toUpperCase() === policy.region.toUpperCase() && selectVolumes([v], policy.volumes).length > 0,
  });
}

/** The enum fields as plain strings (they may be lenient strings already). */
function mirrorView(m: VolumeMirror): MirrorView {
  const raw = m as unknown as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
  const name = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    id: text(raw.id),
    role: text(raw.role),
    status: text(raw.status),
    direction: text(raw.direction),
    directionChangedAt: typeof raw.directionChangedAt === 'string' ? raw.directionChangedAt : null,
    srcVolumeId: text(raw.srcVolumeId),
    srcVolumeName: name(raw.srcVolumeName),
    srcRegion: text(raw.srcRegion).toUpperCase(),
    dstVolumeId: text(raw.dstVolumeId),
    dstVolumeName: name(raw.dstVolumeName),
    dstRegion: text(raw.dstRegion).toUpperCase(),
  };
}

/** Name selectors need the writer's name; the mirror entry may not carry it (null, empty). */
async function withWriterName(req: ActingVolumeRequest, mirror: MirrorView, writerId: string | undefined): Promise<MirrorView> {
  if (!writerId || writerId === req.selected.id) return mirror;
  const isSrc = writerId === mirror.srcVolumeId;
  if (isSrc ? mirror.srcVolumeName : mirror.dstVolumeName) return mirror;
  const writer = await req.nasFor(isSrc ? mirror.srcRegion : mirror.dstRegion).getVolume(writerId);
  return isSrc ? { ...mirror, srcVolumeName: writer.name } : { ...mirror, dstVolumeName: writer.name };
}
