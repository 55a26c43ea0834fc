// Which way a replication pair runs, for the status page: read from the volume's mirrors[]
// in the NAS API (the stored samples do not carry it), briefly bounded and cached, so a page
// load during a region outage answers at once with "direction unknown" instead of hanging.
import type { NasClient } from '../nas/client.ts';
import { describePair, type PairDescription } from '../replication/pair.ts';

export interface DirectionLookup {
  pair: PairDescription | null;
  problem?: string;
}

export class PairDirections {
  private readonly cache = new Map<string, { until: number; value: Promise<DirectionLookup> }>();

  constructor(
    private readonly nasFor: (region: string) => NasClient,
    private readonly options: { ttlMs?: number; timeoutMs?: number } = {},
  ) {}

  describe(region: string, volumeId: string, mirrorId: string): Promise<DirectionLookup> {
    const key = `${region}/${volumeId}/${mirrorId}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() < hit.until) return hit.value;
    const value = this.lookUp(region, volumeId, mirrorId);
    const entry = { until: Date.now() + (this.options.ttlMs ?? 60_000), value };
    this.cache.set(key, entry);
    // A failed lookup is tried again soon, not after the full TTL.
    void value.then((v) => {
      if (!v.pair) entry.until = Math.min(entry.until, Date.now() + 10_000);
    });
    return value;
  }

  private async lookUp(region: string, volumeId: string, mirrorId: string): Promise<DirectionLookup> {
    try {
      const volume = await this.nasFor(region).getVolume(volumeId, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000) });
      const mirror = volume.mirrors.find((m) => m.id === mirrorId);
      if (!mirror) return { pair: null, problem: `mirror ${mirrorId} is no longer listed on the volume` };
      return { pair: describePair(mirror) };
    } catch (err) {
      return { pair: null, problem: `NAS API: ${(err as Error).message}` };
    }
  }
}
