// Replication over simulated time. A mirror moves PENDING → ACTIVE after setup, then
// transfers every `replicationIntervalSeconds`: each run takes a MIRROR snapshot
// ("{volume}.mirror.{stamp}", preserved) on the sending volume, copies it and the data to
// the receiving volume, and drops the previous MIRROR snapshot on both sides. stop/start/
// invert pass through UPDATING; their effects land when the step completes.
import { randomUUID } from 'node:crypto';
import type { SimMirror, SimVolume, SimWorld } from './model.ts';
import { takeSnapshot } from './snapshots.ts';
import { compactStamp } from './time-format.ts';
import { changedBytes } from './usage.ts';
import { setVolumeData, syncGrowth, volumeDataGb } from './volume-data.ts';

function sides(world: SimWorld, mirror: SimMirror): SimVolume[] {
  return [world.volumes[mirror.srcRegion].get(mirror.srcVolumeId), world.volumes[mirror.dstRegion].get(mirror.dstVolumeId)].filter(
    (v): v is SimVolume => v !== undefined,
  );
}

function syncSides(world: SimWorld, mirror: SimMirror): void {
  for (const volume of sides(world, mirror)) syncGrowth(world, volume);
}

/** One replication run, now. Fails (and says so in the stats) when the receiver is too small. */
export function transfer(world: SimWorld, mirror: SimMirror): void {
  const sender = world.senderOf(mirror);
  const receiver = world.receiverOf(mirror);
  if (!sender || !receiver) return;
  const now = world.clock.now();
  if (mirror.transferFails || receiver.sizeGb < sender.sizeGb) {
    mirror.lastTransfer = { bytes: 0, endAt: now, status: 'FAILED' };
    return;
  }
  const senderData = volumeDataGb(sender, now.getTime());
  const bytes = changedBytes(mirror.transferredDataGb, senderData);
  const name = `${sender.name}.mirror.${compactStamp(now)}`;
  // Rotate: the new common snapshot replaces the previous one on both sides.
  sender.snapshots = sender.snapshots.filter((s) => s.type !== 'MIRROR');
  const sent = takeSnapshot(world, sender, name, 'MIRROR', now);
  receiver.snapshots = receiver.snapshots.filter((s) => s.type !== 'MIRROR');
  receiver.snapshots.push({ ...sent, id: randomUUID() });
  setVolumeData(receiver, senderData, now.getTime());
  mirror.transferredDataGb = senderData;
  mirror.lastTransfer = { bytes, endAt: now, status: 'SUCCESS' };
  mirror.lastSuccess = mirror.lastTransfer;
}

function schedulePeriodic(world: SimWorld, mirror: SimMirror): void {
  mirror.task?.cancel();
  mirror.task = world.clock.after(world.timing.replicationIntervalSeconds * 1000, `replication ${mirror.id}`, () => {
    if (mirror.replication !== 'ACTIVE' || !world.mirrors.has(mirror.id)) return;
    transfer(world, mirror);
    schedulePeriodic(world, mirror);
  });
}

function afterUpdate(world: SimWorld, mirror: SimMirror, label: string, complete: () => void): void {
  mirror.task?.cancel();
  mirror.task = world.clock.after(world.timing.mirrorUpdateSeconds * 1000, `${label} ${mirror.id}`, () => {
    if (!world.mirrors.has(mirror.id)) return;
    complete();
  });
}

/** Everything the receiver wrote after the last common MIRROR snapshot is discarded. */
function discardReceiverChanges(world: SimWorld, mirror: SimMirror): void {
  const receiver = world.receiverOf(mirror);
  if (!receiver) return;
  // Snapshots are kept in creation order, so "after" is list order, even within one instant.
  const common = receiver.snapshots.map((s) => s.type).lastIndexOf('MIRROR');
  receiver.snapshots = receiver.snapshots.filter((s, i) => i <= common || s.type === 'MIRROR');
}

function becomeActive(world: SimWorld, mirror: SimMirror): void {
  mirror.objectStatus = 'INITIALIZED';
  mirror.replication = 'ACTIVE';
  mirror.haltedByFault = false;
  transfer(world, mirror);
  schedulePeriodic(world, mirror);
}

