// Model → API JSON, shaped like the spec's samples (including the undocumented `stationId`
// NHN says may appear, so clients prove they tolerate unknown fields).
import type { SimInterface, SimMirror, SimRestoreHistory, SimSnapshot, SimVolume, SimWorld } from './model.ts';
import { nasTime, nasTimeOrNull } from './time-format.ts';

export function interfaceView(volume: SimVolume, iface: SimInterface) {
  return {
    id: iface.id,
    // The export path exists once the interface is up.
    path: iface.status === 'ACTIVE' ? `${iface.ip}:/${volume.name}` : null,
    status: iface.status,
    subnetId: iface.subnetId,
    tenantId: volume.tenantId,
  };
}

export function mirrorView(world: SimWorld, mirror: SimMirror, from: SimVolume) {
  const src = world.volumes[mirror.srcRegion].get(mirror.srcVolumeId);
  const dst = world.volumes[mirror.dstRegion].get(mirror.dstVolumeId);
  const isSource = mirror.srcRegion === from.region && mirror.srcVolumeId === from.id;
  return {
    createdAt: nasTime(mirror.createdAt),
    direction: mirror.direction,
    directionChangedAt: nasTimeOrNull(mirror.directionChangedAt),
    dstProjectId: mirror.dstProjectId,
    dstRegion: mirror.dstRegion,
    dstTenantId: mirror.dstTenantId,
    dstVolumeId: mirror.dstVolumeId,
    dstVolumeName: dst?.name ?? '',
    id: mirror.id,
    role: isSource ? 'SOURCE' : 'DESTINATION',
    srcProjectId: mirror.srcProjectId,
    srcRegion: mirror.srcRegion,
    srcTenantId: mirror.srcTenantId,
    srcVolumeId: mirror.srcVolumeId,
    srcVolumeName: src?.name ?? '',
    status: mirror.objectStatus,
  };
}

export function volumeView(world: SimWorld, volume: SimVolume) {
  const policy = volume.snapshotPolicy;
  return {
    acl: [...volume.acl],
    createdAt: nasTime(volume.createdAt),
    description: volume.description,
    encryption: { enabled: volume.encrypted },
    id: volume.id,
    interfaces: volume.interfaces.map((i) => interfaceView(volume, i)),
    mirrors: world.mirrorsOf(volume).map((m) => mirrorView(world, m, volume)),
    mountProtocol: {
      protocol: volume.protocol,
      cifsAuthIds: volume.cifsAuthIds ? [...volume.cifsAuthIds] : null,
    },
    name: volume.name,
    projectId: volume.projectId,
    sizeGb: volume.sizeGb,
    snapshotPolicy: {
      maxScheduledCount: policy.maxScheduledCount,
      reservePercent: policy.reservePercent,
      schedule: policy.schedule ? { ...policy.schedule, weekdays: [...policy.schedule.weekdays] } : null,
    },
    stationId: null,
    status: volume.status,
    tenantId: volume.tenantId,
    updatedAt: nasTimeOrNull(volume.updatedAt),
  };
}

export function snapshotView(snapshot: SimSnapshot, withReclaimableSpace = false) {
  return {
    createdAt: nasTime(snapshot.createdAt),
    id: snapshot.id,
    name: snapshot.name,
    preserved: snapshot.preserved,
    size: snapshot.size,
    type: snapshot.type,
    // Deleting a snapshot frees the blocks only it holds: its own changed data.
    ...(withReclaimableSpace ? { reclaimableSpace: snapshot.size } : {}),
  };
}

export function restoreHistoryView(h: SimRestoreHistory) {
  return {
    requestedAt: nasTime(h.requestedAt),
    requestedIp: h.requestedIp,
    requestedUser: h.requestedUser,
    restoredAt: nasTimeOrNull(h.restoredAt),
    result: h.result,
    snapshotId: h.snapshotId,
    snapshotName: h.snapshotName,
    volumeId: h.volumeId,
  };
}

export function mirrorStatView(mirror: SimMirror) {
  if (mirror.retrieveFailed) {
    // "Temporary failure to obtain information": the figures are unknown too.
    return {
      lastSuccessTransferBytes: null,
      lastSuccessTransferEndTime: null,
      lastTransferBytes: null,
      lastTransferEndTime: null,
      lastTransferStatus: null,
      status: 'RETRIEVE FAILED',
    };
  }
  return {
    lastSuccessTransferBytes: mirror.lastSuccess?.bytes ?? null,
    lastSuccessTransferEndTime: nasTimeOrNull(mirror.lastSuccess?.endAt),
    lastTransferBytes: mirror.lastTransfer?.bytes ?? null,
    lastTransferEndTime: nasTimeOrNull(mirror.lastTransfer?.endAt),
    lastTransferStatus: mirror.lastTransfer?.status ?? null,
    status: mirror.replication,
  };
}
