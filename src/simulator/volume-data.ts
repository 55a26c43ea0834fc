// A volume's user data over simulated time: the glue between the pure growth curve in
// usage.ts and volume state (size, reserve, writability).
import type { SimVolume, SimWorld } from './model.ts';
import { checkpoint, dataCapGb, dataGbAt, usageAt, type UsageFigures } from './usage.ts';

function capOf(volume: SimVolume): number {
  return dataCapGb(volume.sizeGb, volume.snapshotPolicy.reservePercent);
}

export function volumeDataGb(volume: SimVolume, t: number): number {
  return dataGbAt(volume.data, capOf(volume), t);
}

/** Re-bases the growth curve at `t`; call before changing size or reserve. */
export function checkpointData(volume: SimVolume, t: number): void {
  volume.data = checkpoint(volume.data, capOf(volume), t);
}

/** Replaces the volume's data (restore, replication) as of `t`. */
export function setVolumeData(volume: SimVolume, gb: number, t: number): void {
  volume.data = { ...volume.data, gb: Math.min(gb, capOf(volume)), at: t };
}

/** Data grows only while applications can write: not on a replication target, not while deleting. */
export function syncGrowth(world: SimWorld, volume: SimVolume): void {
  const t = world.clock.nowMs();
  checkpointData(volume, t);
  volume.data.growing = volume.status !== 'DELETING' && !world.isReadOnly(volume);
}

export function volumeUsage(volume: SimVolume, t: number): UsageFigures {
  return usageAt(
    {
      sizeGb: volume.sizeGb,
      reservePercent: volume.snapshotPolicy.reservePercent,
      data: volume.data,
      snapshotSizes: volume.snapshots.map((s) => s.size),
    },
    t,
  );
}
