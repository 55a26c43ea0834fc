// Runtime schemas for NHN Cloud NAS API v1 (../shared/reference/nhn-nas-api-v1.en.md).
// Parse leniently where the spec promises nothing, so one odd answer cannot blind a region:
// - objects are loose (`z.looseObject`): NHN documents that undocumented fields such as
//   `stationId` appear in responses;
// - enumerated fields are open (open-enum.ts): an undocumented value is kept, typed apart, and
//   logged once; decisions ask `isKnown…` first;
// - `null` (or absence) is accepted for every field nasorch does not need to act, normalised to
//   `undefined` (`[]` for lists where "none" is what null means). Ids and names nasorch acts on
//   stay required: volume id/name/sizeGb, mirror id and its volume ids/regions, snapshot
//   id/name/type/preserved/createdAt, /stat status.
import { z } from 'zod';
import { isKnown, openEnum, type KnownOrUnknown } from './open-enum.ts';

/** null or absent → undefined. */
const optional = <S extends z.ZodType>(schema: S) => schema.nullish().transform((v) => v ?? undefined);
/** A list where null means none. */
const list = <S extends z.ZodType>(item: S) => z.array(item).nullish().transform((v) => v ?? []);

export const ResponseHeader = z.looseObject({
  isSuccessful: z.boolean(),
  resultCode: z.number().int(),
  resultMessage: optional(z.string()),
});
export type ResponseHeader = z.infer<typeof ResponseHeader>;

export const Paging = z.looseObject({
  limit: z.number().int(),
  page: z.number().int(),
  totalCount: z.number().int(),
});
export type Paging = z.infer<typeof Paging>;

/** `/stat` vocabulary (note the space in "RETRIEVE FAILED"). */
export const MIRROR_STAT_STATUSES = ['ACTIVE', 'UPDATING', 'DELETING', 'PENDING', 'HALT', 'RETRIEVE FAILED'] as const;
export type KnownMirrorStatStatus = (typeof MIRROR_STAT_STATUSES)[number];
export type MirrorStatStatus = KnownOrUnknown<KnownMirrorStatStatus>;
export const MirrorStatStatus = openEnum('volumeMirrorStat.status', MIRROR_STAT_STATUSES);
export const isKnownStatStatus = (s: MirrorStatStatus | undefined): s is KnownMirrorStatStatus => isKnown(MIRROR_STAT_STATUSES, s);

/** Mirror-object vocabulary. */
export const MIRROR_STATUSES = ['INITIALIZED', 'UPDATING', 'DELETING', 'PENDING'] as const;
export type KnownMirrorStatus = (typeof MIRROR_STATUSES)[number];
export type MirrorStatus = KnownOrUnknown<KnownMirrorStatus>;
export const MirrorStatus = openEnum('mirror.status', MIRROR_STATUSES);
export const isKnownMirrorStatus = (s: MirrorStatus | undefined): s is KnownMirrorStatus => isKnown(MIRROR_STATUSES, s);

export const MIRROR_ROLES = ['SOURCE', 'DESTINATION'] as const;
export type KnownMirrorRole = (typeof MIRROR_ROLES)[number];
export type MirrorRole = KnownOrUnknown<KnownMirrorRole>;
export const MirrorRole = openEnum('mirror.role', MIRROR_ROLES);
export const isKnownMirrorRole = (r: MirrorRole | undefined): r is KnownMirrorRole => isKnown(MIRROR_ROLES, r);

export const MIRROR_DIRECTIONS = ['FORWARD', 'REVERSE'] as const;
export type KnownMirrorDirection = (typeof MIRROR_DIRECTIONS)[number];
export type MirrorDirection = KnownOrUnknown<KnownMirrorDirection>;
export const MirrorDirection = openEnum('mirror.direction', MIRROR_DIRECTIONS);
export const isKnownMirrorDirection = (d: MirrorDirection | undefined): d is KnownMirrorDirection => isKnown(MIRROR_DIRECTIONS, d);

