// A replication pair as NHN describes it, and what it means now: who the original and the replica
// are (fixed at creation: src* = original, dst* = replica), who writes (FORWARD: the original,
// REVERSE: the replica) and which side a mirror call goes to. Pure: no I/O.
//
// NHN leaves open which volume id / region endpoint the mirror calls take (failover-research.md A1;
// NHN's Terraform provider uses the source id on the source region). nasorch calls the current
// writer's id on the writer's region first and, only when that is refused as unknown (404/400),
// the peer's id on the peer's region — never the same volume through another region's endpoint.

/** The fields of a volume's `mirrors[]` entry this module reads; enums as plain strings (lenient). */
export interface MirrorView {
  id: string;
  role: string;
  status: string;
  direction: string;
  directionChangedAt?: string | null;
  srcVolumeId: string;
  srcVolumeName?: string | null;
  srcRegion: string;
  dstVolumeId: string;
  dstVolumeName?: string | null;
  dstRegion: string;
}

export interface PairSide {
  id: string;
  name: string;
  region: string;
}

export type PairDirection = 'FORWARD' | 'REVERSE';

export interface PairDescription {
  mirrorId: string;
  /** The volume replication was set up from (`src*`). */
  original: PairSide;
  /** The volume replication was set up to (`dst*`). */
  replica: PairSide;
  /** null when the API answered a direction nasorch does not know: nothing may act on it. */
  direction: PairDirection | null;
  directionChangedAt: string | null;
  /** Who takes writes while replication runs: the original if FORWARD, the replica if REVERSE. */
  writer: PairSide | null;
  /** Who receives the transfers (and gets wiped by start/invert). */
  destination: PairSide | null;
}

export function describePair(mirror: MirrorView): PairDescription {
  const original: PairSide = { id: mirror.srcVolumeId, name: mirror.srcVolumeName ?? mirror.srcVolumeId, region: mirror.srcRegion };
  const replica: PairSide = { id: mirror.dstVolumeId, name: mirror.dstVolumeName ?? mirror.dstVolumeId, region: mirror.dstRegion };
  const direction = mirror.direction === 'FORWARD' || mirror.direction === 'REVERSE' ? mirror.direction : null;
  const writer = direction === 'FORWARD' ? original : direction === 'REVERSE' ? replica : null;
  const destination = direction === 'FORWARD' ? replica : direction === 'REVERSE' ? original : null;
  return { mirrorId: mirror.id, original, replica, direction, directionChangedAt: mirror.directionChangedAt ?? null, writer, destination };
}

/** A stable key for a pair, the same from either volume's view. */
export function pairKey(mirror: Pick<MirrorView, 'srcVolumeId' | 'dstVolumeId'>): string {
  return `${mirror.srcVolumeId}>${mirror.dstVolumeId}`;
}

/** The volume on the other side of the pair from `volumeId`. */
export function peerOf(pair: PairDescription, volumeId: string): PairSide {
  return pair.original.id === volumeId ? pair.replica : pair.original;
}

export interface MirrorCallTarget {
  volumeId: string;
  region: string;
  mirrorId: string;
}

/**
 * Where mirror calls go, in order: the writer first, then the peer (used only when the first is
 * refused as not found). Empty when the direction is unknown: no call is made on a guess.
 */
export function mirrorCallTargets(pair: PairDescription): MirrorCallTarget[] {
  if (!pair.writer || !pair.destination) return [];
  return [
    { volumeId: pair.writer.id, region: pair.writer.region, mirrorId: pair.mirrorId },
    { volumeId: pair.destination.id, region: pair.destination.region, mirrorId: pair.mirrorId },
  ];
}

/** `/stat` status in the terms decisions use; an unknown value is never ACTIVE or HALT. */
export type StatReading = 'ACTIVE' | 'HALT' | 'TRANSIENT' | 'RETRIEVE_FAILED' | 'DELETING' | 'UNKNOWN';

export function classifyStatStatus(status: string | null | undefined): StatReading {
  switch (status) {
    case 'ACTIVE':
      return 'ACTIVE';
    case 'HALT':
      return 'HALT';
    case 'UPDATING':
    case 'PENDING':
      return 'TRANSIENT';
    case 'RETRIEVE FAILED':
      return 'RETRIEVE_FAILED';
    case 'DELETING':
      return 'DELETING';
    default:
      return 'UNKNOWN';
  }
}

/** The fields of `/stat` decisions read. */
export interface StatView {
  status: string;
  lastTransferEndTime?: string | null;
  lastSuccessTransferEndTime?: string | null;
  lastTransferStatus?: string | null;
}

/** The last attempt failed: it ended after the last success (A7: the status string is not parsed). */
export function lastTransferFailed(stat: StatView): boolean {
  const last = parseTime(stat.lastTransferEndTime);
  if (last === null) return false;
  const success = parseTime(stat.lastSuccessTransferEndTime);
  return success === null || last > success;
}

