// Observes a failover group's pairs: the selected volumes in the group's region, each one's mirror
// as listed by BOTH volumes (each through its own region, A2), `/stat` through the writer first
// (A1), and the server time from the Date header. No mutating call.
import type { MirrorStat, Volume, VolumeMirror } from '../nas/schemas.ts';
import { selectVolumes } from '../orchestrator/volume-selection.ts';
import { derivePairState, describePair, mirrorCallTargets, pairKey, type MirrorCallTarget, type MirrorView, type PairStateDecision } from '../replication/pair.ts';
import type { FailoverGroup } from './group.ts';
import type { RecordedNas } from './nas-calls.ts';

export interface VolumeFacts {
  id: string;
  name: string;
  region: string;
  sizeGb: number | null;
  acl: string[] | null;
  /** The read failed: the reason. */
  error: string | null;
}

export interface ObservedPair {
  key: string;
  mirrorId: string;
  original: VolumeFacts;
  replica: VolumeFacts;
  views: MirrorView[];
  stat: MirrorStat | null;
  /** Which side answered /stat (A1 capability). */
  statTarget: MirrorCallTarget | null;
  statError: string | null;
  decision: PairStateDecision;
  serverTime: string;
}

/** What nasorch itself recorded about pairs (failover_pairs): failed over by a run, fenced… */
export interface PairRecordView {
  pairKey: string;
  state: string;
  writerVolumeId: string;
  oldSourceFenced: boolean;
  runId: string | null;
}

export interface ObserveOptions {
  records?: ReadonlyMap<string, PairRecordView>;
  /** Regions with recorded failed probes (emergency evidence). */
  unreachableRegions?: ReadonlySet<string>;
  /** Pairs known from earlier observations, used when the group's region cannot be listed. */
  knownPairs?: readonly { key: string; original: { id: string; name: string; region: string }; replica: { id: string; name: string; region: string }; mirrorId: string }[];
}

export interface GroupObservation {
  pairs: ObservedPair[];
  /** Selected volumes without a mirror, and other problems that make a plan impossible. */
  problems: string[];
  regionErrors: Record<string, string>;
  serverTime: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0]! : String(err));

function facts(volume: Volume | null, fallback: { id: string; name: string; region: string }, error: string | null): VolumeFacts {
  return {
    id: fallback.id,
    name: volume?.name ?? fallback.name,
    region: fallback.region,
    sizeGb: volume?.sizeGb ?? null,
    acl: volume?.acl ?? null,
    error,
  };
}

function mirrorOf(volume: Volume): VolumeMirror | undefined {
  return volume.mirrors?.find((m) => m.srcVolumeId === volume.id || m.dstVolumeId === volume.id);
}

export async function observeGroup(nas: RecordedNas, group: FailoverGroup, options: ObserveOptions = {}): Promise<GroupObservation> {
  const problems: string[] = [];
  const regionErrors: Record<string, string> = {};
  let selected: Volume[] = [];
  try {
    selected = selectVolumes(await nas.listVolumes(group.region), group.volumes);
  } catch (err) {
    regionErrors[group.region] = message(err);
  }
  const seeds: { key: string; original: { id: string; name: string; region: string }; replica: { id: string; name: string; region: string }; mirrorId: string; volume?: Volume }[] = [];
  if (regionErrors[group.region] === undefined) {
    if (selected.length === 0) problems.push(`group ${group.name} selects no volume in ${group.region}`);
    for (const volume of selected) {
      const mirror = mirrorOf(volume);
      if (!mirror) {
        problems.push(`volume ${volume.name} (${volume.id}) of group ${group.name} has no mirror`);
        continue;
      }
      const pair = describePair(mirror);
      seeds.push({ key: pairKey(mirror), original: pair.original, replica: pair.replica, mirrorId: mirror.id, volume });
    }
  } else {
    // The group's region does not answer: work from what was seen before (emergency).
    for (const known of options.knownPairs ?? []) seeds.push(known);
    if (seeds.length === 0) problems.push(`cannot list volumes of ${group.region} (${regionErrors[group.region]}) and no pair of group ${group.name} is known yet`);
  }

  const pairs: ObservedPair[] = [];
  for (const seed of seeds) pairs.push(await observePair(nas, seed, options));
  return { pairs, problems, regionErrors, serverTime: nas.now().toISOString() };
}

async function readVolume(nas: RecordedNas, side: { id: string; region: string }, already?: Volume) {
  if (already && already.id === side.id) return { volume: already, error: null };
  try {
    return { volume: await nas.getVolume(side.region, side.id), error: null };
  } catch (err) {
    return { volume: null, error: message(err) };
  }
}

export async function observePair(
  nas: RecordedNas,
  seed: { key: string; original: { id: string; name: string; region: string }; replica: { id: string; name: string; region: string }; mirrorId: string; volume?: Volume },
  options: ObserveOptions = {},
): Promise<ObservedPair> {
  const original = await readVolume(nas, seed.original, seed.volume);
  const replica = await readVolume(nas, seed.replica, seed.volume);
  const views: MirrorView[] = [];
  for (const side of [original.volume, replica.volume]) {
    const mirror = side ? mirrorOf(side) : undefined;
    if (mirror && pairKey(mirror) === seed.key) views.push(mirror);
  }
  const record = options.records?.get(seed.key);
  let stat: MirrorStat | null = null;
  let statTarget: MirrorCallTarget | null = null;
  let statError: string | null = null;
  const pair = views[0] ? describePair(views[0]) : null;
  if (pair) {
    // Both sides read fine or not: the writer's side first, the peer if it refuses the call.
    const targets = mirrorCallTargets(pair).filter((t) => (t.volumeId === seed.original.id ? !original.error : !replica.error));
    try {
      const answer = await nas.stat(targets);
      stat = answer.stat;
      statTarget = answer.target;
    } catch (err) {
      statError = message(err);
    }
  }
  const writerRegion = pair?.writer?.region;
  const writerSideFailed = pair?.writer ? (pair.writer.id === seed.original.id ? original.error : replica.error) !== null : false;
  const writerRegionReachable = !(writerRegion && options.unreachableRegions?.has(writerRegion)) && !writerSideFailed;
  const decision = derivePairState({
    views,
    stat,
    writerRegionReachable: views.length === 0 ? true : writerRegionReachable,
    failedOverByRun: record?.state === 'FAILED_OVER',
    now: nas.now(),
  });
  // A mirror nobody lists because neither side answered is not "gone".
  if (views.length === 0 && original.error && replica.error) {
    decision.state = 'UNKNOWN';
    decision.reasons = ['neither volume could be read'];
  } else if (views.length === 0 && (original.error || replica.error)) {
    decision.state = 'SOURCE_UNREACHABLE';
    decision.reasons = [`one side could not be read (${original.error ?? replica.error})`];
  }
  return {
    key: seed.key,
    mirrorId: views[0]?.id ?? seed.mirrorId,
    original: facts(original.volume, seed.original, original.error),
    replica: facts(replica.volume, seed.replica, replica.error),
    views,
    stat,
    statTarget,
    statError,
    decision,
    serverTime: nas.now().toISOString(),
  };
}
