// Whether a volume is one a policy applies to. A volume is selected when it matches ANY criterion
// of the selector (exact name, name substring, or id).
import type { VolumeSelector } from './policy.ts';

export function selectsVolume(selector: VolumeSelector, volume: { id: string; name: string }): boolean {
  return (
    selector.names.includes(volume.name) ||
    selector.nameContains.some((part) => volume.name.includes(part)) ||
    selector.ids.includes(volume.id.toLowerCase())
  );
}
