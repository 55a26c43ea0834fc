// The simulator's public surface, shared by tests, the CLI and the demo. The implementation
// lives beside this file; this module only names what callers may rely on.

export const SIM_REGIONS = ['KR1', 'KR2'] as const;

export interface SimulatorCredentials {
  tenantId: string;
  username: string;
  password: string;
}

/** Per-route fault. `route` is "METHOD /v1/path/with/:params" or "POST /v2.0/tokens"; "*" matches any. */
export interface FaultRule {
  route: string;
  /** Only in this region (KR1, KR2); all when absent. Ignored for identity. */
  region?: string;
  /** 0..1 probability a matching request fails with `status`. Default 1 when status is set. */
  errorRate?: number;
  status?: number;
  /** Extra latency before answering, ms. */
  latencyMs?: number;
  /** Never answer (until the client gives up / the socket closes). */
  hang?: boolean;
  /** Apply to at most this many matching requests, then expire. */
  times?: number;
  /**
   * Apply the request, then lose its reply (lost-replies.ts): `reset` the connection, `hang`
   * (never answer), or answer this 5xx status instead. With `errorRate`, only that share.
   */
  loseReply?: LostReply;
}

/** How an applied request's reply is lost (FaultRule.loseReply). */
export type LostReply = 'reset' | 'hang' | number;

export interface SimulatorFaults {
  rules: FaultRule[];
}

/**
 * Faults of one volume mirror (also `fault` of a mirror in the state file, and
 * POST /_admin/mirrors/:mirrorId/fault). Each flag stays until set to false; absent = unchanged.
 */
export interface MirrorFault {
  /**
   * true: replication breaks off by itself (`/stat` HALT, lastTransferStatus FAILED, no final sync,
   * the destination stays read-only). false: heals it (ACTIVE again with a transfer); a `start` also resumes.
   */
  halt?: boolean;
  /** `/stat` answers status "RETRIEVE FAILED" with null figures while set; replication itself goes on. */
  retrieveFailed?: boolean;
  /** Every replication run fails (lastTransferStatus FAILED) while set. */
  transferFails?: boolean;
}

/** A mirror call, for the A1 switch (`mirrorCallVolume`). */
export type MirrorCall = 'stat' | 'stop' | 'start' | 'invert' | 'delete';
/**
 * Which volume a mirror call accepts (A1): `either` side through its own region; only the
 * `source` (srcVolumeId in srcRegion, as NHN's Terraform provider calls it); or only the current
 * `writer` (the sending side: src when FORWARD, dst when REVERSE).
 */
export type MirrorCallSide = 'either' | 'source' | 'writer';
/** What one region's NAS endpoint does during an outage: answer normally, never answer, drop the connection, or 503. */
export type RegionOutage = 'none' | 'hang' | 'refuse' | 'unavailable';

/** The switches for what NHN leaves open (failover-research.md §4), all in force at once. */
export interface SimSwitches {
  /** A1, per call. */
  mirrorCallVolume: Record<MirrorCall, MirrorCallSide>;
  /** A1: the answer to a call on a side it does not accept (400, or 404 as if the mirror were not there). */
  mirrorCallRejectStatus: 400 | 404;
  /** A3: `stop` while the peer region is down: an error (500), no answer at all, or HALT without the final sync. */
  stopWithPeerDown: 'fails' | 'hangs' | 'works';
  /** A4: `invert-direction` on a HALT mirror first replicates in the old direction (`presync`), or not. */
  invertOnHalt: 'no-presync' | 'presync';
  /** A5: the wiped side's NORMAL/SCHEDULED snapshots on start/invert: all kept, those newer than the common MIRROR snapshot deleted, or all deleted. */
  snapshotsOnWipe: 'survive' | 'newer-deleted' | 'deleted';
  /** Region outage per region. */
  outage: Record<(typeof SIM_REGIONS)[number], RegionOutage>;
}

/** A change of switches: absent fields stay; `mirrorCallVolume` as one value sets every call. */
export interface SimSwitchesInput {
  mirrorCallVolume?: MirrorCallSide | Partial<Record<MirrorCall, MirrorCallSide>>;
  mirrorCallRejectStatus?: 400 | 404;
  stopWithPeerDown?: SimSwitches['stopWithPeerDown'];
  invertOnHalt?: SimSwitches['invertOnHalt'];
  snapshotsOnWipe?: SimSwitches['snapshotsOnWipe'];
  outage?: Partial<SimSwitches['outage']>;
}

/** Undocumented values the quirks mode sends instead of the documented ones (each only when set). */
export interface UnknownValueQuirks {
  /** Every snapshot's `type`. */
  snapshotType?: string;
  /** Every mirror object's `status`, `role`, `direction`. */
  mirrorStatus?: string;
  mirrorRole?: string;
  mirrorDirection?: string;
  /** `/stat`'s `status`. */
  statStatus?: string;
}

/**
 * "Real-cloud quirks": answers in shapes the spec does not rule out. Only answers change; the
 * world behind them and the checks of requests stay as they are.
 */
