// The long-running daemon: loads the policies, keeps BullMQ's job schedulers in step with them,
// runs the jobs, and serves /healthz and /readyz. Reconciles at start, on reload() (SIGHUP),
// when a config file changes, and on a periodic tick that picks up new volumes.
import { watch, type FSWatcher } from 'node:fs';
import { Queue, type Worker } from 'bullmq';
import cron, { type ScheduledTask } from 'node-cron';
import { alertKeys } from '../alerts/alert-book.ts';
import { describeError } from '../cli/errors.ts';
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
import { WorkerPolicyLoader } from '../policy/load-in-worker.ts';
import type { Policy } from '../policy/policy.ts';
import type { JobData } from '../schedule/job-kinds.ts';
import { DEFAULT_POLICY_FILE_MAX_BYTES } from '../policy/file-size-cap.ts';
import { notifyTuning, type IdentitySettings, type NotifyTuning, type ServiceSettings } from '../settings/settings.ts';
import { CoalescedTask } from './coalesced-task.ts';
import { configChange, describeConfigChange } from './config-diff.ts';
import { inlinePolicyLoader, loadConfig, type LoadedConfig, type PolicyLoader } from './config-source.ts';
import { startHealthServer } from './health-server.ts';
import { openServices, redisRetryStrategy, splitDatabaseUrl, type Services } from './services.ts';

