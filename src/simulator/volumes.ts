// Volume operations: create (BUILDING → ACTIVE), change settings (UPDATING → ACTIVE),
// delete (DELETING → gone), interfaces (BUILDING → ACTIVE with a path; DELETING → gone).
// Each asynchronous step is a task on the simulated clock.
import { randomUUID } from 'node:crypto';
import { badRequest, notFound } from './envelope.ts';
import { requireNoMirror, requireStatus } from './guards.ts';
import { EMPTY_CONTENT, type Region, type SimInterface, type SimSnapshotPolicy, type SimVolume, type SimWorld } from './model.ts';
import { armSnapshotSchedule } from './snapshots.ts';
import type { VolumeCreate, VolumePatch } from './validation.ts';
import { checkpointData, syncGrowth, volumeUsage } from './volume-data.ts';

/** NetApp's default snapshot reserve when a request names none. */
export const DEFAULT_RESERVE_PERCENT = 5;
/** New volumes fill up by 1 % of their size per simulated day. */
export const DEFAULT_GROWTH_PERCENT_PER_DAY = 1;

export interface CreateVolumeOptions {
  /** Field path the request used for this volume, for messages ("volume" or "volumeMirror.dstVolume"). */
  field?: string;
  /** Seeds a volume from a state file: status, data and timestamps as given. */
  initial?: { status: 'ACTIVE'; createdAt: Date; dataGb: number; growthGbPerDay?: number; id?: string };
}

export function policyFrom(input: VolumeCreate['snapshotPolicy']): SimSnapshotPolicy {
  return {
    maxScheduledCount: input?.maxScheduledCount ?? null,
    reservePercent: input?.reservePercent ?? DEFAULT_RESERVE_PERCENT,
    schedule: input?.schedule ? { ...input.schedule, weekdays: input.schedule.weekdays ?? [] } : null,
  };
}

export function createVolume(world: SimWorld, region: Region, input: VolumeCreate, options: CreateVolumeOptions = {}): SimVolume {
  const field = options.field ?? 'volume';
  if (world.volumeByName(region, input.name)) {
    throw badRequest(`${field}.name: a volume named "${input.name}" already exists in ${region}`);
  }
  const initial = options.initial;
  const now = world.clock.nowMs();
  const subnets = (input.interfaces ?? []).map((i) => i.subnetId);
  const duplicateSubnet = subnets.find((s, i) => subnets.indexOf(s) !== i);
  if (duplicateSubnet) throw badRequest(`${field}.interfaces: subnet ${duplicateSubnet} is listed twice`);
  const volume: SimVolume = {
    id: initial?.id ?? randomUUID(),
    region,
    name: input.name,
    description: input.description ?? null,
    sizeGb: input.sizeGb,
    tenantId: world.account.tenantId,
    projectId: world.account.projectId,
    acl: input.acl ?? [],
    encrypted: input.encryption?.enabled ?? false,
    protocol: input.mountProtocol.protocol,
    cifsAuthIds: input.mountProtocol.protocol === 'cifs' ? (input.mountProtocol.cifsAuthIds ?? []) : null,
    snapshotPolicy: policyFrom(input.snapshotPolicy),
    status: initial?.status ?? 'BUILDING',
    createdAt: initial?.createdAt ?? new Date(now),
    updatedAt: initial ? initial.createdAt : null,
    interfaces: subnets.map((subnetId) => ({
      id: randomUUID(),
      subnetId,
      ip: world.allocateIp(),
      status: initial ? 'ACTIVE' : 'BUILDING',
    })),
    snapshots: [],
    restoreHistories: [],
    data: {
      gb: initial?.dataGb ?? 0,
      at: now,
      growthGbPerDay: initial?.growthGbPerDay ?? (input.sizeGb * DEFAULT_GROWTH_PERCENT_PER_DAY) / 100,
      growing: true,
    },
    content: { ...EMPTY_CONTENT },
  };
  world.volumes[region].set(volume.id, volume);
  if (!initial) {
    world.clock.after(world.timing.volumeBuildSeconds * 1000, `volume ${volume.name} ACTIVE`, () => {
      if (volume.status !== 'BUILDING') return;
      volume.status = 'ACTIVE';
      for (const iface of volume.interfaces) if (iface.status === 'BUILDING') iface.status = 'ACTIVE';
    });
  }
  armSnapshotSchedule(world, volume);
  return volume;
}

