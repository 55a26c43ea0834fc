// Runtime schemas for NHN Cloud NAS API v1 (../shared/reference/nhn-nas-api-v1.en.md).
// Objects are loose (`z.looseObject`): NHN documents that undocumented fields such as
// `stationId` appear in responses, and they must not break parsing.
// Fields the spec lists for every object but which samples omit (e.g. `encryption.keys`)
// are optional; nullable where a sample shows null.
import { z } from 'zod';

export const ResponseHeader = z.looseObject({
  isSuccessful: z.boolean(),
  resultCode: z.number().int(),
  resultMessage: z.string(),
});
export type ResponseHeader = z.infer<typeof ResponseHeader>;

export const Paging = z.looseObject({
  limit: z.number().int(),
  page: z.number().int(),
  totalCount: z.number().int(),
});
export type Paging = z.infer<typeof Paging>;

/** `/stat` vocabulary (note the space in "RETRIEVE FAILED"). */
export const MirrorStatStatus = z.enum(['ACTIVE', 'UPDATING', 'DELETING', 'PENDING', 'HALT', 'RETRIEVE FAILED']);
export type MirrorStatStatus = z.infer<typeof MirrorStatStatus>;
/** Mirror-object vocabulary. */
export const MirrorStatus = z.enum(['INITIALIZED', 'UPDATING', 'DELETING', 'PENDING']);
export const MirrorRole = z.enum(['SOURCE', 'DESTINATION']);
export const MirrorDirection = z.enum(['FORWARD', 'REVERSE']);
export const SnapshotType = z.enum(['NORMAL', 'SCHEDULED', 'MIRROR']);
export type SnapshotType = z.infer<typeof SnapshotType>;

export const VolumeInterface = z.looseObject({
  id: z.string(),
  path: z.string().nullable(),
  status: z.string(),
  subnetId: z.string(),
  tenantId: z.string().optional(),
});
export type VolumeInterface = z.infer<typeof VolumeInterface>;

export const VolumeMirror = z.looseObject({
  id: z.string(),
  role: MirrorRole,
  status: MirrorStatus,
  direction: MirrorDirection,
  directionChangedAt: z.string().nullable(),
  dstProjectId: z.string().nullable().optional(),
  dstRegion: z.string(),
  dstTenantId: z.string(),
  dstVolumeId: z.string(),
  dstVolumeName: z.string(),
  srcProjectId: z.string().nullable().optional(),
  srcRegion: z.string(),
  srcTenantId: z.string(),
  srcVolumeId: z.string(),
  srcVolumeName: z.string(),
  createdAt: z.string(),
});
export type VolumeMirror = z.infer<typeof VolumeMirror>;

export const SnapshotSchedule = z.looseObject({
  time: z.string(),
  timeOffset: z.string(),
  weekdays: z.array(z.number().int().min(0).max(6)),
});
export type SnapshotSchedule = z.infer<typeof SnapshotSchedule>;

export const SnapshotPolicy = z.looseObject({
  maxScheduledCount: z.number().int().nullable().optional(),
  reservePercent: z.number().int().nullable().optional(),
  schedule: SnapshotSchedule.nullable().optional(),
});
export type SnapshotPolicy = z.infer<typeof SnapshotPolicy>;

export const MountProtocol = z.looseObject({
  protocol: z.string(),
  cifsAuthIds: z.array(z.string()).nullable().optional(),
});

export const Volume = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  description: z.string().nullable().optional(),
  sizeGb: z.number().int(),
  projectId: z.string().nullable().optional(),
  tenantId: z.string(),
  acl: z.array(z.string()).nullable().optional(),
  encryption: z.looseObject({ enabled: z.boolean(), keys: z.array(z.unknown()).nullable().optional() }).nullable().optional(),
  interfaces: z.array(VolumeInterface).default([]),
  mirrors: z.array(VolumeMirror).default([]),
  mountProtocol: MountProtocol,
  snapshotPolicy: SnapshotPolicy.nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string().nullable().optional(),
});
export type Volume = z.infer<typeof Volume>;

export const Snapshot = z.looseObject({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  type: SnapshotType,
  preserved: z.boolean(),
  createdAt: z.string(),
  /** Only with `showReclaimableSpace=true`. */
  reclaimableSpace: z.number().int().optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const RestoreHistory = z.looseObject({
  requestedAt: z.string(),
  requestedIp: z.string().nullable().optional(),
  requestedUser: z.string().nullable().optional(),
  restoredAt: z.string().nullable().optional(),
  result: z.string(),
  snapshotId: z.string(),
  snapshotName: z.string(),
  volumeId: z.string(),
});
export type RestoreHistory = z.infer<typeof RestoreHistory>;

/** The original (ko) spec has only `usedGb` and `snapshotReserveGb`; newer docs add the rest. */
export const Usage = z.looseObject({
  snapshotReserveGb: z.number().int(),
  usedGb: z.number().int(),
  snapshotUsedGb: z.number().int().optional(),
  snapshotUsedGbInReservedSpace: z.number().int().optional(),
  snapshotUsedGbInUserSpace: z.number().int().optional(),
  userDataGb: z.number().int().optional(),
});
export type Usage = z.infer<typeof Usage>;

export const MirrorStat = z.looseObject({
  lastSuccessTransferBytes: z.number().int().nullable().optional(),
  lastSuccessTransferEndTime: z.string().nullable().optional(),
  lastTransferBytes: z.number().int().nullable().optional(),
  lastTransferEndTime: z.string().nullable().optional(),
  lastTransferStatus: z.string().nullable().optional(),
  status: MirrorStatStatus,
});
export type MirrorStat = z.infer<typeof MirrorStat>;

// ---- Response envelopes -------------------------------------------------------------

const envelope = <T extends z.ZodRawShape>(shape: T) => z.looseObject({ header: ResponseHeader, ...shape });

export const HeaderOnlyResponse = envelope({});
export const VolumeListResponse = envelope({ paging: Paging, volumes: z.array(Volume) });
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
