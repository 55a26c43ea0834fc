// Replication over simulated time. A mirror moves PENDING → ACTIVE after setup, then
// transfers every `replicationIntervalSeconds`: each run takes a MIRROR snapshot
// ("{volume}.mirror.{stamp}", preserved) on the sending volume, copies it, the data and the
// client writes (`content`) to the receiving volume, and drops the previous MIRROR snapshot
// on both sides. stop/start/invert pass through UPDATING; their effects land when the step
// completes. A transfer is captured when it starts and lands when it ends, so stop's final
// sync carries the sender's data "up to the time the request is made" (release note
// 2025-05-27) and nothing written later. No transfer runs while either region is out.
import { randomUUID } from 'node:crypto';
import type { SimMirror, SimSnapshot, SimVolume, SimWorld, VolumeContent } from './model.ts';
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

/** Either end's region is out: nothing crosses between them. */
export function isCutOff(world: SimWorld, mirror: SimMirror): boolean {
  return world.isRegionDown(mirror.srcRegion) || world.isRegionDown(mirror.dstRegion);
}

/** A transfer as of its start: what the sender held then, and the MIRROR snapshot taken of it. */
interface CapturedTransfer {
  sender: SimVolume;
  receiver: SimVolume;
  dataGb: number;
  content: VolumeContent;
  snapshot: SimSnapshot;
}

function captureTransfer(world: SimWorld, mirror: SimMirror): CapturedTransfer | undefined {
  const sender = world.senderOf(mirror);
  const receiver = world.receiverOf(mirror);
  if (!sender || !receiver) return undefined;
  const now = world.clock.now();
  const snapshot = takeSnapshot(world, sender, `${sender.name}.mirror.${compactStamp(now)}`, 'MIRROR', now);
  return { sender, receiver, dataGb: snapshot.dataGb, content: { ...sender.content }, snapshot };
}

function recordFailure(world: SimWorld, mirror: SimMirror): void {
  mirror.lastTransfer = { bytes: 0, endAt: world.clock.now(), status: 'FAILED' };
}

/** Lands a captured transfer now. Fails (and says so in the stats) when the receiver is too small or a region is out. */
function completeTransfer(world: SimWorld, mirror: SimMirror, captured: CapturedTransfer): void {
  const { sender, receiver, snapshot } = captured;
  const now = world.clock.now();
  if (mirror.transferFails || receiver.sizeGb < sender.sizeGb || isCutOff(world, mirror)) {
    sender.snapshots = sender.snapshots.filter((s) => s !== snapshot);
    recordFailure(world, mirror);
    return;
  }
  // Rotate: the new common snapshot replaces the previous one on both sides.
  sender.snapshots = sender.snapshots.filter((s) => s.type !== 'MIRROR' || s === snapshot);
  receiver.snapshots = receiver.snapshots.filter((s) => s.type !== 'MIRROR');
  receiver.snapshots.push({ ...snapshot, id: randomUUID(), content: { ...snapshot.content } });
  setVolumeData(receiver, captured.dataGb, now.getTime());
  receiver.content = { ...captured.content };
  const bytes = changedBytes(mirror.transferredDataGb, captured.dataGb);
  mirror.transferredDataGb = captured.dataGb;
  mirror.lastTransfer = { bytes, endAt: now, status: 'SUCCESS' };
  mirror.lastSuccess = mirror.lastTransfer;
}

/** One replication run, now. */
export function transfer(world: SimWorld, mirror: SimMirror): void {
  const captured = captureTransfer(world, mirror);
  if (captured) completeTransfer(world, mirror, captured);
}

function schedulePeriodic(world: SimWorld, mirror: SimMirror): void {
  mirror.task?.cancel();
  mirror.task = world.clock.after(world.timing.replicationIntervalSeconds * 1000, `replication ${mirror.id}`, () => {
    if (mirror.replication !== 'ACTIVE' || !world.mirrors.has(mirror.id)) return;
    // Out of reach: the run does not happen at all (no record); the next one tries again.
    if (!isCutOff(world, mirror)) transfer(world, mirror);
    schedulePeriodic(world, mirror);
  });
}

function after(world: SimWorld, mirror: SimMirror, seconds: number, label: string, complete: () => void): void {
  mirror.task?.cancel();
  mirror.task = world.clock.after(seconds * 1000, `${label} ${mirror.id}`, () => {
    if (!world.mirrors.has(mirror.id)) return;
    complete();
  });
}

function beginUpdating(mirror: SimMirror): void {
  mirror.objectStatus = 'UPDATING';
  mirror.replication = 'UPDATING';
}

