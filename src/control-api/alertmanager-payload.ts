// Alertmanager's webhook body (version 4), read leniently: only the fields nasorch acts on are
// required. A firing alert asks for a failover run when it carries the labels `nasorch_group`
// and `nasorch_kind`; everything else in the payload is ignored. Pure: no I/O.
import { z } from 'zod';

const Labels = z.record(z.string(), z.string());

const AlertmanagerAlert = z.looseObject({
  status: z.string(),
  labels: Labels.default({}),
  annotations: Labels.nullish(),
  startsAt: z.string().nullish(),
  fingerprint: z.string().nullish(),
});

export const AlertmanagerPayload = z.looseObject({
  version: z.string(),
  groupKey: z.string().min(1),
  status: z.string(),
  receiver: z.string().nullish(),
  alerts: z.array(AlertmanagerAlert),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

export interface FailoverRequestFromAlert {
  /** Alertmanager's group key with the group and kind: at most one run per key (repeats of a
   *  notification, and every replica Alertmanager sends it to, map to the same run). */
  groupKey: string;
  group: string;
  kind: string;
  reason: string;
}

export type ReadPayloadResult =
  | { ok: true; requests: FailoverRequestFromAlert[]; ignored: number }
  | { ok: false; error: string };

/** The failover runs a webhook body asks for (one per (group, kind) among its firing alerts). */
export function readAlertmanagerPayload(body: unknown): ReadPayloadResult {
  const parsed = AlertmanagerPayload.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return { ok: false, error: `alertmanager payload: ${field}: ${issue.message}` };
  }
  const payload = parsed.data;
  if (payload.version !== '4') return { ok: false, error: `alertmanager payload: version: expected "4", got ${JSON.stringify(payload.version)}` };
  const requests = new Map<string, FailoverRequestFromAlert>();
  let ignored = 0;
  for (const alert of payload.alerts) {
    const group = alert.labels.nasorch_group;
    const kind = alert.labels.nasorch_kind;
    if (alert.status !== 'firing' || !group || !kind) {
      ignored++;
      continue;
    }
    const key = `${group}\u0000${kind}`;
    if (requests.has(key)) continue;
    const name = alert.labels.alertname ?? 'alert';
    const summary = alert.annotations?.summary ?? alert.annotations?.description;
    requests.set(key, {
      groupKey: `${payload.groupKey}|${group}|${kind}`,
      group,
      kind,
      reason: `Alertmanager: ${name}${summary ? ` — ${summary}` : ''}`.slice(0, 500),
    });
  }
  return { ok: true, requests: [...requests.values()], ignored };
}
