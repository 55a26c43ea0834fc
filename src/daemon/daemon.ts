// The long-running daemon: loads the policies, keeps BullMQ's job schedulers in step with them,
// runs the jobs, and serves /healthz and /readyz. Reconciles at start, on reload() (SIGHUP),
// when a config file changes, and on a periodic tick that picks up new volumes.
import { watch, type FSWatcher } from 'node:fs';
import { Queue, type Worker } from 'bullmq';
import cron, { type ScheduledTask } from 'node-cron';
import { alertKeys } from '../alerts/alert-book.ts';
import { FailoverDaemonPart } from '../failover/daemon-part.ts';
import { FAILOVER_STEP_JOB } from '../failover/executor.ts';
import { registerControlApi } from '../control-api/routes.ts';
import { asControlRefusal, failoverControl } from '../failover/control-adapter.ts';
import { recordedWriterOverride } from '../failover/pair-record.ts';
import { failoverView } from '../failover/stats.ts';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.ts';
import { createOperatorSurfaces, type OperatorSurfaces } from '../metrics/operator-surfaces.ts';
import type { NasConnectionOptions } from '../nas/connection.ts';
import { Notifier } from '../notify/notifier.ts';
import { runnerFor } from '../orchestrator/job-runner.ts';
import { createJobWorker } from '../orchestrator/job-worker.ts';
import { Reconciler, type ReconcileResult } from '../orchestrator/reconciler.ts';
import type { Policy } from '../policy/policy.ts';
import type { JobData } from '../schedule/job-kinds.ts';
import { notifyTuning, type IdentitySettings, type NotifyTuning, type ServiceSettings } from '../settings/settings.ts';
import { configChange, describeConfigChange } from './config-diff.ts';
import { loadConfig, type LoadedConfig } from './config-source.ts';
import { startHealthServer } from './health-server.ts';
import { openServices, splitDatabaseUrl, type Services } from './services.ts';

export const QUEUE_NAME = 'nasorch-jobs';

export interface DaemonOptions {
  configDir: string;
  service: ServiceSettings;
  identity: IdentitySettings;
  log: Logger;
  /** Redis key prefix; daemons sharing one form one cluster. Default "nasorch". */
  redisPrefix?: string;
  databaseSchema?: string;
  /** HTTP port for /healthz and /readyz; 0 picks a free one; null turns the server off. */
  httpPort?: number | null;
  concurrency?: number;
  /** Identical on all daemons of a cluster. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** node-cron pattern of the periodic reconcile (new volumes). Default every minute. */
  reconcileCron?: string;
  watchConfig?: boolean;
  /** How long stop() lets running jobs finish. */
  shutdownTimeoutMs?: number;
  /** Lease of the per-volume lock; renewed while a job runs. */
  volumeLockMs?: number;
  /** Attempts per job and the first back-off delay (doubling). */
  jobAttempts?: number;
  jobBackoffMs?: number;
  nas?: NasConnectionOptions;
  /** Failover tick period (ms); default 10 s. */
  failoverTickMs?: number;
  /** How long one read of the cluster state serves /metrics and the status page. Default 5 s. */
  clusterFactsTtlMs?: number;
  /** NASORCH_API_TOKEN: when set, the failover control API, the Alertmanager webhook and Bull Board
   *  (/queues) are served behind it. Never logged. */
  apiToken?: string;
  /** Alert notification delivery; default from the NASORCH_NOTIFY_* settings. */
  notify?: Partial<NotifyTuning>;
}

export class Daemon {
  private services?: Services;
  private queue?: Queue<JobData>;
  private worker?: Worker<JobData>;
  private reconciler?: Reconciler;
  private http?: Awaited<ReturnType<typeof startHealthServer>>;
  private surfaces?: OperatorSurfaces;
  private watcher?: FSWatcher;
  private tick?: ScheduledTask;
  private failover?: FailoverDaemonPart;
  private notifier?: Notifier;
  private started = false;
  private config?: LoadedConfig;
  private policies = new Map<string, Policy>();
  private reloading: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;
  readonly prefix: string;

  constructor(private readonly options: DaemonOptions) {
    this.log = options.log;
    this.prefix = options.redisPrefix ?? 'nasorch';
  }

  get httpUrl(): string | undefined {
    return this.http?.url;
  }

  async start(): Promise<void> {
    const o = this.options;
    // A daemon must not start on a broken config: there is no "last good" one yet.
    const config = await loadConfig(o.configDir, o.identity.region);
    if (config.errors.length > 0) {
      for (const e of config.errors) this.log.error(`invalid policy config: ${e.format()}`);
      const more = config.errors.length > 1 ? ` (and ${config.errors.length - 1} more above)` : '';
      throw new Error(`invalid policy config, not starting: ${config.errors[0]!.format()}${more}`);
    }
    this.adopt(config);
    try {
      await this.open();
    } catch (err) {
      // Whatever was opened must not keep the process alive after a failed start.
      await this.stop().catch(() => {});
      throw err;
    }
  }