export const SNAPSHOT_TYPES = ['NORMAL', 'SCHEDULED', 'MIRROR'] as const;
export type KnownSnapshotType = (typeof SNAPSHOT_TYPES)[number];
export type SnapshotType = KnownOrUnknown<KnownSnapshotType>;
export const SnapshotType = openEnum('snapshot.type', SNAPSHOT_TYPES);
export const isKnownSnapshotType = (t: SnapshotType | undefined): t is KnownSnapshotType => isKnown(SNAPSHOT_TYPES, t);

export const VolumeInterface = z.looseObject({
  id: z.string(),
  path: optional(z.string()),
  status: optional(z.string()),
  subnetId: optional(z.string()),
  tenantId: optional(z.string()),
});
export type VolumeInterface = z.infer<typeof VolumeInterface>;

export const VolumeMirror = z.looseObject({
  id: z.string().min(1),
  role: MirrorRole,
  status: MirrorStatus,
  direction: MirrorDirection,
  directionChangedAt: optional(z.string()),
  dstProjectId: optional(z.string()),
  dstRegion: z.string(),
  dstTenantId: optional(z.string()),
  dstVolumeId: z.string(),
  dstVolumeName: optional(z.string()),
  srcProjectId: optional(z.string()),
  srcRegion: z.string(),
  srcTenantId: optional(z.string()),
  srcVolumeId: z.string(),
  srcVolumeName: optional(z.string()),
  createdAt: optional(z.string()),
});
export type VolumeMirror = z.infer<typeof VolumeMirror>;

export const SnapshotSchedule = z.looseObject({
  time: optional(z.string()),
  timeOffset: optional(z.string()),
  /** Empty means every day; undefined means the API did not say. */
  weekdays: optional(z.array(z.number().int().min(0).max(6))),
});
export type SnapshotSchedule = z.infer<typeof SnapshotSchedule>;

export const SnapshotPolicy = z.looseObject({
  maxScheduledCount: optional(z.number().int()),
  reservePercent: optional(z.number().int()),
  schedule: optional(SnapshotSchedule),
});
export type SnapshotPolicy = z.infer<typeof SnapshotPolicy>;

export const MountProtocol = z.looseObject({
  protocol: optional(z.string()),
  cifsAuthIds: optional(z.array(z.string())),
});

export const Volume = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  status: optional(z.string()),
  description: optional(z.string()),
  sizeGb: z.number().int(),
  projectId: optional(z.string()),
  tenantId: optional(z.string()),
  acl: optional(z.array(z.string())),
  encryption: optional(z.looseObject({ enabled: optional(z.boolean()), keys: optional(z.array(z.unknown())) })),
  interfaces: list(VolumeInterface),
  mirrors: list(VolumeMirror),
  mountProtocol: optional(MountProtocol),
  snapshotPolicy: optional(SnapshotPolicy),
  createdAt: optional(z.string()),
  updatedAt: optional(z.string()),
});
export type Volume = z.infer<typeof Volume>;

export const Snapshot = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  size: optional(z.number().int()),
  type: SnapshotType,
  preserved: z.boolean(),
  createdAt: z.string(),
  /** Only with `showReclaimableSpace=true`. */
  reclaimableSpace: optional(z.number().int()),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const RestoreHistory = z.looseObject({
  requestedAt: optional(z.string()),
  requestedIp: optional(z.string()),
  requestedUser: optional(z.string()),
  restoredAt: optional(z.string()),
  result: optional(z.string()),
  snapshotId: optional(z.string()),
  snapshotName: optional(z.string()),
  volumeId: optional(z.string()),
});
export type RestoreHistory = z.infer<typeof RestoreHistory>;