/** Seconds since the last successful transfer ended, by the given (server) clock; null if none yet. */
export function lagSeconds(stat: StatView, now: Date): number | null {
  const success = parseTime(stat.lastSuccessTransferEndTime);
  return success === null ? null : Math.max(0, Math.round((now.getTime() - success) / 1000));
}

export type PairState =
  | 'PROTECTED_FORWARD'
  | 'PROTECTED_REVERSE'
  | 'SYNCING'
  | 'FAILED_OVER'
  | 'SUSPENDED'
  | 'DEGRADED'
  | 'SOURCE_UNREACHABLE'
  | 'BROKEN'
  | 'UNKNOWN';

export interface PairObservation {
  /** The pair's mirror as read from each side that answered (1 or 2 views); empty: the mirror is gone. */
  views: MirrorView[];
  /** null when `/stat` could not be read. */
  stat: StatView | null;
  /** The writer's region answered recent probes (false = repeated failures recorded as evidence). */
  writerRegionReachable: boolean;
  /** nasorch's own record: the last completed failover run left this pair failed over. */
  failedOverByRun: boolean;
  /** DEGRADED above this lag (seconds); undefined = lag never degrades. */
  lagCriticalSeconds?: number;
  /** Server time (the API's Date header) when known, else the local clock. */
  now: Date;
}

export interface PairStateDecision {
  state: PairState;
  reasons: string[];
  pair: PairDescription | null;
  lagSeconds: number | null;
}

/** The derived state of a pair (failover-research.md §5.1); contradictions give UNKNOWN. */
export function derivePairState(obs: PairObservation): PairStateDecision {
  const lag = obs.stat ? lagSeconds(obs.stat, obs.now) : null;
  const decide = (state: PairState, reasons: string[], pair: PairDescription | null): PairStateDecision => ({ state, reasons, pair, lagSeconds: lag });

  const [first, ...others] = obs.views;
  if (!first) return decide('BROKEN', ['the mirror is not listed on either volume'], null);
  const pair = describePair(first);
  for (const other of others) {
    if (pairKey(other) !== pairKey(first)) return decide('UNKNOWN', [`the two volumes list different pairs (${pairKey(first)} / ${pairKey(other)})`], pair);
    if (other.direction !== first.direction) return decide('UNKNOWN', [`the two volumes disagree on direction (${first.direction} / ${other.direction})`], pair);
  }
  if (!pair.direction) return decide('UNKNOWN', [`unknown direction ${JSON.stringify(first.direction)}`], pair);
  if (!obs.writerRegionReachable) return decide('SOURCE_UNREACHABLE', [`the writer's region ${pair.writer!.region} does not answer`], pair);
  if (obs.views.some((v) => v.status === 'DELETING')) return decide('BROKEN', ['the mirror is being deleted'], pair);
  if (!obs.stat) return decide('UNKNOWN', ['replication status could not be read'], pair);

  const reading = classifyStatStatus(obs.stat.status);
  const mirrorBusy = obs.views.some((v) => v.status === 'UPDATING' || v.status === 'PENDING');
  switch (reading) {
    case 'DELETING':
      return decide('BROKEN', ['the mirror is being deleted'], pair);
    case 'RETRIEVE_FAILED':
      return decide('UNKNOWN', ['replication status is RETRIEVE FAILED'], pair);
    case 'UNKNOWN':
      return decide('UNKNOWN', [`unknown replication status ${JSON.stringify(obs.stat.status)}`], pair);
    case 'TRANSIENT':
      return decide('SYNCING', [`replication status ${obs.stat.status}`], pair);
    case 'HALT':
      return obs.failedOverByRun
        ? decide('FAILED_OVER', ['replication is HALT after a failover run; the replica takes writes'], pair)
        : decide('SUSPENDED', ['replication is HALT (stopped, not failed over by nasorch)'], pair);
    case 'ACTIVE': {
      if (mirrorBusy) return decide('SYNCING', ['the mirror object is UPDATING/PENDING'], pair);
      if (lastTransferFailed(obs.stat)) return decide('DEGRADED', [`the last transfer failed (${obs.stat.lastTransferStatus ?? 'status not given'})`], pair);
      if (lag === null) return decide('SYNCING', ['no successful transfer yet'], pair);
      if (obs.lagCriticalSeconds !== undefined && lag > obs.lagCriticalSeconds) return decide('DEGRADED', [`lag ${lag}s is over ${obs.lagCriticalSeconds}s`], pair);
      return decide(pair.direction === 'FORWARD' ? 'PROTECTED_FORWARD' : 'PROTECTED_REVERSE', [`ACTIVE ${pair.direction}, lag ${lag}s`], pair);
    }
  }
}

function parseTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
