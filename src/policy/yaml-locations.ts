// Maps a path in a parsed YAML document (["spec", "snapshot", "schedule"]) back to a line and
// column in the file, so validation errors point where the user has to look.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface YamlPosition {
  line: number;
  col: number;
}

/** What a path leads to in the YAML node tree. */
export interface YamlLookup {
  /** True when every segment of the path exists in the document. */
  found: boolean;
  /** The node at the path, or the deepest existing ancestor when not found. */
  node: Node | null;
  /** The key node of the last segment that exists (for maps), if any. */
  keyNode: Node | null;
}

export function lookupYamlPath(doc: Document, path: ReadonlyArray<PropertyKey>): YamlLookup {
  let node = resolve(doc, doc.contents);
  let keyNode: Node | null = null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return { found: false, node, keyNode };
      keyNode = pair.key as Node;
      const value = resolve(doc, pair.value as Node | null);
      // `key:` with nothing after it: the empty value has no width, the key is the place to show.
      if (!value || isEmptyScalar(value)) return { found: true, node: keyNode, keyNode };
      node = value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      keyNode = null;
      node = resolve(doc, node.items[segment] as Node);
    } else {
      return { found: false, node, keyNode };
    }
  }
  return { found: true, node, keyNode };
}

/** 1-based line/column of a node's start; the document start when there is no node. */
export function positionOf(node: Node | null, lineCounter: LineCounter, doc: Document): YamlPosition {
  const offset = node?.range?.[0] ?? doc.range?.[0] ?? 0;
  return lineCounter.linePos(offset);
}

function resolve(doc: Document, node: Node | null | undefined): Node | null {
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? node;
  return node ?? null;
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}