/** The original (ko) spec has only `usedGb` and `snapshotReserveGb`; newer docs add the rest. */
export const Usage = z.looseObject({
  snapshotReserveGb: z.number().int(),
  usedGb: z.number().int(),
  snapshotUsedGb: optional(z.number().int()),
  snapshotUsedGbInReservedSpace: optional(z.number().int()),
  snapshotUsedGbInUserSpace: optional(z.number().int()),
  userDataGb: optional(z.number().int()),
});
export type Usage = z.infer<typeof Usage>;

export const MirrorStat = z.looseObject({
  lastSuccessTransferBytes: optional(z.number().int()),
  lastSuccessTransferEndTime: optional(z.string()),
  lastTransferBytes: optional(z.number().int()),
  lastTransferEndTime: optional(z.string()),
  /** Values undocumented. */
  lastTransferStatus: optional(z.string()),
  status: MirrorStatStatus,
});
export type MirrorStat = z.infer<typeof MirrorStat>;

// ---- Response envelopes -------------------------------------------------------------

const envelope = <T extends z.ZodRawShape>(shape: T) => z.looseObject({ header: ResponseHeader, ...shape });

export const HeaderOnlyResponse = envelope({});
/** Every volume valid (tests and tools); the client reads `VolumeListPage` instead. */
export const VolumeListResponse = envelope({ paging: Paging, volumes: z.array(Volume) });
/** What the client reads: entries are checked one by one (paging.ts), so one malformed volume does not fail the page. */
export const VolumeListPage = envelope({ paging: Paging, volumes: z.array(z.unknown()) });
export const VolumeResponse = envelope({ volume: Volume });
export const InterfaceResponse = envelope({ interface: VolumeInterface });
export const RestoreHistoryListResponse = envelope({ paging: Paging, restoreHistories: z.array(RestoreHistory) });
export const UsageResponse = envelope({ usage: Usage });
export const SnapshotListResponse = envelope({ snapshots: z.array(Snapshot) });
export const SnapshotResponse = envelope({ snapshot: Snapshot });
export const VolumeMirrorResponse = envelope({ volumeMirror: VolumeMirror });
export const MirrorStatResponse = envelope({ volumeMirrorStat: MirrorStat });

// ---- Requests -----------------------------------------------------------------------

export const SnapshotScheduleInput = z.object({
  time: z.string().optional(),
  timeOffset: z.string().optional(),
  weekdays: z.array(z.number().int().min(0).max(6)).optional(),
});

export const SnapshotPolicyInput = z.object({
  maxScheduledCount: z.number().int().optional(),
  reservePercent: z.number().int().optional(),
  schedule: SnapshotScheduleInput.nullable().optional(),
});

export interface CreateVolumeInput {
  name: string;
  sizeGb: number;
  mountProtocol: { protocol: 'nfs' | 'cifs' | 'NFS' | 'CIFS'; cifsAuthIds?: string[] };
  description?: string;
  acl?: string[];
  encryption?: { enabled: boolean };
  interfaces?: { subnetId: string }[];
  snapshotPolicy?: z.infer<typeof SnapshotPolicyInput>;
}

export interface UpdateVolumeInput {
  description?: string;
  acl?: string[];
  sizeGb?: number;
  mountProtocol?: { protocol?: string; cifsAuthIds?: string[] };
  snapshotPolicy?: z.infer<typeof SnapshotPolicyInput>;
}

export interface CreateMirrorInput {
  dstRegion: string;
  dstTenantId: string;
  dstVolume: CreateVolumeInput;
}

export interface ListVolumesQuery {
  sizeGb?: number;
  maxSizeGb?: number;
  minSizeGb?: number;
  name?: string;
  nameContains?: string;
  subnetId?: string;
  limit?: number;
  page?: number;
  /** `{key}:{direction}`, keys id|name|sizeGb|createdAt|updatedAt. */
  sort?: string;
}

export interface ListRestoreHistoriesQuery {
  limit?: number;
  page?: number;
  sort?: string;
}
