// Every NAS API v1 operation: method, path template, response schema and whether
// repeating it is harmless (see retry-policy.ts for what `idempotent` changes).
import type { z } from 'zod';
import type { HttpMethod } from './http.ts';
import {
  HeaderOnlyResponse,
  InterfaceResponse,
  MirrorStatResponse,
  RestoreHistoryListResponse,
  SnapshotListResponse,
  SnapshotResponse,
  UsageResponse,
  VolumeListPage,
  VolumeMirrorResponse,
  VolumeResponse,
} from './schemas.ts';

export interface OperationSpec<S extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** `{name}` placeholders are filled from the call's path parameters. */
  path: string;
  response: S;
  idempotent: boolean;
}

const op = <S extends z.ZodType>(method: HttpMethod, path: string, response: S, idempotent: boolean): OperationSpec<S> => ({
  method,
  path,
  response,
  idempotent,
});

const VOLUME = '/v1/volumes/{volumeId}';
const MIRROR = `${VOLUME}/volume-mirrors/{mirrorId}`;

export const NAS_OPERATIONS = {
  listVolumes: op('GET', '/v1/volumes', VolumeListPage, true),
  createVolume: op('POST', '/v1/volumes', VolumeResponse, false),
  getVolume: op('GET', VOLUME, VolumeResponse, true),
  updateVolume: op('PATCH', VOLUME, HeaderOnlyResponse, true),
  deleteVolume: op('DELETE', VOLUME, HeaderOnlyResponse, true),
  createInterface: op('POST', `${VOLUME}/interfaces`, InterfaceResponse, false),
  deleteInterface: op('DELETE', `${VOLUME}/interfaces/{interfaceId}`, HeaderOnlyResponse, true),
  listRestoreHistories: op('GET', `${VOLUME}/restore-histories`, RestoreHistoryListResponse, true),
  getUsage: op('GET', `${VOLUME}/usage`, UsageResponse, true),
  listSnapshots: op('GET', `${VOLUME}/snapshots`, SnapshotListResponse, true),
  createSnapshot: op('POST', `${VOLUME}/snapshots`, SnapshotResponse, false),
  getSnapshot: op('GET', `${VOLUME}/snapshots/{snapshotId}`, SnapshotResponse, true),
  deleteSnapshot: op('DELETE', `${VOLUME}/snapshots/{snapshotId}`, HeaderOnlyResponse, true),
  // Restoring twice would also discard what was written in between.
  restoreSnapshot: op('POST', `${VOLUME}/snapshots/{snapshotId}/restore`, HeaderOnlyResponse, false),
  createMirror: op('POST', `${VOLUME}/volume-mirrors`, VolumeMirrorResponse, false),
  deleteMirror: op('DELETE', MIRROR, HeaderOnlyResponse, true),
  startMirror: op('POST', `${MIRROR}/start`, HeaderOnlyResponse, true),
  stopMirror: op('POST', `${MIRROR}/stop`, HeaderOnlyResponse, true),
  // Inverting twice is inverting zero times.
  invertMirrorDirection: op('POST', `${MIRROR}/invert-direction`, HeaderOnlyResponse, false),
  getMirrorStat: op('GET', `${MIRROR}/stat`, MirrorStatResponse, true),
} as const;

export type NasOperationName = keyof typeof NAS_OPERATIONS;

/** Fills `{name}` placeholders; each value is URL-encoded and must be non-empty. */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TypeError(`${name} must be a non-empty string (for ${template})`);
    }
    return encodeURIComponent(value);
  });
}