  private async open(): Promise<void> {
    const o = this.options;

    const services = await openServices({
      service: o.service,
      identity: o.identity,
      log: o.log,
      redisPrefix: this.prefix,
      migrate: true,
      ...(o.volumeLockMs ? { volumeLockMs: o.volumeLockMs } : {}),
      ...(o.databaseSchema ? { databaseSchema: o.databaseSchema } : {}),
      // NAS requests are counted for /metrics through the client's observer hook.
      nas: { ...o.nas, client: { ...o.nas?.client, onRequest: (event) => this.surfaces?.metrics.process.observeNasRequest(event) } },
    });
    this.services = services;
    const nas = services.nas!;
    const connection = { url: o.service.redisUrl, maxRetriesPerRequest: null };
    this.queue = new Queue<JobData>(QUEUE_NAME, { connection, prefix: this.prefix });
    const runner = runnerFor(services, (name) => this.policies.get(name), o.log, { writerOverride: recordedWriterOverride(services.prisma) });
    this.failover = new FailoverDaemonPart({ configDir: o.configDir, defaultRegion: o.identity.region, prisma: services.prisma, redis: services.redis, nas, queue: this.queue, prefix: this.prefix, log: o.log, ...(o.failoverTickMs ? { tickMs: o.failoverTickMs } : {}) });
    this.worker = createJobWorker({
      namedHandlers: { [FAILOVER_STEP_JOB]: this.failover.handle },
      queueName: QUEUE_NAME,
      prefix: this.prefix,
      connection,
      runner,
      recorder: services.recorder,
      log: o.log,
      concurrency: o.concurrency ?? 4,
      lockDurationMs: o.lockDurationMs ?? 30_000,
      stalledIntervalMs: o.stalledIntervalMs ?? 30_000,
    });
    this.surfaces = createOperatorSurfaces({
      prisma: services.prisma,
      queue: this.queue,
      nasFor: (region) => nas.client(region),
      policies: () => this.currentPolicies(),
      log: o.log,
      ...(o.clusterFactsTtlMs !== undefined ? { factsTtlMs: o.clusterFactsTtlMs } : {}),
      ...(o.apiToken ? { apiToken: o.apiToken } : {}),
      failover: failoverView(services.prisma),
      schema: o.databaseSchema ?? splitDatabaseUrl(o.service.databaseUrl).schema ?? 'public',
    });
    this.surfaces.metrics.process.observeWorker(this.worker);
    this.reconciler = new Reconciler({
      queue: this.queue,
      redis: services.redis,
      prefix: this.prefix,
      nasFor: (region) => nas.client(region),
      log: o.log,
      alerts: services.alerts,
      jobOptions: {
        attempts: o.jobAttempts ?? 5,
        backoff: { type: 'exponential', delay: o.jobBackoffMs ?? 10_000 },
        removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
        removeOnFail: { count: 5000, age: 30 * 24 * 3600 },
      },
    });

    // The port first: a daemon that cannot serve its health checks must fail before it schedules anything.
    if (o.httpPort !== null) {
      const port = o.httpPort ?? o.service.httpPort;
      this.http = await startHealthServer({
        port,
        host: o.service.httpHost,
        log: o.log,
        checks: [
          // Bound before scheduling starts, so not ready until start() is done.
          { name: 'daemon', check: async () => void (this.started || (await Promise.reject(new Error('starting')))) },
          { name: 'redis', check: async () => void (await services.redis.ping()) },
          { name: 'postgres', check: async () => void (await services.prisma.$queryRaw`SELECT 1`) },
        ],
        routes: [
          ...this.surfaces.routes,
          ...(o.apiToken
            ? [(server: FastifyInstance) => registerControlApi(server, { token: o.apiToken!, control: failoverControl(() => this.failover!.service()), asRefusal: asControlRefusal })]
            : []),
        ],
      }).catch((err: unknown) => {
        if ((err as { code?: string }).code === 'EADDRINUSE') {
          throw new Error(`HTTP_PORT ${port} is already in use (another nasorch daemon on this host?): set HTTP_PORT to a free port`);
        }
        throw err;
      });
    }
    this.notifier = new Notifier({ prisma: services.prisma, log: o.log, env: process.env, ...notifyTuning(process.env), ...o.notify });
    this.notifier.setSinks(this.config!.sinks);
    await this.warnAboutEviction(services);
    await services.alerts.resolve(alertKeys.configInvalid());
    await this.reconcile('start');
    void this.worker.run().catch((err: unknown) => this.log.error({ err }, 'worker stopped'));
    await this.failover.start();

    this.tick = cron.schedule(o.reconcileCron ?? '* * * * *', () => void this.reconcile('tick').catch(() => {}), { noOverlap: true });
    if (o.watchConfig !== false) this.watchConfigDir();
    this.started = true;
    this.log.info({ configDir: o.configDir, policies: this.policies.size, http: this.http?.url }, 'daemon started');
  }

