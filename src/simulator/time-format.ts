// The three timestamp spellings the simulated services use, each as its real counterpart
// writes it (see nhn-cloud-notes.md): clients must parse them exactly like production ones.

/** NAS API: "2025-04-01T06:44:25+00:00". */
export function nasTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

export function nasTimeOrNull(d: Date | null | undefined): string | null {
  return d ? nasTime(d) : null;
}

/** Identity `expires`: "2026-11-27T03:25:31Z" (UTC, second precision). */
export function keystoneExpires(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** Identity `issued_at`: UTC written WITHOUT a zone suffix and with microseconds. */
export function keystoneIssuedAt(d: Date): string {
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${d.toISOString().slice(0, 19)}.${micros}`;
}

/** Compact UTC stamp for system-made snapshot names: "20261127T022531Z". */
export function compactStamp(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}