export function patchVolume(world: SimWorld, volume: SimVolume, patch: VolumePatch): void {
  requireStatus(volume, ['ACTIVE'], 'change its settings');
  const now = world.clock.nowMs();
  const requested = patch.mountProtocol?.protocol;
  if (requested !== undefined && requested !== volume.protocol) {
    throw badRequest(`volume.mountProtocol.protocol cannot be changed: volume ${volume.name} uses ${volume.protocol}`);
  }
  if (patch.sizeGb !== undefined && patch.sizeGb !== volume.sizeGb) {
    if (world.isReadOnly(volume)) {
      throw badRequest(
        `volume.sizeGb: volume ${volume.name} is a replication target; its size can only be changed after replication is stopped`,
      );
    }
    const used = volumeUsage(volume, now).usedGb;
    if (patch.sizeGb < used) {
      throw badRequest(`volume.sizeGb: ${patch.sizeGb} GB is less than the ${used} GB volume ${volume.name} uses`);
    }
  }
  // Size and reserve bound the data curve: re-base it before they change.
  checkpointData(volume, now);
  if (patch.sizeGb !== undefined) volume.sizeGb = patch.sizeGb;
  if (patch.description !== undefined) volume.description = patch.description;
  if (patch.acl !== undefined) volume.acl = patch.acl;
  if (patch.mountProtocol?.cifsAuthIds !== undefined) volume.cifsAuthIds = patch.mountProtocol.cifsAuthIds;
  const policy = patch.snapshotPolicy;
  if (policy) {
    if (policy.maxScheduledCount !== undefined) volume.snapshotPolicy.maxScheduledCount = policy.maxScheduledCount;
    if (policy.reservePercent !== undefined) volume.snapshotPolicy.reservePercent = policy.reservePercent;
    if (policy.schedule !== undefined) {
      volume.snapshotPolicy.schedule = policy.schedule ? { ...policy.schedule, weekdays: policy.schedule.weekdays ?? [] } : null;
      armSnapshotSchedule(world, volume);
    }
  }
  volume.updatedAt = new Date(now);
  volume.status = 'UPDATING';
  world.clock.after(world.timing.volumeUpdateSeconds * 1000, `volume ${volume.name} updated`, () => {
    if (volume.status === 'UPDATING') volume.status = 'ACTIVE';
  });
}

export function deleteVolume(world: SimWorld, volume: SimVolume): void {
  requireStatus(volume, ['ACTIVE'], 'delete it');
  requireNoMirror(world, volume, 'delete it');
  volume.status = 'DELETING';
  volume.updatedAt = world.clock.now();
  volume.scheduleTask?.cancel();
  syncGrowth(world, volume);
  world.clock.after(world.timing.volumeDeleteSeconds * 1000, `volume ${volume.name} deleted`, () => {
    world.volumes[volume.region].delete(volume.id);
  });
}

export function addInterface(world: SimWorld, volume: SimVolume, subnetId: string): SimInterface {
  requireStatus(volume, ['ACTIVE'], 'connect an interface');
  if (volume.interfaces.some((i) => i.subnetId === subnetId)) {
    throw badRequest(`interface.subnetId: volume ${volume.name} already has an interface on subnet ${subnetId}`);
  }
  const iface: SimInterface = { id: randomUUID(), subnetId, ip: world.allocateIp(), status: 'BUILDING' };
  volume.interfaces.push(iface);
  world.clock.after(world.timing.interfaceBuildSeconds * 1000, `interface ${iface.id} ACTIVE`, () => {
    if (iface.status === 'BUILDING') iface.status = 'ACTIVE';
  });
  return iface;
}

export function removeInterface(world: SimWorld, volume: SimVolume, interfaceId: string): void {
  const iface = volume.interfaces.find((i) => i.id === interfaceId);
  if (!iface) throw notFound(`Interface ${interfaceId} not found on volume ${volume.id}`);
  requireStatus(volume, ['ACTIVE'], 'delete an interface');
  if (iface.status !== 'ACTIVE') {
    throw badRequest(`Interface ${interfaceId} is ${iface.status}; cannot delete it until it is ACTIVE`);
  }
  iface.status = 'DELETING';
  world.clock.after(world.timing.interfaceDeleteSeconds * 1000, `interface ${iface.id} deleted`, () => {
    volume.interfaces = volume.interfaces.filter((i) => i !== iface);
  });
}

