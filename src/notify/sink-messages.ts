// What each sink type receives for one alert event: URL, headers and the exact body. Pure.
import { createHmac } from 'node:crypto';
import type { AlertEventBody, AlertEventKind } from '../alerts/alert-event.ts';
import type { AlertSink } from './alert-sink.ts';

/** What the outbox stores per delivery: the alert as it was, and when the change happened. */
export type DeliveryBody = { alert: AlertEventBody; at: string };

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export const SIGNATURE_HEADER = 'X-Nasorch-Signature';

/** "sha256=<hex HMAC-SHA256 of the raw body>", as GitHub-style webhook receivers check it. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function renderRequest(
  sink: Pick<AlertSink, 'type' | 'url'>,
  delivery: { id: string; kind: AlertEventKind; body: DeliveryBody },
  secret: string | undefined,
): OutgoingRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'nasorch' };
  const { at } = delivery.body;
  const alert = inBodyOrder(delivery.body.alert);
  if (sink.type === 'webhook') {
    const body = JSON.stringify({ status: delivery.kind === 'resolved' ? 'resolved' : 'open', alert });
    // At-least-once: receivers can drop a redelivery by this id.
    headers['x-nasorch-delivery'] = delivery.id;
    headers['x-nasorch-event'] = delivery.kind;
    if (secret !== undefined) headers[SIGNATURE_HEADER.toLowerCase()] = signBody(body, secret);
    return { url: sink.url, headers, body };
  }
  if (sink.type === 'slack') return { url: sink.url, headers, body: JSON.stringify({ text: slackText(delivery.kind, alert) }) };
  if (secret !== undefined) headers.authorization = `Bearer ${secret}`;
  return { url: `${sink.url}/api/v2/alerts`, headers, body: JSON.stringify([alertmanagerAlert(delivery.kind, alert, at)]) };
}

/** The documented field order (JSONB keeps no key order). */
function inBodyOrder(a: AlertEventBody): AlertEventBody {
  const volume = a.volume ? { id: a.volume.id, name: a.volume.name } : null;
  return { key: a.key, severity: a.severity, message: a.message, policy: a.policy, volume, firstSeenAt: a.firstSeenAt, lastSeenAt: a.lastSeenAt, count: a.count };
}

/** One readable line (plus context) for a Slack channel. */
export function slackText(kind: AlertEventKind, alert: AlertEventBody): string {
  const head =
    kind === 'resolved'
      ? `:white_check_mark: RESOLVED ${alert.severity}`
      : `${alert.severity === 'critical' ? ':rotating_light:' : ':warning:'} ${alert.severity.toUpperCase()}${kind === 'repeat' ? ' (still open)' : ''}`;
  const about = [
    alert.policy ? `policy ${alert.policy}` : undefined,
    alert.volume ? `volume ${alert.volume.name ?? alert.volume.id} (${alert.volume.id})` : undefined,
  ].filter(Boolean);
  const seen = `first seen ${alert.firstSeenAt}, last seen ${alert.lastSeenAt}, ${alert.count} time${alert.count === 1 ? '' : 's'}`;
  return `${head}: ${alert.message}\n${[...about, seen].join(' · ')}\nkey: \`${alert.key}\``;
}

/** Alertmanager's postable alert: labels identify it, endsAt set = resolved. */
export function alertmanagerAlert(kind: AlertEventKind, alert: AlertEventBody, at: string) {
  const labels: Record<string, string> = { alertname: 'NasorchAlert', key: alert.key, severity: alert.severity, service: 'nasorch' };
  if (alert.policy) labels.policy = alert.policy;
  if (alert.volume) {
    labels.volume_id = alert.volume.id;
    if (alert.volume.name) labels.volume = alert.volume.name;
  }
  return {
    labels,
    annotations: { summary: alert.message, count: String(alert.count) },
    startsAt: alert.firstSeenAt,
    ...(kind === 'resolved' ? { endsAt: at } : {}),
  };
}
