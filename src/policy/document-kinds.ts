// The document kinds a config file may hold besides `Policy`. The policy parser skips them; each
// kind's own loader (FailoverGroup: src/failover/group.ts) reads them from the same files.
// One table, so a new kind (e.g. AlertSink) is one line here.
export const OTHER_DOCUMENT_KINDS: ReadonlySet<string> = new Set(['FailoverGroup']);

/** Snapshot names failover runs create; no policy prefix may overlap it (retention never sees them). */
export const RESERVED_SNAPSHOT_NAMESPACE = 'nasorch-failover-';

export function isOtherDocumentKind(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const { apiVersion, kind } = data as { apiVersion?: unknown; kind?: unknown };
  return apiVersion === 'nasorch/v1' && typeof kind === 'string' && OTHER_DOCUMENT_KINDS.has(kind);
}

/** A prefix overlaps the reserved namespace when either starts with the other. */
export function overlapsReservedNamespace(prefix: string): boolean {
  return prefix.startsWith(RESERVED_SNAPSHOT_NAMESPACE) || RESERVED_SNAPSHOT_NAMESPACE.startsWith(prefix);
}
