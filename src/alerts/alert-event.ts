// What a notification says about an alert: the `alert` object of the webhook body, built from
// the alert row. Times are ISO-8601 UTC.
import type { Alert } from '../db/prisma.ts';

// A type, not an interface: Prisma's JSON input type needs an index signature.
export type AlertEventBody = {
  key: string;
  severity: string;
  message: string;
  policy: string | null;
  volume: { id: string; name: string | null } | null;
  firstSeenAt: string;
  lastSeenAt: string;
  count: number;
};

export type AlertEventKind = 'open' | 'repeat' | 'resolved';

export function alertEventBody(alert: Alert): AlertEventBody {
  return {
    key: alert.key,
    severity: alert.severity,
    message: alert.message,
    policy: alert.policy,
    volume: alert.volumeId ? { id: alert.volumeId, name: alert.volumeName } : null,
    firstSeenAt: alert.firstSeenAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    count: alert.count,
  };
}

/**
 * One event per occurrence (an alert reopened later is a new occurrence, told by its first-seen
 * time) and kind; an open alert whose severity changes is told again, once per severity.
 */
export function alertEventDedupKey(alert: Pick<Alert, 'key' | 'firstSeenAt' | 'severity'>, kind: 'open' | 'resolved'): string {
  const occurrence = `${alert.key}:${alert.firstSeenAt.toISOString()}`;
  return kind === 'open' ? `${occurrence}:open:${alert.severity}` : `${occurrence}:resolved`;
}
