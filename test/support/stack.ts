// A full, private nasorch stack for one test file: a simulator (real clock: BullMQ schedules
// run on wall time), a migrated PostgreSQL schema, a Redis prefix and a config directory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/logger.ts';
import { Daemon, type DaemonOptions } from '../../src/daemon/daemon.ts';
import type { IdentitySettings, ServiceSettings } from '../../src/settings/settings.ts';
import { startSimulator, type RunningSimulator, type SimulatorStartOptions } from '../../src/simulator/index.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { createTestRedis, type TestRedis } from './redis.ts';

export interface TestStack {
  sim: RunningSimulator;
  db: TestDatabase;
  redis: TestRedis;
  configDir: string;
  identity: IdentitySettings;
  service: ServiceSettings;
  /** Environment for a `nasorch` child process pointed at this stack. */
  env: Record<string, string>;
  /** Log lines the daemons wrote (JSON objects). */
  logs: Record<string, unknown>[];
  log: Logger;
  writePolicy(file: string, yaml: string): Promise<void>;
  startDaemon(overrides?: Partial<DaemonOptions>): Promise<Daemon>;
  close(): Promise<void>;
}

/** Short BullMQ timings so stalled jobs are recovered within seconds, not minutes. */
export const FAST_TUNING = {
  concurrency: 4,
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
  shutdownTimeoutMs: 5000,
  volumeLockMs: 3000,
  jobAttempts: 3,
  jobBackoffMs: 200,
  reconcileCron: '0 0 1 1 *', // ticks are triggered by hand in tests
};

export async function createTestStack(simOptions: SimulatorStartOptions = {}): Promise<TestStack> {
  const sim = await startSimulator({ clock: 'real', ...simOptions });
  const db = await createTestDatabase();
  const redis = createTestRedis();
  const configDir = await mkdtemp(path.join(tmpdir(), 'nasorch-config-'));
  const identity: IdentitySettings = {
    identityUrl: sim.identityUrl,
    tenantId: sim.credentials.tenantId,
    username: sim.credentials.username,
    password: sim.credentials.password,
    region: 'KR1',
  };
  const service: ServiceSettings = { databaseUrl: db.databaseUrl, redisUrl: redis.url, httpPort: 0, apiRateLimitPerSecond: 200 };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const log = createLogger({ level: 'debug', destination: sink });
  const daemons: Daemon[] = [];
  const url = new URL(db.databaseUrl);
  url.searchParams.set('schema', db.schema);

  return {
    sim,
    db,
    redis,
    configDir,
    identity,
    service,
    logs,
    log,
    env: {
      DATABASE_URL: url.toString(),
      REDIS_URL: redis.url,
      NASORCH_REDIS_PREFIX: redis.prefix,
      NHN_IDENTITY_URL: sim.identityUrl,
      NHN_TENANT_ID: identity.tenantId,
      NHN_USERNAME: identity.username,
      NHN_API_PASSWORD: identity.password,
      NHN_REGION: 'KR1',
      HTTP_PORT: '0',
      NASORCH_CONCURRENCY: String(FAST_TUNING.concurrency),
      NASORCH_JOB_LOCK_MS: String(FAST_TUNING.lockDurationMs),
      NASORCH_STALLED_INTERVAL_MS: String(FAST_TUNING.stalledIntervalMs),
      NASORCH_VOLUME_LOCK_MS: String(FAST_TUNING.volumeLockMs),
      NASORCH_JOB_ATTEMPTS: String(FAST_TUNING.jobAttempts),
      NASORCH_JOB_BACKOFF_MS: String(FAST_TUNING.jobBackoffMs),
      NASORCH_RECONCILE_CRON: FAST_TUNING.reconcileCron,
      LOG_LEVEL: 'info',
    },
    writePolicy: (file, yaml) => writeFile(path.join(configDir, file), yaml),
    async startDaemon(overrides = {}) {
      const daemon = new Daemon({
        configDir,
        service,
        identity,
        log,
        redisPrefix: redis.prefix,
        databaseSchema: db.schema,
        httpPort: 0,
        watchConfig: false,
        nas: { client: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } } },
        ...FAST_TUNING,
        ...overrides,
      });
      daemons.push(daemon);
      await daemon.start();
      return daemon;
    },
    async close() {
      await Promise.allSettled(daemons.map((d) => d.stop()));
      await sim.close();
      await db.drop();
      await redis.cleanup();
      await rm(configDir, { recursive: true, force: true });
    },
  };
}

/** A policy document for the simulator's demo volumes. */
export function policyYaml(name: string, spec: string): string {
  return `apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
}
