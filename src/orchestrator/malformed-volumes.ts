// Alerts for volumes a listing had to skip as malformed (volume-selection.ts): one per entry,
// open while the entry stays malformed, resolved once its region lists cleanly again.
import { alertKeys, type AlertBook, type AlertInput } from '../alerts/alert-book.ts';
import { describeSkippedVolume } from '../nas/client.ts';
import type { SkippedVolume } from './volume-selection.ts';

/** The volume's id when readable, else its position in the listing. */
export function malformedVolumeKey(entry: SkippedVolume): string {
  return alertKeys.malformedVolume(entry.region, entry.id ?? `#${entry.position + 1}`);
}

export function malformedVolumeAlert(entry: SkippedVolume): AlertInput {
  return {
    key: malformedVolumeKey(entry),
    severity: 'warning',
    ...(entry.id ? { volumeId: entry.id } : {}),
    message:
      `the ${entry.region} volume listing has a malformed ${describeSkippedVolume(entry)}; ` +
      `it gets no new schedulers until the API answers it properly (the region's other volumes are unaffected)`,
    details: { region: entry.region, position: entry.position, id: entry.id ?? null, name: entry.name ?? null, field: entry.field, problem: entry.problem },
  };
}

/** Raises an alert per skipped entry; resolves the others of `listedRegions` (regions listed this time). */
export async function syncMalformedVolumeAlerts(alerts: AlertBook, skipped: readonly SkippedVolume[], listedRegions: readonly string[]): Promise<void> {
  const current = new Set<string>();
  for (const entry of skipped) {
    const alert = malformedVolumeAlert(entry);
    current.add(alert.key);
    await alerts.raise(alert);
  }
  for (const region of listedRegions) {
    for (const key of await alerts.openKeysWithPrefix(alertKeys.malformedVolume(region, ''))) {
      if (!current.has(key)) await alerts.resolve(key);
    }
  }
}
