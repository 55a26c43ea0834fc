// The size cap of one policy file (validate, plan, run and the daemon). Parsing YAML takes about
// a second per MiB, so a file far larger than any real policy set is refused unread.
export const DEFAULT_POLICY_FILE_MAX_BYTES = 1024 * 1024;
export const POLICY_FILE_MAX_BYTES_SETTING = 'NASORCH_POLICY_FILE_MAX_BYTES';

/** The cap from the environment; a malformed value is a one-line error naming the setting. */
export function policyFileMaxBytes(env: Record<string, string | undefined> = process.env): number {
  const raw = env[POLICY_FILE_MAX_BYTES_SETTING]?.trim();
  if (!raw) return DEFAULT_POLICY_FILE_MAX_BYTES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`setting ${POLICY_FILE_MAX_BYTES_SETTING} must be a positive whole number of bytes, got "${raw}"`);
  return value;
}