/** Setup: the destination exists (BUILDING); the first full transfer follows after the setup delay. */
export function beginSetup(world: SimWorld, mirror: SimMirror): void {
  syncSides(world, mirror);
  mirror.task = world.clock.after(world.timing.mirrorSetupSeconds * 1000, `mirror setup ${mirror.id}`, () => {
    if (!world.mirrors.has(mirror.id) || mirror.replication !== 'PENDING') return;
    becomeActive(world, mirror);
  });
}

/** A mirror loaded from a state file: replicating now, or already stopped (receiver writable). */
export function resumeLoaded(world: SimWorld, mirror: SimMirror, status: 'ACTIVE' | 'HALT'): void {
  syncSides(world, mirror);
  becomeActive(world, mirror);
  if (status === 'HALT') {
    mirror.task?.cancel();
    mirror.replication = 'HALT';
    mirror.receiverWritable = true;
    syncSides(world, mirror);
  }
}

/** stop: a final sync up to now, then HALT; the receiver becomes writable (failover). */
export function beginStop(world: SimWorld, mirror: SimMirror): void {
  mirror.objectStatus = 'UPDATING';
  mirror.replication = 'UPDATING';
  afterUpdate(world, mirror, 'mirror stop', () => {
    transfer(world, mirror);
    mirror.replication = 'HALT';
    mirror.objectStatus = 'INITIALIZED';
    mirror.receiverWritable = true;
    syncSides(world, mirror);
  });
}

/** start: the receiver is read-only again at once; its changes are replaced by the sender's. */
export function beginStart(world: SimWorld, mirror: SimMirror): void {
  mirror.objectStatus = 'UPDATING';
  mirror.replication = 'UPDATING';
  mirror.receiverWritable = false;
  syncSides(world, mirror);
  afterUpdate(world, mirror, 'mirror start', () => {
    discardReceiverChanges(world, mirror);
    becomeActive(world, mirror);
  });
}

/** invert-direction: roles of the data flow swap; the new receiver is wiped and re-synced. */
export function beginInvert(world: SimWorld, mirror: SimMirror): void {
  mirror.objectStatus = 'UPDATING';
  mirror.replication = 'UPDATING';
  afterUpdate(world, mirror, 'mirror invert', () => {
    mirror.direction = mirror.direction === 'FORWARD' ? 'REVERSE' : 'FORWARD';
    mirror.directionChangedAt = world.clock.now();
    mirror.receiverWritable = false;
    // The new receiver's own snapshots after the last common point go with its data.
    discardReceiverChanges(world, mirror);
    syncSides(world, mirror);
    becomeActive(world, mirror);
  });
}

/** DELETE: both volumes keep their data and become independent; MIRROR snapshots go. */
export function beginDelete(world: SimWorld, mirror: SimMirror): void {
  mirror.objectStatus = 'DELETING';
  mirror.replication = 'DELETING';
  mirror.task?.cancel();
  mirror.task = world.clock.after(world.timing.mirrorDeleteSeconds * 1000, `mirror delete ${mirror.id}`, () => {
    world.mirrors.delete(mirror.id);
    for (const volume of sides(world, mirror)) {
      volume.snapshots = volume.snapshots.filter((s) => s.type !== 'MIRROR');
      syncGrowth(world, volume);
    }
  });
}

/** Fault: replication breaks off by itself (no final sync; the receiver stays read-only). */
export function haltByFault(world: SimWorld, mirror: SimMirror): void {
  mirror.task?.cancel();
  mirror.replication = 'HALT';
  mirror.objectStatus = 'INITIALIZED';
  mirror.haltedByFault = true;
  mirror.lastTransfer = { bytes: 0, endAt: world.clock.now(), status: 'FAILED' };
}

/** Clearing a `halt` fault: replication picks up again at once (the receiver never stopped being read-only). */
export function healHaltFault(world: SimWorld, mirror: SimMirror): void {
  if (mirror.replication !== 'HALT' || !mirror.haltedByFault) return;
  becomeActive(world, mirror);
}
