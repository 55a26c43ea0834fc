// Times in tables are shown in the policy's time zone (schedules are written in it); JSON stays
// ISO-8601 UTC with Z. "2026-11-27 12:00:00+09:00", or "2026-11-27 03:00:00Z" in UTC.
import { loadPolicyDir } from '../policy/load-policies.ts';

export function formatLocalTime(date: Date | null | undefined, timeZone = 'UTC'): string | null {
  if (!date || Number.isNaN(date.getTime())) return null;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const offset = String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}${offset === '' || offset === '+00:00' ? 'Z' : offset}`;
}

/**
 * Policy name → time zone, from the config directory when it loads; records of unknown
 * policies (or without a readable config) are shown in UTC. Reading records never fails on config.
 */
export async function policyTimeZones(configDir: string | undefined): Promise<(policy: string | null | undefined) => string> {
  if (!configDir) return () => 'UTC';
  const set = await loadPolicyDir(configDir, { defaultRegion: 'KR1' }).catch(() => undefined);
  const zones = new Map((set?.policies ?? []).map((p) => [p.name, p.timezone]));
  return (policy) => (policy ? zones.get(policy) : undefined) ?? 'UTC';
}
