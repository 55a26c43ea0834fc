// Opens what the daemon and the `run` / `history` / `alerts` commands share: PostgreSQL
// (migrated), Redis, the NAS connection with the cluster-wide rate limit, and the run and
// alert books. One place to build them, one place to close them.
import { Redis } from 'ioredis';
import { AlertBook } from '../alerts/alert-book.ts';
import { ApiRateLimiter } from '../coordination/api-rate-limiter.ts';
import { VolumeLock } from '../coordination/volume-lock.ts';
import { migrate } from '../db/migrate.ts';
import { createPrisma, type PrismaClient } from '../db/prisma.ts';
import { RunRecorder } from '../history/run-recorder.ts';
import type { Logger } from '../log/logger.ts';
import { NasConnection, type NasConnectionOptions } from '../nas/connection.ts';
import type { IdentitySettings, ServiceSettings } from '../settings/settings.ts';
import { ConnectionHealth } from './connection-health.ts';

/**
 * Reconnect at most a second after Redis is back (ioredis and BullMQ back off to 2 s and 20 s):
 * the daemon restores the job schedulers as soon as it is. Attempts are not logged one by one.
 */
export function redisRetryStrategy(times: number): number {
  return Math.min(times * 100, 1000);
}

export interface ServicesOptions {
  service: ServiceSettings;
  /** Needed only by commands that call the NAS API. */
  identity?: IdentitySettings;
  log: Logger;
  /** Redis key prefix for every key nasorch writes (queues, locks, rate limit). */
  redisPrefix: string;
  /** PostgreSQL schema; default from DATABASE_URL's `?schema=`, else public. */
  databaseSchema?: string;
  nas?: NasConnectionOptions;
  /** Lease of the per-volume lock (ms). */
  volumeLockMs?: number;
  /** Apply pending migrations first (the daemon and `db migrate` do). */
  migrate?: boolean;
  /** While Redis is unreachable, how often that is logged again. Default 30 s. */
  redisDownLogEveryMs?: number;
}

export interface Services {
  prisma: PrismaClient;
  redis: Redis;
  /** Redis reachability, one log line per change; other Redis clients (BullMQ's) can be added. */
  redisHealth: ConnectionHealth;
  alerts: AlertBook;
  recorder: RunRecorder;
  locks: VolumeLock;
  /** Present when identity settings were given. */
  nas?: NasConnection;
  close(): Promise<void>;
}

/** `?schema=` as Prisma users write it (PrismaPg ignores it, so it is passed explicitly). */
export function splitDatabaseUrl(databaseUrl: string): { url: string; schema?: string } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { url: url.toString(), ...(schema ? { schema } : {}) };
}

export async function openServices(options: ServicesOptions): Promise<Services> {
  const { url, schema: urlSchema } = splitDatabaseUrl(options.service.databaseUrl);
  const schema = options.databaseSchema ?? urlSchema;
  if (options.migrate) {
    const result = await migrate({ databaseUrl: url, ...(schema ? { schema } : {}), log: (m) => options.log.info(m) });
    if (result.applied.length > 0) options.log.info({ applied: result.applied }, 'database migrated');
  }
  const prisma = createPrisma({ databaseUrl: url, ...(schema ? { schema } : {}) });
  const redis = new Redis(options.service.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: redisRetryStrategy });
  // ioredis reconnects by itself; without a listener its errors would be "unhandled". The
  // first connection's failure is thrown below; after that, redisHealth reports.
  const ignoreUntilConnected = () => {};
  redis.on('error', ignoreUntilConnected);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    await prisma.$disconnect();
    throw new Error(`cannot connect to Redis at ${new URL(options.service.redisUrl).host}: ${(err as Error).message}`);
  }
  const redisHealth = new ConnectionHealth({ name: 'redis', log: options.log, ...(options.redisDownLogEveryMs ? { repeatEveryMs: options.redisDownLogEveryMs } : {}) });
  redisHealth.watch('redis', { errors: redis, ready: redis, closes: true });
  redis.off('error', ignoreUntilConnected);
  const limiter = new ApiRateLimiter(redis, { prefix: options.redisPrefix, requestsPerSecond: options.service.apiRateLimitPerSecond });
  const nas = options.identity
    ? new NasConnection(options.identity, {
        logger: options.log,
        ...options.nas,
        client: { ...options.nas?.client, beforeRequest: () => limiter.take() },
      })
    : undefined;
  return {
    prisma,
    redis,
    redisHealth,
    alerts: new AlertBook(prisma, options.log),
    recorder: new RunRecorder(prisma),
    locks: new VolumeLock(redis, { prefix: options.redisPrefix, ...(options.volumeLockMs ? { leaseMs: options.volumeLockMs } : {}) }),
    ...(nas ? { nas } : {}),
    async close() {
      redisHealth.stop();
      await Promise.allSettled([prisma.$disconnect(), redis.quit()]);
    },
  };
}
