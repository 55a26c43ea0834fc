// Finds keys that occur twice in one YAML mapping, in time linear in the document's size.
// yaml's own check (`uniqueKeys: true`, the default) compares every key with every other one
// of its map: a 2 MB map took minutes. We parse with `uniqueKeys: false` and check here.
import { isMap, isScalar, visit, type Document, type Node } from 'yaml';

export interface DuplicateKey {
  /** The later occurrence (the one that would silently win). */
  key: Node;
  /** The first occurrence of the same key in the same map. */
  first: Node;
  /** The key as written, for the message. */
  name: string;
}

export function findDuplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        // Non-scalar keys (`? [a, b]`) do not occur in policies; yaml compares them by identity anyway.
        if (!isScalar(pair.key)) continue;
        const value = pair.key.value;
        // Typed like yaml's check: the number 1 and the string "1" are different keys.
        const id = `${typeof value}:${String(value)}`;
        const first = seen.get(id);
        if (first) found.push({ key: pair.key, first, name: String(value) });
        else seen.set(id, pair.key);
      }
    },
  });
  return found;
}
