// Which volumes a policy's selector picks. The pure part filters a region's volume list; the
// resolver lists each region once (all pages) and applies every policy's selector to it.
import type { Logger } from '../log/logger.ts';
import { describeSkippedVolume, type NasClient } from '../nas/client.ts';
import type { SkippedItem } from '../nas/paging.ts';
import type { Volume } from '../nas/schemas.ts';
import type { Policy, VolumeSelector } from '../policy/policy.ts';
import { VolumeIndex } from './selector-index.ts';

/** Page size asked for when listing every volume (the spec sets no maximum; the walk follows what the server returns). */
export const VOLUME_LIST_PAGE_SIZE = 1000;

export interface SelectedVolume {
  id: string;
  name: string;
}

/** A volume matches when any of the selector's criteria matches it (names, nameContains, ids). */
export function selectVolumes<V extends Pick<Volume, 'id' | 'name'>>(volumes: readonly V[], selector: VolumeSelector): V[] {
  return volumes.filter(
    (v) =>
      selector.names.includes(v.name) ||
      selector.ids.includes(v.id) ||
      selector.nameContains.some((part) => v.name.includes(part)),
  );
}

/** A listing entry left out as malformed (no usable id or name, …), in its region. */
export interface SkippedVolume extends SkippedItem {
  region: string;
}

export interface ResolvedSelection {
  /** Policy name → its volumes; absent for policies whose region could not be listed. */
  selected: Map<string, SelectedVolume[]>;
  unresolvedRegions: string[];
  /** Malformed entries of the regions that were listed; the rest of each region is selected as usual. */
  skipped: SkippedVolume[];
  /** Region → why it could not be listed (one line), for commands to say. */
  regionErrors: Map<string, string>;
}

export async function resolveSelectedVolumes(
  policies: readonly Policy[],
  nasFor: (region: string) => NasClient,
  log: Logger,
): Promise<ResolvedSelection> {
  const regions = [...new Set(policies.map((p) => p.region))];
  const byRegion = new Map<string, VolumeIndex<SelectedVolume>>();
  const unresolvedRegions: string[] = [];
  const skipped: SkippedVolume[] = [];
  const regionErrors = new Map<string, string>();
  await Promise.all(
    regions.map(async (region) => {
      try {
        const listing = await nasFor(region).listAllVolumesReporting({ limit: VOLUME_LIST_PAGE_SIZE });
        byRegion.set(region, new VolumeIndex(listing.volumes.map((v) => ({ id: v.id, name: v.name }))));
        for (const entry of listing.skipped) {
          skipped.push({ ...entry, region });
          log.warn({ region, ...entry }, `skipped a malformed volume in the ${region} listing: ${describeSkippedVolume(entry)}`);
        }
      } catch (err) {
        unresolvedRegions.push(region);
        regionErrors.set(region, (err as Error).message);
        log.error({ region, err: { message: (err as Error).message } }, 'could not list volumes of this region');
      }
    }),
  );
  const selected = new Map<string, SelectedVolume[]>();
  for (const policy of policies) {
    const volumes = byRegion.get(policy.region);
    if (volumes) selected.set(policy.name, volumes.select(policy.volumes));
  }
  return { selected, unresolvedRegions, skipped, regionErrors };
}
