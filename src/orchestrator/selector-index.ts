// Selector matching through an index of one region's volumes: `names` and `ids` are map
// look-ups, only `nameContains` scans. Cost per policy is O(names + ids + matches) plus one scan
// per nameContains part, instead of every policy × every volume. Same result, in the same (list)
// order, as selectVolumes in volume-selection.ts.
import type { VolumeSelector } from '../policy/policy.ts';

export class VolumeIndex<V extends { id: string; name: string }> {
  private readonly byName = new Map<string, number[]>();
  private readonly byId = new Map<string, number[]>();

  constructor(private readonly volumes: readonly V[]) {
    volumes.forEach((v, i) => {
      push(this.byName, v.name, i);
      push(this.byId, v.id, i);
    });
  }

  /** The volumes any of the selector's criteria picks (names, ids, nameContains). */
  select(selector: VolumeSelector): V[] {
    const hits = new Set<number>();
    for (const name of selector.names) for (const i of this.byName.get(name) ?? []) hits.add(i);
    for (const id of selector.ids) for (const i of this.byId.get(id) ?? []) hits.add(i);
    if (selector.nameContains.length > 0) {
      this.volumes.forEach((v, i) => {
        if (!hits.has(i) && selector.nameContains.some((part) => v.name.includes(part))) hits.add(i);
      });
    }
    return [...hits].sort((a, b) => a - b).map((i) => this.volumes[i]!);
  }
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}
