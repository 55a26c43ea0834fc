// Process settings from the environment. A missing or malformed required setting is a
// one-line error naming the variable (SettingsError), never a stack trace.
import { z } from 'zod';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export const DEFAULT_IDENTITY_URL = 'https://api-identity-infrastructure.nhncloudservice.com';
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/nasorch';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_HTTP_PORT = 9464;
/** Loopback: the health server is reachable from other hosts (a container's) only when asked. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new SettingsError(`missing required setting ${name} (set it in the environment)`);
  }
  return value;
}

function url(env: Env, name: string, fallback?: string): string {
  const value = env[name]?.trim() || fallback;
  if (value === undefined) throw new SettingsError(`missing required setting ${name} (set it in the environment)`);
  if (!z.url().safeParse(value).success) throw new SettingsError(`setting ${name} is not a valid URL`);
  return value.replace(/\/+$/, '');
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new SettingsError(`setting ${name} must be a positive number, got "${raw}"`);
  return value;
}

/** 0 asks the OS for a free port. */
function port(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new SettingsError(`setting ${name} must be a port number (0-65535), got "${raw}"`);
  return value;
}

/** An address to listen on: an IPv4/IPv6 address or a host name (0.0.0.0 for every interface). */
function listenHost(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim() || fallback;
  if (!z.union([z.ipv4(), z.ipv6(), z.hostname()]).safeParse(value).success) {
    throw new SettingsError(`setting ${name} must be an IP address or host name to listen on, got "${value}"`);
  }
  return value;
}

export interface IdentitySettings {
  identityUrl: string;
  tenantId: string;
  username: string;
  /** The API password. Never log it. */
  password: string;
  region: string;
  /** Overrides the catalog's nasv1 endpoint (all regions) when set. */
  nasApiUrl?: string;
}

export function identitySettings(env: Env = process.env): IdentitySettings {
  const nasApiUrl = env.NAS_API_URL?.trim() ? url(env, 'NAS_API_URL') : undefined;
  return {
    identityUrl: url(env, 'NHN_IDENTITY_URL', DEFAULT_IDENTITY_URL),
    tenantId: required(env, 'NHN_TENANT_ID'),
    username: required(env, 'NHN_USERNAME'),
    password: required(env, 'NHN_API_PASSWORD'),
    region: (env.NHN_REGION?.trim() || 'KR1').toUpperCase(),
    ...(nasApiUrl ? { nasApiUrl } : {}),
  };
}

export interface ServiceSettings {
  databaseUrl: string;
  redisUrl: string;
  httpPort: number;
  /** Address of the health server (HTTP_HOST); absent means DEFAULT_HTTP_HOST. */
  httpHost?: string;
  /** Shared across every worker of every daemon on the same Redis. */
  apiRateLimitPerSecond: number;
}

export function serviceSettings(env: Env = process.env): ServiceSettings {
  return {
    databaseUrl: url(env, 'DATABASE_URL', DEFAULT_DATABASE_URL),
    redisUrl: url(env, 'REDIS_URL', DEFAULT_REDIS_URL),
    httpPort: port(env, 'HTTP_PORT', DEFAULT_HTTP_PORT),
    httpHost: listenHost(env, 'HTTP_HOST', DEFAULT_HTTP_HOST),
    apiRateLimitPerSecond: positiveNumber(env, 'NAS_API_RATE_LIMIT', 10),
  };
}

export interface DaemonTuning {
  /** Redis key prefix; daemons sharing it (and the database) form one cluster. */
  redisPrefix: string;
  concurrency: number;
  /** BullMQ lock duration and stalled-check interval: keep identical on every daemon. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  shutdownTimeoutMs: number;
  /** Lease of the per-volume lock; a killed daemon's volumes are free again after it. */
  volumeLockMs: number;
  jobAttempts: number;
  jobBackoffMs: number;
  reconcileCron: string;
  /** While Redis is unreachable, how often "still unreachable" is logged. */
  redisDownLogEveryMs: number;
  /** How often a daemon checks failover runs, probes regions and fences returned sources. */
  failoverTickMs: number;
}

export function daemonTuning(env: Env = process.env): DaemonTuning {
  return {
    redisPrefix: env.NASORCH_REDIS_PREFIX?.trim() || 'nasorch',
    concurrency: positiveNumber(env, 'NASORCH_CONCURRENCY', 4),
    lockDurationMs: positiveNumber(env, 'NASORCH_JOB_LOCK_MS', 30_000),
    stalledIntervalMs: positiveNumber(env, 'NASORCH_STALLED_INTERVAL_MS', 30_000),
    shutdownTimeoutMs: positiveNumber(env, 'NASORCH_SHUTDOWN_TIMEOUT_MS', 30_000),
    volumeLockMs: positiveNumber(env, 'NASORCH_VOLUME_LOCK_MS', 30_000),
    jobAttempts: positiveNumber(env, 'NASORCH_JOB_ATTEMPTS', 5),
    jobBackoffMs: positiveNumber(env, 'NASORCH_JOB_BACKOFF_MS', 10_000),
    reconcileCron: env.NASORCH_RECONCILE_CRON?.trim() || '* * * * *',
    redisDownLogEveryMs: positiveNumber(env, 'NASORCH_REDIS_DOWN_LOG_MS', 30_000),
    failoverTickMs: positiveNumber(env, 'NASORCH_FAILOVER_TICK_MS', 10_000),
  };
}

/** How the replication jobs wait for a settled mirror and when one counts as stuck. */
export interface ReplicationSettings {
  /** Re-reads of `/stat` a window start/stop makes while it is UPDATING/PENDING/RETRIEVE FAILED. */
  settleChecks: number;
  settleIntervalMs: number;
  /** UPDATING/PENDING for longer than this raises `mirror-stuck:<volume>`. */
  stuckMs: number;
}

export function replicationSettings(env: Env = process.env): ReplicationSettings {
  const settleChecks = positiveNumber(env, 'NASORCH_MIRROR_SETTLE_CHECKS', 3);
  if (!Number.isInteger(settleChecks)) throw new SettingsError(`setting NASORCH_MIRROR_SETTLE_CHECKS must be a whole number, got "${env.NASORCH_MIRROR_SETTLE_CHECKS}"`);
  return {
    settleChecks,
    settleIntervalMs: positiveNumber(env, 'NASORCH_MIRROR_SETTLE_INTERVAL_MS', 10_000),
    stuckMs: positiveNumber(env, 'NASORCH_MIRROR_STUCK_MS', 2 * 3600_000),
  };
}

/** Alert notification delivery (src/notify). */
export interface NotifyTuning {
  /** Per request to a sink. */
  timeoutMs: number;
  pollMs: number;
  /** First retry delay, doubling per attempt (capped at 15 minutes). */
  backoffMs: number;
  /** Attempts before a delivery is kept as failed. */
  maxAttempts: number;
}

export function notifyTuning(env: Env = process.env): NotifyTuning {
  return {
    timeoutMs: positiveNumber(env, 'NASORCH_NOTIFY_TIMEOUT_MS', 10_000),
    pollMs: positiveNumber(env, 'NASORCH_NOTIFY_POLL_MS', 1000),
    backoffMs: positiveNumber(env, 'NASORCH_NOTIFY_BACKOFF_MS', 5000),
    maxAttempts: positiveNumber(env, 'NASORCH_NOTIFY_MAX_ATTEMPTS', 10),
  };
}
