// The pair the replication tables use: prod-web (vol-o, KR1) replicated to prod-web-dr (vol-r, KR2).
import type { MirrorView } from '../../src/replication/pair.ts';

export const mirror = (over: Partial<MirrorView> = {}): MirrorView => ({
  id: 'm-1',
  role: 'SOURCE',
  status: 'INITIALIZED',
  direction: 'FORWARD',
  directionChangedAt: null,
  srcVolumeId: 'vol-o',
  srcVolumeName: 'prod-web',
  srcRegion: 'KR1',
  dstVolumeId: 'vol-r',
  dstVolumeName: 'prod-web-dr',
  dstRegion: 'KR2',
  ...over,
});
