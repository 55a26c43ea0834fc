// Preconditions shared by the NAS operations; each failure is a 400 that names the volume
// and says what would make the request possible.
import { badRequest } from './envelope.ts';
import type { SimVolume, SimWorld, VolumeStatus } from './model.ts';

export function requireStatus(volume: SimVolume, allowed: readonly VolumeStatus[], action: string): void {
  if (!allowed.includes(volume.status)) {
    throw badRequest(`Volume ${volume.name} (${volume.id}) is ${volume.status}; cannot ${action} until it is ${allowed.join(' or ')}`);
  }
}

/** A replication target is read-only until replication is stopped. */
export function requireWritable(world: SimWorld, volume: SimVolume, action: string): void {
  if (world.isReadOnly(volume)) {
    throw badRequest(
      `Volume ${volume.name} (${volume.id}) is a replication target and read-only while replication runs; cannot ${action} (stop replication first)`,
    );
  }
}

export function requireNoMirror(world: SimWorld, volume: SimVolume, action: string): void {
  const mirror = world.mirrorsOf(volume)[0];
  if (mirror) {
    throw badRequest(`Volume ${volume.name} (${volume.id}) has replication setting ${mirror.id}; disable replication before you ${action}`);
  }
}