  /** Re-reads the config (SIGHUP, file change). An invalid config keeps the last good one running. */
  async reload(reason: string): Promise<{ ok: boolean; errors: string[] }> {
    const run = this.reloading.then(async () => {
      const config = await loadConfig(this.options.configDir, this.options.identity.region);
      const alerts = this.services!.alerts;
      if (config.errors.length > 0) {
        const errors = config.errors.map((e) => e.format());
        for (const line of errors) this.log.error({ reason }, `invalid policy config, keeping the last good one: ${line}`);
        await alerts.raise({
          key: alertKeys.configInvalid(),
          severity: 'critical',
          message: `policy config in ${this.options.configDir} is invalid (${errors.length} errors); still running the last good config. First: ${errors[0]}`,
          details: { errors },
        });
        return { ok: false, errors };
      }
      await alerts.resolve(alertKeys.configInvalid());
      const change = configChange(this.config!, config);
      this.adopt(config);
      this.notifier?.setSinks(config.sinks);
      this.log.info({ reason, ...change }, `config reloaded (${reason}): ${describeConfigChange(change)}`);
      await this.reconcile(reason);
      return { ok: true, errors: [] };
    });
    this.reloading = run.catch(() => {});
    return run;
  }

  async reconcile(reason: string): Promise<ReconcileResult> {
    try {
      const policies = [...this.policies.values()];
      const pass = () => this.reconciler!.reconcile(policies, this.config!.version);
      const result = await (this.surfaces ? this.surfaces.metrics.process.timeReconcile(pass) : pass());
      this.log.debug({ reason, ...result }, 'reconcile done');
      if (!result.skipped) await this.alertUnreachableRegions(policies, result.unresolvedRegions);
      return result;
    } catch (err) {
      this.log.error({ reason, err: { message: (err as Error).message } }, 'reconcile failed');
      throw err;
    }
  }

  /** BullMQ loses jobs if Redis may evict keys; managed Redis often hides CONFIG, so only warn. */
  private async warnAboutEviction(services: Services): Promise<void> {
    try {
      const [, policy] = (await services.redis.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy && policy !== 'noeviction') {
        this.log.warn({ maxmemoryPolicy: policy }, 'Redis maxmemory-policy should be noeviction: with eviction, queued jobs can be lost');
      }
    } catch {
      // CONFIG is disabled (e.g. a managed Redis): nothing to check.
    }
  }

  /** A region whose volumes cannot be listed gets no new schedulers: say so until it recovers. */
  private async alertUnreachableRegions(policies: Policy[], unresolved: string[]): Promise<void> {
    const alerts = this.services!.alerts;
    for (const region of new Set(policies.map((p) => p.region))) {
      const key = alertKeys.regionUnreachable(region);
      if (unresolved.includes(region)) {
        await alerts.raise({
          key,
          severity: 'critical',
          message: `cannot list the volumes of region ${region}: schedulers there are kept as they were and new volumes are not picked up (see the daemon log)`,
        });
      } else {
        await alerts.resolve(key);
      }
    }
  }

  /** Stops taking jobs, lets running ones finish (up to the timeout), then closes everything. */
  async stop(): Promise<void> {
    const timeoutMs = this.options.shutdownTimeoutMs ?? 30_000;
    this.log.info({ timeoutMs }, 'daemon stopping');
    this.tick?.stop();
    this.watcher?.close();
    await this.failover?.stop();
    if (this.worker) {
      const graceful = this.worker.close();
      const finished = await settleWithin(graceful, timeoutMs);
      if (!finished) {
        this.log.warn('running jobs did not finish in time; they will be recovered by another daemon or the next start');
        // Worker.close() can hang while Redis is unreachable (stack-notes): bound the forced close too.
        await settleWithin(this.worker.close(true), 5000);
      }
    }
    await settleWithin(this.queue?.close() ?? Promise.resolve(), 5000);
    await this.notifier?.stop();
    await this.http?.server.close();
    await this.services?.close();
    this.log.info('daemon stopped');
  }

  /** For tests and `plan`: the policies in force. */
  currentPolicies(): Policy[] {
    return [...this.policies.values()];
  }

  private adopt(config: LoadedConfig): void {
    this.config = config;
    this.policies = new Map(config.policies.map((p) => [p.name, p]));
  }

  private watchConfigDir(): void {
    let timer: NodeJS.Timeout | undefined;
    try {
      this.watcher = watch(this.options.configDir, () => {
        clearTimeout(timer);
        timer = setTimeout(() => void this.reload('config change').catch(() => {}), 300);
      });
      this.watcher.on('error', (err) => this.log.warn({ err: { message: err.message } }, 'config watcher failed; SIGHUP still reloads'));
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message } }, 'cannot watch the config directory; SIGHUP still reloads');
    }
  }
}

async function settleWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const, () => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
