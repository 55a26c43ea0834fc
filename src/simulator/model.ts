// What the simulated cloud holds: volumes (per region, each with its interfaces, snapshots
// and restore history) and volume mirrors (which span two regions, so they live beside
// the regions). Plain data plus lookups; behaviour lives in volumes.ts, snapshots.ts,
// mirrors.ts and replication.ts.
import type { SimClock, TaskHandle } from './clock.ts';
import { SIM_REGIONS, type SimQuirks, type SimSwitches } from './contract.ts';
import { notFound } from './envelope.ts';
import { defaultQuirks } from './quirks.ts';
import { defaultSwitches } from './switches.ts';
import type { DataState } from './usage.ts';

export type Region = (typeof SIM_REGIONS)[number];

export function isRegion(value: string): value is Region {
  return (SIM_REGIONS as readonly string[]).includes(value);
}

/** Simulated durations of the asynchronous steps, in seconds of simulated time. */
export interface SimTiming {
  volumeBuildSeconds: number;
  volumeUpdateSeconds: number;
  volumeDeleteSeconds: number;
  interfaceBuildSeconds: number;
  interfaceDeleteSeconds: number;
  mirrorSetupSeconds: number;
  mirrorUpdateSeconds: number;
  /** stop's and invert's final sync "up to the time the request is made": its transfer ends this long after the request. */
  finalSyncSeconds: number;
  mirrorDeleteSeconds: number;
  replicationIntervalSeconds: number;
}

export const DEFAULT_TIMING: SimTiming = {
  volumeBuildSeconds: 10,
  volumeUpdateSeconds: 5,
  volumeDeleteSeconds: 5,
  interfaceBuildSeconds: 10,
  interfaceDeleteSeconds: 5,
  mirrorSetupSeconds: 30,
  mirrorUpdateSeconds: 10,
  finalSyncSeconds: 10,
  mirrorDeleteSeconds: 10,
  replicationIntervalSeconds: 60,
};

/** The one tenant (project) the simulator serves. */
export interface SimAccount {
  tenantId: string;
  projectId: string;
  userId: string;
  username: string;
}

export type VolumeStatus = 'BUILDING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
export type InterfaceStatus = 'BUILDING' | 'ACTIVE' | 'DELETING';
export type SnapshotType = 'NORMAL' | 'SCHEDULED' | 'MIRROR';
export type Protocol = 'nfs' | 'cifs';

export interface SimInterface {
  id: string;
  subnetId: string;
  /** The address the interface gets once ACTIVE. */
  ip: string;
  status: InterfaceStatus;
}

/**
 * What client writes put in a volume: the latest write it holds. Write numbers are unique
 * across the world, so equal `seq` means equal data; replication and restores copy it.
 */
export interface VolumeContent {
  seq: number;
  writtenAt: Date | null;
}

export const EMPTY_CONTENT: VolumeContent = { seq: 0, writtenAt: null };

export interface SimSnapshot {
  id: string;
  name: string;
  type: SnapshotType;
  preserved: boolean;
  createdAt: Date;
  /** Bytes held by this snapshot (changed data since the previous one). */
  size: number;
  /** User data on the volume when it was taken; a restore returns to it. */
  dataGb: number;
  /** Client writes it holds; a restore returns to them too. */
  content: VolumeContent;
}

export interface SnapshotSchedule {
  time: string;
  timeOffset: string;
  weekdays: number[];
}

export interface SimSnapshotPolicy {
  maxScheduledCount: number | null;
  reservePercent: number;
  schedule: SnapshotSchedule | null;
}

export interface SimRestoreHistory {
  requestedAt: Date;
  requestedIp: string | null;
  requestedUser: string | null;
  restoredAt: Date | null;
  result: string;
  snapshotId: string;
  snapshotName: string;
  volumeId: string;
}

export interface SimVolume {
  id: string;
  region: Region;
  name: string;
  description: string | null;
  sizeGb: number;
  tenantId: string;
  projectId: string;
  acl: string[];
  encrypted: boolean;
  protocol: Protocol;
  cifsAuthIds: string[] | null;
  snapshotPolicy: SimSnapshotPolicy;
  status: VolumeStatus;
  createdAt: Date;
  updatedAt: Date | null;
  interfaces: SimInterface[];
  /** Oldest first. */
  snapshots: SimSnapshot[];
  restoreHistories: SimRestoreHistory[];
  data: DataState;
  content: VolumeContent;
  /** The next native scheduled-snapshot run, when a schedule is set. */
  scheduleTask?: TaskHandle;
}

/** Mirror-object vocabulary (volume.mirrors[].status). */
export type MirrorObjectStatus = 'PENDING' | 'INITIALIZED' | 'UPDATING' | 'DELETING';
/** `/stat` vocabulary, without the RETRIEVE FAILED overlay. */
export type ReplicationStatus = 'PENDING' | 'ACTIVE' | 'UPDATING' | 'HALT' | 'DELETING';
export type MirrorDirection = 'FORWARD' | 'REVERSE';

