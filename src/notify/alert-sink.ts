// The normalised alert sink the notifier works with (from an AlertSink document).
import { fixedDurationMs, parseDuration } from '../policy/duration.ts';
import type { PolicySource } from '../policy/policy.ts';
import type { AlertSinkDocument } from './alert-sink-schema.ts';

export type SinkType = 'webhook' | 'slack' | 'alertmanager';
export type Severity = 'warning' | 'critical';

export interface AlertSink {
  name: string;
  type: SinkType;
  /** Never logged: Slack webhook URLs carry their secret in the path. */
  url: string;
  /** Name of the environment variable with the signing / bearer secret. */
  secretEnv?: string;
  /** Empty = every severity / every policy. */
  match: { severity: Severity[]; policies: string[] };
  repeatIntervalMs?: number;
  source: PolicySource;
}

export function normaliseAlertSink(document: AlertSinkDocument, source: PolicySource): AlertSink {
  const { spec } = document;
  const repeat = spec.repeatInterval === undefined ? undefined : parseDuration(spec.repeatInterval);
  return {
    name: document.metadata.name,
    type: spec.type,
    url: spec.url.replace(/\/+$/, ''),
    ...(spec.secretEnv ? { secretEnv: spec.secretEnv } : {}),
    match: { severity: spec.match?.severity ?? [], policies: spec.match?.policies ?? [] },
    ...(repeat && !('error' in repeat) ? { repeatIntervalMs: fixedDurationMs(repeat) } : {}),
    source,
  };
}

/** Whether an alert of this severity and policy goes to the sink. */
export function sinkMatches(sink: AlertSink, alert: { severity: string; policy: string | null }): boolean {
  const { severity, policies } = sink.match;
  if (severity.length > 0 && !severity.includes(alert.severity as Severity)) return false;
  if (policies.length > 0 && (alert.policy === null || !policies.includes(alert.policy))) return false;
  return true;
}
