// What `nasorch run` says it did, from a job's outcome details: the snapshot name, deletions
// with their reason, usage in GB (as the API reports it), replication state, and for a skipped
// run always why. Pure; the details' shapes are those of jobs/*.ts (unknown ones print as JSON).
type Details = Record<string, unknown> | undefined;

export function summariseRun(kind: string, status: string, details: Details, error?: string): string {
  if (status === 'failed') return `failed: ${error ?? 'no error recorded'}`;
  if (status === 'skipped') return `skipped: ${skipReason(details)}`;
  const d = details ?? {};
  switch (kind) {
    case 'snapshot': {
      const snap = d.snapshot as { name?: string; created?: boolean } | undefined;
      const head = snap?.name ? `${snap.created === false ? 'snapshot already existed' : 'created snapshot'} ${snap.name}` : 'snapshot done';
      return d.prune ? `${head}; ${summarisePrune(d.prune as Details)}` : head;
    }
    case 'prune':
      return summarisePrune(d);
    case 'usage': {
      const { usedGb, sizeGb, usedPercent, severity } = d as { usedGb?: number; sizeGb?: number; usedPercent?: number; severity?: string };
      if (usedGb === undefined || sizeGb === undefined) return JSON.stringify(d);
      return `used ${usedGb} GB of ${sizeGb} GB (${Number(usedPercent ?? 0).toFixed(1)}%)${severity && severity !== 'ok' ? `, ${severity}` : ''}`;
    }
    case 'mirror-stat': {
      const { mirrorId, status: state, lastSuccessTransferEndTime } = d as { mirrorId?: string; status?: string; lastSuccessTransferEndTime?: string | null };
      return `mirror ${mirrorId ?? '?'} ${state ?? '?'}, last successful transfer ${lastSuccessTransferEndTime ?? 'never'}`;
    }
    case 'mirror-start':
    case 'mirror-stop': {
      const { mirrorId, before, action } = d as { mirrorId?: string; before?: string; action?: string };
      return `mirror ${mirrorId ?? '?'}: ${action ?? kind} (was ${before ?? '?'})`;
    }
    default:
      return JSON.stringify(d);
  }
}

function summarisePrune(details: Details): string {
  const d = details ?? {};
  if (d.blocked) return `pruning ${skipReason(d)}`;
  if (d.reason) return `pruning skipped: ${String(d.reason)}`;
  const deleted = (d.deleted as { name: string }[] | undefined) ?? [];
  const kept = (d.kept as unknown[] | undefined) ?? [];
  const gone = deleted.length === 0 ? 'deleted nothing' : `deleted ${deleted.length} not kept by retention (${deleted.map((s) => s.name).join(', ')})`;
  return `${gone}, kept ${kept.length}`;
}

/** Why a run was skipped, from its details (every skip records one; the snapshot slot's is nested). */
export function skipReason(details: Details | null): string {
  const d = details ?? {};
  const slot = d.snapshot as { reason?: string } | undefined;
  if (typeof slot?.reason === 'string' && d.reason === undefined && d.blocked === undefined) return `snapshot slot skipped: ${slot.reason}`;
  if (d.blocked === 'deletion budget exceeded') {
    return `deletion budget exceeded: retention would delete ${String(d.wouldDelete)} snapshots, maxDeletionsPerRun is ${String(d.budget)}; deleted nothing`;
  }
  if (typeof d.blocked === 'string') return d.blocked;
  if (typeof d.reason === 'string') return d.reason;
  return 'no reason recorded';
}