export interface TransferRecord {
  bytes: number;
  endAt: Date;
  status: 'SUCCESS' | 'FAILED';
}

export interface SimMirror {
  id: string;
  srcRegion: Region;
  srcVolumeId: string;
  srcTenantId: string;
  srcProjectId: string;
  dstRegion: Region;
  dstVolumeId: string;
  dstTenantId: string;
  dstProjectId: string;
  createdAt: Date;
  direction: MirrorDirection;
  directionChangedAt: Date | null;
  objectStatus: MirrorObjectStatus;
  replication: ReplicationStatus;
  /** True once a stop completed: the receiving volume accepts writes (failover). */
  receiverWritable: boolean;
  lastTransfer: TransferRecord | null;
  lastSuccess: TransferRecord | null;
  /** Sender's user data (GB) as of the last successful transfer. */
  transferredDataGb: number;
  /** Injected faults (admin endpoint / state file / setMirrorFault). */
  retrieveFailed: boolean;
  transferFails: boolean;
  /** HALT came from a `halt` fault (cleared by `halt: false` or a start), not from a stop. */
  haltedByFault: boolean;
  /** The next periodic replication run or pending state change. */
  task?: TaskHandle;
}

export class SimWorld {
  readonly volumes: Record<Region, Map<string, SimVolume>> = { KR1: new Map(), KR2: new Map() };
  readonly mirrors = new Map<string, SimMirror>();
  private interfaceCount = 0;
  /** The last client write number handed out (world-wide). */
  private lastSeq = 0;
  /** How answers are shaped (quirks.ts); the world itself does not depend on it. */
  quirks: SimQuirks = defaultQuirks();

  constructor(
    readonly clock: SimClock,
    readonly account: SimAccount,
    readonly timing: SimTiming,
    public switches: SimSwitches = defaultSwitches(),
  ) {}

  /** A fresh client write number. */
  nextSeq(): number {
    return ++this.lastSeq;
  }

  /** Seeded data counts as written: later writes get higher numbers. */
  noteSeq(seq: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq);
  }

  /** The region's NAS endpoint (and its replication) is out, by the `outage` switch. */
  isRegionDown(region: Region): boolean {
    return this.switches.outage[region] !== 'none';
  }

  /** The volume, or a 404 naming it. */
  volume(region: Region, volumeId: string): SimVolume {
    const volume = this.volumes[region].get(volumeId);
    if (!volume) throw notFound(`Volume ${volumeId} not found in ${region}`);
    return volume;
  }

  /** A fresh private address for a volume interface (10.0.x.y, deterministic). */
  allocateIp(): string {
    const n = this.interfaceCount++;
    return `10.0.${Math.floor(n / 250) % 250}.${(n % 250) + 4}`;
  }

  volumeByName(region: Region, name: string): SimVolume | undefined {
    for (const v of this.volumes[region].values()) if (v.name === name) return v;
    return undefined;
  }

  mirrorsOf(volume: SimVolume): SimMirror[] {
    return [...this.mirrors.values()].filter((m) => isMirrorSide(m, volume));
  }

  /** The mirror as seen from `volume` (either side), or a 404. */
  mirrorOf(volume: SimVolume, mirrorId: string): SimMirror {
    const mirror = this.mirrors.get(mirrorId);
    if (!mirror || !isMirrorSide(mirror, volume)) {
      throw notFound(`Volume mirror ${mirrorId} not found on volume ${volume.id}`);
    }
    return mirror;
  }

  /** The volume replication currently writes into (read-only while replication runs). */
  receiverOf(mirror: SimMirror): SimVolume | undefined {
    return mirror.direction === 'FORWARD'
      ? this.volumes[mirror.dstRegion].get(mirror.dstVolumeId)
      : this.volumes[mirror.srcRegion].get(mirror.srcVolumeId);
  }

  senderOf(mirror: SimMirror): SimVolume | undefined {
    return mirror.direction === 'FORWARD'
      ? this.volumes[mirror.srcRegion].get(mirror.srcVolumeId)
      : this.volumes[mirror.dstRegion].get(mirror.dstVolumeId);
  }

  /** A volume is read-only while it receives replication (until a stop hands it over). */
  isReadOnly(volume: SimVolume): boolean {
    return this.replicatingInto(volume) !== undefined;
  }

  /** The mirror that keeps `volume` read-only, if any. */
  replicatingInto(volume: SimVolume): SimMirror | undefined {
    return this.mirrorsOf(volume).find((m) => !m.receiverWritable && this.receiverOf(m) === volume);
  }
}

export function isMirrorSide(mirror: SimMirror, volume: SimVolume): boolean {
  return (
    (mirror.srcVolumeId === volume.id && mirror.srcRegion === volume.region) ||
    (mirror.dstVolumeId === volume.id && mirror.dstRegion === volume.region)
  );
}