export interface SimQuirks {
  /**
   * null for the fields the spec leaves open: a volume's `interfaces`/`mirrors`/`acl` when empty,
   * `mountProtocol`, `tenantId`, `projectId`, `description`, `encryption`, `updatedAt`,
   * `snapshotPolicy.schedule.weekdays`; a mirror's `src`/`dst` `TenantId`, `ProjectId`, `VolumeName`
   * (and no `directionChangedAt` at all); an interface's `tenantId`; `header.resultMessage` of
   * successful answers; `reclaimableSpace`.
   */
  nulls: boolean;
  unknownValues: UnknownValueQuirks;
  /** Extra service-catalog entries in odd shapes before the real ones: no `type`, `endpoints: null`, endpoints without `region` or `publicURL`, a null entry. */
  oddCatalog: boolean;
  /**
   * Two malformed entries in every unfiltered volume listing (second and third place, counted in
   * `totalCount`): one with `name: null`, one with `id: null`. They exist only in the listing.
   */
  malformedVolumes: boolean;
  /** Names of real volumes whose listing entries come with `name: null` (a volume of its own that turns malformed; GET by id answers as usual). */
  namelessVolumes: string[];
}

/** A change of quirks: absent fields stay; `true`/`false` (for all, or for `unknownValues`) turn everything on/off; a null value turns one unknown value off. */
export type SimQuirksInput = {
  nulls?: boolean;
  unknownValues?: boolean | { [K in keyof UnknownValueQuirks]?: string | null };
  oddCatalog?: boolean;
  malformedVolumes?: boolean;
  namelessVolumes?: string[];
};

/** What clients see of a volume's data: the write sequence and whether they can write now. */
export interface SimVolumeData {
  id: string;
  name: string;
  region: string;
  status: string;
  /**
   * The latest client write contained in the volume's data (0: none). Numbers are unique across
   * the whole simulator, so two volumes with the same seq hold the same data.
   */
  seq: number;
  /** When write `seq` was made (on whichever volume took it); null with seq 0. */
  lastWriteAt: string | null;
  writable: boolean;
  /** Why clients cannot write, when they cannot. */
  readOnlyReason: string | null;
  userDataGb: number;
}

/** Client writes to a volume (POST /_admin/volumes/:id/writes). */
export interface SimWriteOptions {
  /** Needed only when the id exists in both regions. */
  region?: string;
  /** Number of writes (default 1); seq advances by this much. */
  count?: number;
  /** User data the writes add, GB (default 0). */
  gb?: number;
}

export interface SimulatorStartOptions {
  port?: number; // 0 = ephemeral (default)
  host?: string; // default 127.0.0.1
  /** Path of a state file (JSON or YAML) or an in-memory state object; default: built-in demo state. */
  state?: string | Record<string, unknown>;
  /** Path of a faults file or an object. */
  faults?: string | SimulatorFaults;
  /**
   * 'real': the clock follows wall time (plus any advance); 'manual': it only moves when advanced.
   * Default 'real' for the CLI, tests choose.
   */
  clock?: 'real' | 'manual';
  /** Seed for fault randomness, so error rates are reproducible. */
  seed?: number;
  /** Simulated start instant; default: now. */
  startTime?: Date | string;
  /** Switches (A1/A3/A4/A5, region outage); override the state file's `switches`. */
  switches?: SimSwitchesInput;
  /** Durations (any key of the state file's `timing`); override the state file's. */
  timing?: Record<string, number>;
  /** Real-cloud quirks (see SimQuirks; `true` = all); override the state file's `quirks`. */
  quirks?: SimQuirksInput | boolean;
}

export interface RunningSimulator {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Value for NHN_IDENTITY_URL (same server). */
  identityUrl: string;
  credentials: SimulatorCredentials;
  now(): Date;
  /** Move simulated time forward; runs every time-driven behaviour due in between. */
  advance(ms: number): Promise<void>;
  setFaults(faults: SimulatorFaults): void;
  /** Puts a volume mirror into a fault state (see MirrorFault). */
  setMirrorFault(mirrorId: string, fault: MirrorFault): void;
  revokeTokens(): void;
  /** The switches in force. */
  switches(): SimSwitches;
  /** Changes some switches (validated; a bad value throws SimulatorConfigError naming the field). */
  setSwitches(change: SimSwitchesInput): SimSwitches;
  /** The quirks in force. */
  quirks(): SimQuirks;
  /** Changes some quirks (validated like switches); `true`/`false` turns all on/off. */
  setQuirks(change: SimQuirksInput | boolean): SimQuirks;
  /** Client writes to a volume; throws when clients cannot write (read-only replication target). */
  writeVolume(volumeId: string, options?: SimWriteOptions): SimVolumeData;
  /** A volume's write sequence and writability. */
  volumeData(volumeId: string, region?: string): SimVolumeData;
  /** Every request answered so far (oldest first). */
  requests(): SimRequestRecord[];
  close(): Promise<void>;
}

/** One request the simulator answered, for tests that count calls. */
export interface SimRequestRecord {
  method: string;
  /** Route pattern, e.g. "POST /v1/volumes/:volumeId/snapshots" or "POST /v2.0/tokens". */
  route: string;
  /** Concrete path without the region prefix. */
  path: string;
  region?: string;
  status: number;
  /** The reply was lost after the request was applied (`status` is what the handler answered). */
  replyLost?: LostReply;
  at: Date;
}
