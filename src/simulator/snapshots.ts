// Snapshot operations: user snapshots (NORMAL), the native daily schedule (SCHEDULED, the
// oldest dropped beyond maxScheduledCount), deletion (never MIRROR/preserved ones) and
// restore (rolls the data back and deletes every newer snapshot).
import { randomUUID } from 'node:crypto';
import { badRequest, notFound } from './envelope.ts';
import { requireStatus, requireWritable } from './guards.ts';
import type { SimSnapshot, SimVolume, SimWorld, SnapshotType } from './model.ts';
import { nextScheduledRun, scheduledSnapshotName } from './snapshot-schedule.ts';
import { changedBytes } from './usage.ts';
import { setVolumeData, volumeDataGb } from './volume-data.ts';

/** The platform ceiling; applies when a policy sets no maxScheduledCount. */
export const MAX_SCHEDULED_COUNT = 30;

/** Appends a snapshot holding the data changed since the volume's previous snapshot. */
export function takeSnapshot(
  world: SimWorld,
  volume: SimVolume,
  name: string,
  type: SnapshotType,
  at: Date = world.clock.now(),
): SimSnapshot {
  const dataGb = volumeDataGb(volume, at.getTime());
  const previous = volume.snapshots.at(-1);
  const snapshot: SimSnapshot = {
    id: randomUUID(),
    name,
    type,
    preserved: type === 'MIRROR',
    createdAt: at,
    size: changedBytes(previous?.dataGb ?? 0, dataGb),
    dataGb,
    content: { ...volume.content },
  };
  volume.snapshots.push(snapshot);
  return snapshot;
}

export function findSnapshot(volume: SimVolume, snapshotId: string): SimSnapshot {
  const snapshot = volume.snapshots.find((s) => s.id === snapshotId);
  if (!snapshot) throw notFound(`Snapshot ${snapshotId} not found on volume ${volume.id}`);
  return snapshot;
}

export function createSnapshot(world: SimWorld, volume: SimVolume, name: string): SimSnapshot {
  requireStatus(volume, ['ACTIVE', 'UPDATING'], 'create a snapshot');
  requireWritable(world, volume, 'create a snapshot');
  if (volume.snapshots.some((s) => s.name === name)) {
    throw badRequest(`snapshot.name: volume ${volume.name} already has a snapshot named "${name}"`);
  }
  return takeSnapshot(world, volume, name, 'NORMAL');
}

export function deleteSnapshot(world: SimWorld, volume: SimVolume, snapshotId: string): void {
  const snapshot = findSnapshot(volume, snapshotId);
  requireStatus(volume, ['ACTIVE', 'UPDATING'], 'delete a snapshot');
  if (snapshot.type === 'MIRROR' || snapshot.preserved) {
    throw badRequest(
      `Snapshot ${snapshot.name} (${snapshot.id}) is ${snapshot.type === 'MIRROR' ? 'a MIRROR snapshot used by replication' : 'preserved by the system'} and cannot be deleted`,
    );
  }
  requireWritable(world, volume, 'delete a snapshot');
  volume.snapshots = volume.snapshots.filter((s) => s !== snapshot);
}

export function restoreSnapshot(world: SimWorld, volume: SimVolume, snapshotId: string, requestedIp: string | null): void {
  const snapshot = findSnapshot(volume, snapshotId);
  requireStatus(volume, ['ACTIVE'], 'restore a snapshot');
  requireWritable(world, volume, 'restore a snapshot');
  const newer = volume.snapshots.slice(volume.snapshots.indexOf(snapshot) + 1);
  const blocking = newer.find((s) => s.preserved || s.type === 'MIRROR');
  if (blocking) {
    throw badRequest(
      `Cannot restore volume ${volume.name} to ${snapshot.name}: the newer snapshot ${blocking.name} is preserved by the system (disable replication first)`,
    );
  }
  const now = world.clock.now();
  volume.snapshots = volume.snapshots.filter((s) => !newer.includes(s));
  setVolumeData(volume, snapshot.dataGb, now.getTime());
  volume.content = { ...snapshot.content };
  volume.restoreHistories.push({
    requestedAt: now,
    requestedIp,
    requestedUser: world.account.userId,
    restoredAt: now,
    result: 'SUCCESS',
    snapshotId: snapshot.id,
    snapshotName: snapshot.name,
    volumeId: volume.id,
  });
}

/** (Re)arms the volume's next native scheduled snapshot; disarms it when no schedule is set. */
export function armSnapshotSchedule(world: SimWorld, volume: SimVolume): void {
  volume.scheduleTask?.cancel();
  volume.scheduleTask = undefined;
  const schedule = volume.snapshotPolicy.schedule;
  if (!schedule) return;
  const at = nextScheduledRun(schedule, world.clock.nowMs());
  volume.scheduleTask = world.clock.at(at, `scheduled snapshot of ${volume.name}`, () => {
    runScheduledSnapshot(world, volume, at);
    armSnapshotSchedule(world, volume);
  });
}

function runScheduledSnapshot(world: SimWorld, volume: SimVolume, at: number): void {
  const schedule = volume.snapshotPolicy.schedule;
  if (!schedule || !world.volumes[volume.region].has(volume.id)) return;
  // A volume that cannot take snapshots right now simply misses this run.
  if (!['ACTIVE', 'UPDATING'].includes(volume.status) || world.isReadOnly(volume)) return;
  const name = scheduledSnapshotName(schedule, at);
  if (volume.snapshots.some((s) => s.name === name)) return;
  takeSnapshot(world, volume, name, 'SCHEDULED', new Date(at));
  const max = volume.snapshotPolicy.maxScheduledCount ?? MAX_SCHEDULED_COUNT;
  const scheduled = volume.snapshots.filter((s) => s.type === 'SCHEDULED');
  const excess = new Set(scheduled.slice(0, Math.max(0, scheduled.length - max)));
  volume.snapshots = volume.snapshots.filter((s) => !excess.has(s));
}
