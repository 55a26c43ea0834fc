// What a reload changed, for the one log line a successful SIGHUP writes. Pure.
import type { AlertSink } from '../notify/alert-sink.ts';
import type { Policy } from '../policy/policy.ts';

export interface ConfigChange {
  added: string[];
  removed: string[];
  changed: string[];
  sinksAdded: string[];
  sinksRemoved: string[];
  sinksChanged: string[];
}

function diff<T extends { name: string; source: unknown }>(before: readonly T[], after: readonly T[]) {
  // Where a document sits in its file is no change to what it does.
  const body = (item: T) => JSON.stringify({ ...item, source: undefined });
  const old = new Map(before.map((item) => [item.name, body(item)]));
  const now = new Map(after.map((item) => [item.name, body(item)]));
  return {
    added: [...now.keys()].filter((n) => !old.has(n)),
    removed: [...old.keys()].filter((n) => !now.has(n)),
    changed: [...now.keys()].filter((n) => old.has(n) && old.get(n) !== now.get(n)),
  };
}

export function configChange(before: { policies: readonly Policy[]; sinks: readonly AlertSink[] }, after: { policies: readonly Policy[]; sinks: readonly AlertSink[] }): ConfigChange {
  const p = diff(before.policies, after.policies);
  const s = diff(before.sinks, after.sinks);
  return { ...p, sinksAdded: s.added, sinksRemoved: s.removed, sinksChanged: s.changed };
}

/** "policies added: a; removed: b; changed: c; alert sinks added: x" or "no change". */
export function describeConfigChange(change: ConfigChange): string {
  const part = (label: string, names: string[]) => (names.length > 0 ? `${label}: ${names.join(', ')}` : undefined);
  const policies = [part('added', change.added), part('removed', change.removed), part('changed', change.changed)].filter(Boolean);
  const sinks = [part('added', change.sinksAdded), part('removed', change.sinksRemoved), part('changed', change.sinksChanged)].filter(Boolean);
  const text = [policies.length > 0 ? `policies ${policies.join('; ')}` : undefined, sinks.length > 0 ? `alert sinks ${sinks.join('; ')}` : undefined].filter(Boolean);
  return text.length > 0 ? text.join('; ') : 'no change';
}
