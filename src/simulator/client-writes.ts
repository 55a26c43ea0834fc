// What the applications on a volume do: write. Each write gets the next world-wide number
// (`seq`), so a volume's data is identified by the latest write it holds and "zero data loss"
// is a comparison: after a failover the replica's seq must equal the original's at the stop
// request. A replication target refuses writes as NFS would (EROFS) until a stop hands it over.
import type { SimVolumeData } from './contract.ts';
import type { SimVolume, SimWorld } from './model.ts';
import { nasTimeOrNull } from './time-format.ts';
import { checkpointData, setVolumeData, volumeDataGb } from './volume-data.ts';

/** A write the volume does not take; `code` is the errno a client would see. */
export class WriteRefused extends Error {
  override name = 'WriteRefused';
  constructor(
    readonly code: 'EROFS' | 'EIO',
    message: string,
  ) {
    super(message);
  }
}

/** Why clients cannot write to `volume` now, or null when they can. */
export function readOnlyReason(world: SimWorld, volume: SimVolume): { code: WriteRefused['code']; reason: string } | null {
  if (volume.status !== 'ACTIVE' && volume.status !== 'UPDATING') {
    return { code: 'EIO', reason: `the volume is ${volume.status}` };
  }
  const mirror = world.replicatingInto(volume);
  if (mirror) {
    const sender = world.senderOf(mirror);
    const from = sender ? ` from ${sender.name} (${sender.region})` : '';
    return { code: 'EROFS', reason: `it receives replication of volume mirror ${mirror.id}${from}; stop replication first` };
  }
  return null;
}

export function volumeData(world: SimWorld, volume: SimVolume): SimVolumeData {
  const refusal = readOnlyReason(world, volume);
  return {
    id: volume.id,
    name: volume.name,
    region: volume.region,
    status: volume.status,
    seq: volume.content.seq,
    lastWriteAt: nasTimeOrNull(volume.content.writtenAt),
    writable: refusal === null,
    readOnlyReason: refusal?.reason ?? null,
    userDataGb: Math.floor(volumeDataGb(volume, world.clock.nowMs())),
  };
}

/** `count` client writes adding `gb` of data, now; the volume's seq becomes the last one's number. */
export function writeVolume(world: SimWorld, volume: SimVolume, count: number, gb: number): SimVolumeData {
  const refusal = readOnlyReason(world, volume);
  if (refusal) {
    const errno = refusal.code === 'EROFS' ? 'EROFS: Read-only file system' : 'EIO: Input/output error';
    throw new WriteRefused(refusal.code, `${errno}: volume ${volume.name} (${volume.id}) in ${volume.region}: ${refusal.reason}`);
  }
  const now = world.clock.nowMs();
  let seq = volume.content.seq;
  for (let i = 0; i < count; i++) seq = world.nextSeq();
  volume.content = { seq, writtenAt: new Date(now) };
  if (gb > 0) {
    checkpointData(volume, now);
    setVolumeData(volume, volume.data.gb + gb, now);
  }
  return volumeData(world, volume);
}