/**
 * The receiver's data is about to be replaced by the sender's (start, invert, A4's pre-sync):
 * its own snapshots go per the A5 switch. MIRROR snapshots are left to the transfer's rotation.
 */
function wipeReceiverSnapshots(world: SimWorld, mirror: SimMirror): void {
  const receiver = world.receiverOf(mirror);
  if (!receiver) return;
  switch (world.switches.snapshotsOnWipe) {
    case 'survive':
      return;
    case 'deleted':
      receiver.snapshots = receiver.snapshots.filter((s) => s.type === 'MIRROR');
      return;
    case 'newer-deleted': {
      // ONTAP's resync: snapshots after the last common MIRROR snapshot go with the data.
      // Snapshots are kept in creation order, so "after" is list order, even within one instant.
      const common = receiver.snapshots.map((s) => s.type).lastIndexOf('MIRROR');
      receiver.snapshots = receiver.snapshots.filter((s, i) => i <= common || s.type === 'MIRROR');
    }
  }
}

function becomeActive(world: SimWorld, mirror: SimMirror): void {
  mirror.objectStatus = 'INITIALIZED';
  mirror.replication = 'ACTIVE';
  mirror.haltedByFault = false;
  transfer(world, mirror);
  schedulePeriodic(world, mirror);
}

function becomeHalted(world: SimWorld, mirror: SimMirror): void {
  mirror.replication = 'HALT';
  mirror.objectStatus = 'INITIALIZED';
  mirror.receiverWritable = true;
  syncSides(world, mirror);
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
    becomeHalted(world, mirror);
  }
}

/**
 * stop: a final sync of the sender's data as of now, ending `finalSyncSeconds` later, then
 * HALT; the receiver becomes writable (failover). With the peer region out (A3 `works`) there
 * is no sync: HALT after `mirrorUpdateSeconds`, the last transfer FAILED.
 */
export function beginStop(world: SimWorld, mirror: SimMirror): void {
  beginUpdating(mirror);
  if (isCutOff(world, mirror)) {
    after(world, mirror, world.timing.mirrorUpdateSeconds, 'mirror stop', () => {
      recordFailure(world, mirror);
      becomeHalted(world, mirror);
    });
    return;
  }
  const captured = captureTransfer(world, mirror);
  after(world, mirror, world.timing.finalSyncSeconds, 'mirror stop', () => {
    if (captured) completeTransfer(world, mirror, captured);
    becomeHalted(world, mirror);
  });
}

/** start: the receiver is read-only again at once; its changes are replaced by the sender's. */
export function beginStart(world: SimWorld, mirror: SimMirror): void {
  beginUpdating(mirror);
  mirror.receiverWritable = false;
  syncSides(world, mirror);
  after(world, mirror, world.timing.mirrorUpdateSeconds, 'mirror start', () => {
    wipeReceiverSnapshots(world, mirror);
    becomeActive(world, mirror);
  });
}

/**
 * invert-direction (a toggle): on an ACTIVE mirror, a final sync in the old direction up to
 * the request first; on a HALT one only with A4 `presync`, which overwrites the old
 * receiver's own writes. Then the direction flips and the new receiver is wiped and re-synced.
 */
export function beginInvert(world: SimWorld, mirror: SimMirror): void {
  const halted = mirror.replication === 'HALT';
  const presync = !halted || world.switches.invertOnHalt === 'presync';
  beginUpdating(mirror);
  const flip = () => {
    mirror.direction = mirror.direction === 'FORWARD' ? 'REVERSE' : 'FORWARD';
    mirror.directionChangedAt = world.clock.now();
    mirror.receiverWritable = false;
    wipeReceiverSnapshots(world, mirror);
    syncSides(world, mirror);
    becomeActive(world, mirror);
  };
  if (!presync) {
    after(world, mirror, world.timing.mirrorUpdateSeconds, 'mirror invert', flip);
    return;
  }
  if (halted) {
    // A resync in the old direction: the old receiver stops taking writes now.
    mirror.receiverWritable = false;
    syncSides(world, mirror);
  }
  const captured = captureTransfer(world, mirror);
  after(world, mirror, world.timing.finalSyncSeconds, 'mirror invert final sync', () => {
    if (halted) wipeReceiverSnapshots(world, mirror);
    if (captured) completeTransfer(world, mirror, captured);
    after(world, mirror, world.timing.mirrorUpdateSeconds, 'mirror invert', flip);
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
  recordFailure(world, mirror);
}

/** Clearing a `halt` fault: replication picks up again at once (the receiver never stopped being read-only). */
export function healHaltFault(world: SimWorld, mirror: SimMirror): void {
  if (mirror.replication !== 'HALT' || !mirror.haltedByFault) return;
  becomeActive(world, mirror);
}