export const QUEUE_NAME = 'nasorch-jobs';
/** After Redis is back: how long to wait for it to settle before reconciling. */
const RECOVERY_DEBOUNCE_MS = 200;

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
  /** While Redis is unreachable, how often that is logged again. Default 30 s. */
  redisDownLogEveryMs?: number;
  /** Size cap of one policy file (NASORCH_POLICY_FILE_MAX_BYTES). Default 1 MiB. */
  policyFileMaxBytes?: number;
  /** How reloads read the policy files. Default: in a worker thread (tests wrap it to count loads). */
  reloadLoader?: PolicyLoader & { close?(): Promise<void> };
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
  private recoveryTimer?: NodeJS.Timeout;
  private watchTimer?: NodeJS.Timeout;
  private stopping = false;
  private failover?: FailoverDaemonPart;
  private notifier?: Notifier;
  private started = false;
  private config?: LoadedConfig;
  private policies = new Map<string, Policy>();
  private readonly reloads = new CoalescedTask(() => this.reloadNow());
  private readonly reloadReasons = new Set<string>();
  private readonly reloadLoader: PolicyLoader & { close?(): Promise<void> };
  private readonly log: Logger;
  readonly prefix: string;

  constructor(private readonly options: DaemonOptions) {
    this.log = options.log;
    this.prefix = options.redisPrefix ?? 'nasorch';
    this.reloadLoader = options.reloadLoader ?? new WorkerPolicyLoader();
  }

  get httpUrl(): string | undefined {
    return this.http?.url;
  }

  async start(): Promise<void> {
    const o = this.options;
    // A daemon must not start on a broken config: there is no "last good" one yet. Nothing runs
    // yet that a long parse could hold up, so the files are parsed in this thread.
    const config = await this.loadConfig(inlinePolicyLoader);
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
      ...(o.redisDownLogEveryMs ? { redisDownLogEveryMs: o.redisDownLogEveryMs } : {}),
      ...(o.databaseSchema ? { databaseSchema: o.databaseSchema } : {}),
      // NAS requests are counted for /metrics through the client's observer hook.
      nas: { ...o.nas, client: { ...o.nas?.client, onRequest: (event) => this.surfaces?.metrics.process.observeNasRequest(event) } },
    });
    this.services = services;
    const nas = services.nas!;
    const connection = { url: o.service.redisUrl, maxRetriesPerRequest: null, retryStrategy: redisRetryStrategy };
    this.queue = new Queue<JobData>(QUEUE_NAME, { connection, prefix: this.prefix });
    // Without an 'error' listener BullMQ prints raw stack traces outside the JSON log.
    services.redisHealth.watch('queue', { errors: this.queue, ready: this.queue.getBackend() });
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
    services.redisHealth.watch('worker', { errors: this.worker, ready: this.worker.getBackend() });
    services.redisHealth.onBack(() => this.reconcileAfterRedisOutage());
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

  /**
   * Re-reads the config (SIGHUP, file change). An invalid config keeps the last good one running.
   * A burst of requests is one reload; the files are parsed in a worker thread so jobs and
   * /healthz keep being served meanwhile.
   */
  reload(reason: string): Promise<{ ok: boolean; errors: string[] }> {
    this.reloadReasons.add(reason);
    return this.reloads.run();
  }

  private async reloadNow(): Promise<{ ok: boolean; errors: string[] }> {
    if (this.stopping) return { ok: false, errors: ['the daemon is stopping'] };
    const reason = [...this.reloadReasons].join(', ');
    this.reloadReasons.clear();
    let config: LoadedConfig;
    try {
      config = await this.loadConfig(this.reloadLoader);
    } catch (err) {
      // E.g. a parse cut off by the loader's timeout: the last good config stays in force.
      const message = `cannot reload the policy config, keeping the last good one: ${describeError(err)}`;
      this.log.error({ reason }, message);
      return { ok: false, errors: [message] };
    }
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
  }

  private async loadConfig(loader: PolicyLoader): Promise<LoadedConfig> {
    const started = Date.now();
    const options = { defaultRegion: this.options.identity.region, maxFileBytes: this.options.policyFileMaxBytes ?? DEFAULT_POLICY_FILE_MAX_BYTES };
    const config = await loadConfig(this.options.configDir, options, loader);
    this.log.debug({ configDir: this.options.configDir, policies: config.policies.length, ms: Date.now() - started }, 'policy files loaded');
    for (const warning of config.warnings) this.log.warn(`policy config: ${warning}`);
    return config;
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
      // Closing Redis under a running pass (a tick, the pass after an outage) is no failure.
      if (this.stopping) this.log.warn({ reason }, `reconcile (${reason}) cut short by the shutdown: ${describeError(err)}`);
      else this.log.error({ reason }, `reconcile (${reason}) failed: ${describeError(err)}`);
      throw err;
    }
  }

  /**
   * A Redis restarted without persistence has lost every job scheduler (and the queued jobs):
   * restore them at once rather than at the next tick, so the next slot is kept. Debounced, so
   * a flapping connection costs one pass.
   */
  private reconcileAfterRedisOutage(): void {
    clearTimeout(this.recoveryTimer);
    this.recoveryTimer = setTimeout(() => void this.reconcile('redis back').catch(() => {}), RECOVERY_DEBOUNCE_MS);
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
      await recordingAlert(key, () =>
        unresolved.includes(region)
          ? alerts.raise({
              key,
              severity: 'critical',
              message: `cannot list the volumes of region ${region}: schedulers there are kept as they were and new volumes are not picked up (see the daemon log)`,
            })
          : alerts.resolve(key),
      );
    }
  }

  /** Stops taking jobs, lets running ones finish (up to the timeout), then closes everything. */
  async stop(): Promise<void> {
    const timeoutMs = this.options.shutdownTimeoutMs ?? 30_000;
    this.log.info({ timeoutMs }, 'daemon stopping');
    this.stopping = true;
    this.tick?.stop();
    this.watcher?.close();
    clearTimeout(this.watchTimer);
    clearTimeout(this.recoveryTimer);
    // A reload under way finishes (its reconcile needs Redis); one not started yet does nothing.
    await settleWithin(this.reloads.settled(), 10_000);
    this.services?.redisHealth.stop();
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
    await this.reloadLoader.close?.();
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
    try {
      this.watcher = watch(this.options.configDir, () => {
        clearTimeout(this.watchTimer);
        this.watchTimer = setTimeout(() => void this.reload('config change').catch(() => {}), 300);
      });
      this.watcher.on('error', (err) => this.log.warn({ err: { message: err.message } }, 'config watcher failed; SIGHUP still reloads'));
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message } }, 'cannot watch the config directory; SIGHUP still reloads');
    }
  }
}

/** Names the alert when writing it fails (Prisma's own message spans many lines). */
async function recordingAlert(key: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    throw new Error(`recording alert ${key}: ${describeError(err)}`, { cause: err });
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
