// Makes BullMQ's job schedulers match the config: one per (policy, volume, kind). Volumes are
// resolved against the API (all pages) on every pass, so new volumes matching a selector are
// picked up. Safe to run from several daemons: a short Redis lock keeps passes from interleaving,
// and a config version keeps a daemon with an older config from undoing a newer one.
//
// At scale (10 k volumes, 20 k schedulers): volumes are listed 1,000 a page; only differences are
// written, `writeConcurrency` at a time; the lock is renewed while the pass runs (a pass that
// loses it stops writing); and a digest of the desired set, stored next to the schedulers once a
// pass has made them match, lets later passes with the same desired set skip reading all 20 k
// schedulers back. The digest lives in the same Redis as the schedulers, so whatever loses them
// (flush, failover to an empty replica) loses it too; every write deletes it first, and the
// first pass of each Reconciler compares everything regardless.
import { createHash } from 'node:crypto';
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
  /** Lease of the reconcile lock; renewed every third of it while a pass runs. Default 60 s. */
  lockMs?: number;
  /** Scheduler writes (upserts, removals) in flight at once. Default 32. */
  writeConcurrency?: number;
}

const DEFAULT_LOCK_MS = 60_000;
const DEFAULT_WRITE_CONCURRENCY = 32;
const RENEW_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class ReconcileLockLost extends Error {
  override name = 'ReconcileLockLost';
}

/** A held reconcile lock, renewed on a timer until released. */
interface HeldLock {
  /** Throws once the lease was lost (another pass may be running): stop writing. */
  check(): void;
  release(): Promise<void>;
}

export class Reconciler {
  private verified = false;

  constructor(private readonly options: ReconcilerOptions) {}

  async reconcile(policies: readonly Policy[], version: ConfigVersion): Promise<ReconcileResult> {
    const { redis, prefix, log } = this.options;
    const lock = await this.acquireLock();
    try {
      const versionKey = `${prefix}:reconcile:config-version`;
      const stored = parseVersion(await redis.get(versionKey));
      if (stored && stored.digest !== version.digest && stored.mtimeMs > version.mtimeMs) {
        const why = `a newer config (modified ${new Date(stored.mtimeMs).toISOString()}) is in force on another daemon`;
        log.warn({ digest: version.digest }, `not reconciling: ${why}`);
        return { added: [], updated: [], removed: [], unchanged: 0, unresolvedRegions: [], skippedVolumes: [], skipped: why };
      }
      lock.check();
      const result = await this.apply(policies, lock);
      lock.check();
      await redis.set(versionKey, JSON.stringify(version));
      return result;
    } finally {
      await lock.release();
    }
  }

  private async acquireLock(): Promise<HeldLock> {
    const { redis, prefix, log } = this.options;
    const lockMs = this.options.lockMs ?? DEFAULT_LOCK_MS;
    const lockKey = `${prefix}:reconcile:lock`;
    const token = `${process.pid}:${Math.random()}`;
    for (let delay = 50; (await redis.set(lockKey, token, 'PX', lockMs, 'NX')) !== 'OK'; delay = Math.min(delay * 2, 1000)) {
      await new Promise((r) => setTimeout(r, delay));
    }
    let lost = false;
    let renewing: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = redis.eval(RENEW_LUA, 1, lockKey, token, lockMs).then(
        (renewed) => {
          if (renewed === 0 && !lost) {
            lost = true;
            log.error({ lockKey }, 'reconcile lock lost during a pass (Redis slower than its lease?): stopping this pass');
          }
        },
        (err: unknown) => log.warn({ err: { message: (err as Error).message } }, 'could not renew the reconcile lock; retrying'),
      );
    }, Math.max(10, Math.floor(lockMs / 3)));
    timer.unref();
    return {
      check() {
        if (lost) throw new ReconcileLockLost('reconcile lock lost during the pass; another daemon may be reconciling');
      },
      async release() {
        clearInterval(timer);
        await renewing;
        await redis.eval(RELEASE_LUA, 1, lockKey, token);
      },
    };
  }

  private async apply(policies: readonly Policy[], lock: HeldLock): Promise<ReconcileResult> {
    const { queue, log, redis, prefix } = this.options;
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
    const result: ReconcileResult = { added: [], updated: [], removed: [], unchanged: 0, unresolvedRegions, skippedVolumes: skipped };
    const appliedKey = `${prefix}:reconcile:applied-digest`;
    // Only a pass that saw every volume of every region describes the whole scheduler set.
    const digest = unresolvedRegions.length === 0 && skipped.length === 0 ? this.digestOf(desired) : undefined;
    if (digest && this.verified && (await redis.get(appliedKey)) === digest) {
      result.unchanged = desired.length;
      return result;
    }

    const unresolvedPolicies = new Set(policies.filter((p) => unresolvedRegions.includes(p.region)).map((p) => p.name));
    const existing = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
    const upserts: DesiredScheduler[] = [];
    for (const want of desired) {
      const have = existing.get(want.id);
      if (have && have.pattern === want.pattern && have.tz === want.timeZone && isDeepStrictEqual(have.template?.data, want.data)) {
        result.unchanged++;
        continue;
      }
      upserts.push(want);
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
      result.removed.push(id);
    }
    if (upserts.length + result.removed.length > 0) {
      // From the first write on, the stored digest no longer describes what is in Redis.
      await redis.del(appliedKey);
      const concurrency = this.options.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;
      await eachWithin(upserts, concurrency, async (want) => {
        lock.check();
        await this.upsert(want);
      });
      await eachWithin(result.removed, concurrency, async (id) => {
        lock.check();
        await queue.removeJobScheduler(id);
      });
    }
    lock.check();
    if (digest) await redis.set(appliedKey, digest);
    this.verified = true;
    if (result.added.length + result.updated.length + result.removed.length > 0) {
      log.info({ added: result.added.length, updated: result.updated.length, removed: result.removed.length, unchanged: result.unchanged }, 'schedulers reconciled');
    }
    return result;
  }

  /** Everything a scheduler write depends on, so an equal digest means nothing to write. */
  private digestOf(desired: readonly DesiredScheduler[]): string {
    const hash = createHash('sha256').update(JSON.stringify(this.options.jobOptions));
    const sorted = [...desired].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const d of sorted) hash.update('\n').update(JSON.stringify([d.id, d.pattern, d.timeZone, d.data]));
    return hash.digest('hex');
  }

  private async upsert(want: DesiredScheduler): Promise<void> {
    await this.options.queue.upsertJobScheduler(
      want.id,
      { pattern: want.pattern, tz: want.timeZone },
      { name: want.data.kind, data: want.data, opts: this.options.jobOptions },
    );
  }
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure stops new starts and is thrown. */
async function eachWithin<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (rejected) throw rejected.reason;
}

function parseVersion(raw: string | null): ConfigVersion | undefined {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as ConfigVersion;
  } catch {
    return undefined;
  }
}
