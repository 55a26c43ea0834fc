// Makes BullMQ's job schedulers match the config: one per (policy, volume, kind). Volumes are
// resolved against the API (all pages) on every pass, so new volumes matching a selector are
// picked up. Safe to run from several daemons: a short Redis lock keeps passes from interleaving,
// and a config version keeps a daemon with an older config from undoing a newer one.
import { isDeepStrictEqual } from 'node:util';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AlertBook } from '../alerts/alert-book.ts';
import type { Logger } from '../log/logger.ts';
import type { NasClient } from '../nas/client.ts';
import type { Policy } from '../policy/policy.ts';
import type { JobData } from '../schedule/job-kinds.ts';
import { desiredSchedulers, type DesiredScheduler } from './desired-schedulers.ts';
import { syncMalformedVolumeAlerts } from './malformed-volumes.ts';
import { resolveSelectedVolumes, type SkippedVolume } from './volume-selection.ts';

export interface ConfigVersion {
  /** Newest modification time of the config files (ms). */
  mtimeMs: number;
  /** Digest of the loaded policies. */
  digest: string;
}

export interface ReconcileResult {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  /** Regions whose volumes could not be listed: their schedulers were left as they were. */
  unresolvedRegions: string[];
  /** Malformed listing entries left out (each gets a `malformed-volume:` alert when `alerts` is given). */
  skippedVolumes: SkippedVolume[];
  /** Set when this daemon stood down because a newer config is in force elsewhere. */
  skipped?: string;
}

export interface ReconcilerOptions {
  queue: Queue<JobData>;
  redis: Redis;
  prefix: string;
  nasFor(region: string): NasClient;
  log: Logger;
  /** BullMQ job options every scheduled job gets (attempts, backoff, retention of finished jobs). */
  jobOptions: Record<string, unknown>;
  /** Where malformed-volume alerts go; without it they are only logged. */
  alerts?: AlertBook;
}

const LOCK_MS = 60_000;

export class Reconciler {
  constructor(private readonly options: ReconcilerOptions) {}

  async reconcile(policies: readonly Policy[], version: ConfigVersion): Promise<ReconcileResult> {
    const { redis, prefix, log } = this.options;
    const lockKey = `${prefix}:reconcile:lock`;
    const token = `${process.pid}:${Math.random()}`;
    for (let delay = 50; (await redis.set(lockKey, token, 'PX', LOCK_MS, 'NX')) !== 'OK'; delay = Math.min(delay * 2, 1000)) {
      await new Promise((r) => setTimeout(r, delay));
    }
    try {
      const versionKey = `${prefix}:reconcile:config-version`;
      const stored = parseVersion(await redis.get(versionKey));
      if (stored && stored.digest !== version.digest && stored.mtimeMs > version.mtimeMs) {
        const why = `a newer config (modified ${new Date(stored.mtimeMs).toISOString()}) is in force on another daemon`;
        log.warn({ digest: version.digest }, `not reconciling: ${why}`);
        return { added: [], updated: [], removed: [], unchanged: 0, unresolvedRegions: [], skippedVolumes: [], skipped: why };
      }
      const result = await this.apply(policies);
      await redis.set(versionKey, JSON.stringify(version));
      return result;
    } finally {
      await redis.eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`, 1, lockKey, token);
    }
  }

  private async apply(policies: readonly Policy[]): Promise<ReconcileResult> {
    const { queue, log } = this.options;
    const { selected, unresolvedRegions, skipped } = await resolveSelectedVolumes(policies, this.options.nasFor, log);
    if (this.options.alerts) {
      const listed = [...new Set(policies.map((p) => p.region))].filter((r) => !unresolvedRegions.includes(r));
      await syncMalformedVolumeAlerts(this.options.alerts, skipped, listed);
    }
    // A volume whose entry is malformed this time keeps the schedulers it had (as an unlisted region does).
    const skippedIds = new Set(skipped.flatMap((s) => (s.id ? [`${s.region}\u0000${s.id}`] : [])));
    const desired = desiredSchedulers(
      policies.filter((p) => !unresolvedRegions.includes(p.region)),
      selected,
    );
    const unresolvedPolicies = new Set(policies.filter((p) => unresolvedRegions.includes(p.region)).map((p) => p.name));
    const existing = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
    const result: ReconcileResult = { added: [], updated: [], removed: [], unchanged: 0, unresolvedRegions, skippedVolumes: skipped };

    for (const want of desired) {
      const have = existing.get(want.id);
      if (have && have.pattern === want.pattern && have.tz === want.timeZone && isDeepStrictEqual(have.template?.data, want.data)) {
        result.unchanged++;
        continue;
      }
      await this.upsert(want);
      (have ? result.updated : result.added).push(want.id);
    }
    const wanted = new Set(desired.map((d) => d.id));
    for (const [id, have] of existing) {
      if (wanted.has(id)) continue;
      // Keep schedulers whose policy we could not resolve this time (API outage): removing
      // them would silently stop snapshots.
      const data = have.template?.data as JobData | undefined;
      if (data?.policy && unresolvedPolicies.has(data.policy)) continue;
      if (data && skippedIds.has(`${data.region}\u0000${data.volumeId}`)) continue;
      await queue.removeJobScheduler(id);
      result.removed.push(id);
    }
    if (result.added.length + result.updated.length + result.removed.length > 0) {
      log.info({ added: result.added.length, updated: result.updated.length, removed: result.removed.length, unchanged: result.unchanged }, 'schedulers reconciled');
    }
    return result;
  }

  private async upsert(want: DesiredScheduler): Promise<void> {
    await this.options.queue.upsertJobScheduler(
      want.id,
      { pattern: want.pattern, tz: want.timeZone },
      { name: want.data.kind, data: want.data, opts: this.options.jobOptions },
    );
  }
}

function parseVersion(raw: string | null): ConfigVersion | undefined {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as ConfigVersion;
  } catch {
    return undefined;
  }
}
