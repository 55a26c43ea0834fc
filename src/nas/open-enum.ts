// Open enums: the spec lists the values of a field, but NHN may add more without notice. A value
// outside the list is kept as sent (parsing must not fail: one odd mirror would blind a region),
// typed apart from the documented ones so decisions have to ask `isKnown…` before acting, and
// logged once per process per (field, value).
import type { Logger } from 'pino';
import { z } from 'zod';

declare const undocumented: unique symbol;
/** A value the spec does not list, kept exactly as the API sent it. Never equal to a documented one. */
export type UnknownValue = string & { readonly [undocumented]: true };
/** A documented literal, or an undocumented value (see `isKnown`). */
export type KnownOrUnknown<K extends string> = K | UnknownValue;

export interface UnknownValueSeen {
  /** Which field, e.g. `volumeMirrorStat.status`. */
  field: string;
  value: string;
}

// Parsing is synchronous, so one slot is enough to collect what a parse saw (nesting restores it).
let collecting: UnknownValueSeen[] | undefined;

/** A string field with a documented vocabulary; other values pass as `UnknownValue`. */
export function openEnum<const K extends readonly [string, ...string[]]>(field: string, known: K) {
  const values = new Set<string>(known);
  return z.string().transform((value): KnownOrUnknown<K[number]> => {
    if (!values.has(value)) collecting?.push({ field, value });
    return value as KnownOrUnknown<K[number]>;
  });
}

/** Narrows an open-enum value to the documented literals. */
export function isKnown<K extends string>(known: readonly K[], value: KnownOrUnknown<K> | undefined): value is K {
  return value !== undefined && (known as readonly string[]).includes(value);
}

/** Runs a (synchronous) parse and returns what it produced with the undocumented values it met. */
export function collectUnknownValues<T>(parse: () => T): { result: T; unknown: UnknownValueSeen[] } {
  const outer = collecting;
  const seen: UnknownValueSeen[] = [];
  collecting = seen;
  try {
    return { result: parse(), unknown: seen };
  } finally {
    collecting = outer;
    outer?.push(...seen);
  }
}

const reported = new Set<string>();

/** Warns about each (field, value) once per process; `context` says where it came from (operation, region). */
export function warnUnknownValuesOnce(logger: Logger | undefined, seen: readonly UnknownValueSeen[], context: Record<string, unknown> = {}): void {
  if (!logger) return;
  for (const { field, value } of seen) {
    const key = `${field}\u0000${value}`;
    if (reported.has(key)) continue;
    reported.add(key);
    logger.warn({ ...context, field, value }, `NAS API sent an undocumented value ${JSON.stringify(value)} for ${field}; kept as is, nasorch will not act on it`);
  }
}
