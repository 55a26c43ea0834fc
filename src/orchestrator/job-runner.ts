// Runs one job: records the run, takes the volume lock for mutating kinds, calls the handler
// from jobs/, and decides what a failure means (retry later, or fail now and alert).
// The BullMQ worker and `nasorch run` both go through here, so a manual run is the same code.
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { resolveActingVolume } from '../../jobs/acting-volume.ts';
import { JOB_HANDLERS, PermanentJobError, type JobOutcome } from '../../jobs/index.ts';
import { alertKeys, type AlertBook } from '../alerts/alert-book.ts';
import type { HeldLock, VolumeLock } from '../coordination/volume-lock.ts';
import type { PrismaClient } from '../db/prisma.ts';
import type { RunRecorder } from '../history/run-recorder.ts';
import type { Logger } from '../log/logger.ts';
import type { NasClient } from '../nas/client.ts';
import { maintenanceReason } from '../failover/maintenance.ts';
import { isNasApiError } from '../nas/errors.ts';
import type { Policy } from '../policy/policy.ts';
import type { ActingDecision } from '../replication/acting-volume.ts';
import { replicationSettings, type ReplicationSettings } from '../settings/settings.ts';
import { noWriterOverride, type WriterOverride } from '../replication/writer-override.ts';
import { readPauseState } from '../schedule/schedule-pauses.ts';
import { MUTATING_KINDS, type JobData, type RunTrigger } from '../schedule/job-kinds.ts';

export interface JobRunnerDeps {
  prisma: PrismaClient;
  recorder: RunRecorder;
  alerts: AlertBook;
  locks: VolumeLock;
  nasFor(region: string): NasClient;
  /** The policies in force now (the handler reads the current config, not the one at enqueue time). */
  policy(name: string): Policy | undefined;
  log: Logger;
  now?: () => Date;
  worker?: string;
  /** The writer a failover run recorded for a pair (src/replication/writer-override.ts); default none. */
  writerOverride?: WriterOverride;
  /** Default: from the environment (NASORCH_MIRROR_*). */
  replication?: ReplicationSettings;
  /** How handlers wait between re-reads; default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RunRequest {
  data: JobData;
  runKey: string;
  slot: Date;
  trigger: RunTrigger;
  /** False while the queue will try again after a retryable failure. */
  finalAttempt: boolean;
  /** Which execution of this run this is, as the queue counts them (1 for manual runs). */
  execution?: number;
  /** How to get the volume lock: 'try' returns `busy` at once (the worker re-queues), 'wait' blocks. */
  lockMode: 'try' | 'wait';
}

export type RunResult =
  | { kind: 'done'; runId: string; outcome: JobOutcome }
  | { kind: 'busy' }
  | { kind: 'failed'; runId?: string; error: Error; retryable: boolean };

/**
 * Whether a later attempt may succeed. A call whose outcome is unknown is worth another
 * attempt even when its last answer was a definite 4xx: the next attempt re-observes
 * (snapshot lookup by name, mirror /stat) and decides from what it sees.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof PermanentJobError) return false;
  if (isNasApiError(err)) return err.retryable || err.outcomeUnknown;
  return true; // database / Redis / unexpected: worth another try
}

export class JobRunner {
  private readonly now: () => Date;
  private readonly worker: string;
  private readonly replication: ReplicationSettings;

  constructor(private readonly deps: JobRunnerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.worker = deps.worker ?? `${hostname()}:${process.pid}`;
    this.replication = deps.replication ?? replicationSettings();
  }

  async run(req: RunRequest): Promise<RunResult> {
    const { data } = req;
    const log = this.deps.log.child({ policy: data.policy, volumeId: data.volumeId, volumeName: data.volumeName, job: data.kind, runKey: req.runKey });
    const policy = this.deps.policy(data.policy);

    // Which volume the job acts on (the pair's writer) is known before the lock: the lock is its.
    const selected = { id: data.volumeId, name: data.volumeName, region: data.region };
    const writerOverride = this.deps.writerOverride ?? noWriterOverride;
    let acting: ActingDecision | undefined;
    let resolveError: Error | undefined;
    if (policy) {
      try {
        acting = await resolveActingVolume({ kind: data.kind, policy, selected, nasFor: this.deps.nasFor, writerOverride });
      } catch (err) {
        resolveError = err instanceof Error ? err : new Error(String(err));
      }
    }
    const volume = acting?.kind === 'act' ? acting.acting : selected;

    let lock: HeldLock | null = null;
    if (MUTATING_KINDS.has(data.kind) && acting?.kind !== 'skip' && !resolveError) {
      lock =
        req.lockMode === 'try'
          ? await this.deps.locks.tryAcquire(volume.region, volume.id)
          : await this.deps.locks.acquire(volume.region, volume.id);
      if (!lock) return { kind: 'busy' };
    }

    let runId: string | undefined;
    try {
      const run = await this.deps.recorder.start({
        runKey: req.runKey,
        kind: data.kind,
        policy: data.policy,
        volumeId: data.volumeId,
        volumeName: data.volumeName,
        region: data.region,
        scheduledAt: req.slot,
        trigger: req.trigger,
        worker: this.worker,
        ...(req.execution !== undefined ? { execution: req.execution } : {}),
      });
      runId = run.id;
      if (!policy) {
        // The policy was removed after this job was queued; its scheduler goes at the next reconcile.
        const outcome: JobOutcome = { status: 'skipped', details: { reason: `policy ${data.policy} is no longer configured` } };
        await this.deps.recorder.finish(run.id, { status: outcome.status, details: toJson(outcome.details) });
        return { kind: 'done', runId: run.id, outcome };
      }
      if (req.trigger === 'schedule') {
        const pause = await readPauseState(this.deps.prisma, policy, data.volumeId, this.now());
        if (pause.paused) {
          const outcome: JobOutcome = { status: 'skipped', details: { reason: pause.reason, paused: { source: pause.source, until: pause.until?.toISOString() ?? null } } };
          await this.deps.recorder.finish(run.id, { status: 'skipped', details: toJson(outcome.details) });
          log.info({ reason: pause.reason }, `${data.kind} of ${data.volumeName} skipped: ${pause.reason}`);
          return { kind: 'done', runId: run.id, outcome };
        }
      }
      // A failover run owns its group's volumes: scheduled window start/stop skip (recorded like a pause).
      const maintenance = await maintenanceReason(this.deps.prisma, data.kind === 'mirror-start' || data.kind === 'mirror-stop' ? [data.volumeId, volume.id] : []);
      if (maintenance) {
        const outcome: JobOutcome = { status: 'skipped', details: { reason: maintenance } };
        log.info({ reason: maintenance }, 'job skipped');
        await this.deps.recorder.finish(run.id, { status: outcome.status, details: toJson(outcome.details) });
        return { kind: 'done', runId: run.id, outcome };
      }
      if (resolveError || !acting) throw resolveError ?? new Error('acting volume not resolved');
      if (acting.kind === 'skip') {
        const outcome: JobOutcome = { status: 'skipped', details: { reason: acting.reason, actingOn: null, pair: acting.pair.key } };
        log.info({ reason: acting.reason }, 'job skipped');
        await this.deps.recorder.finish(run.id, { status: outcome.status, details: toJson(outcome.details) });
        return { kind: 'done', runId: run.id, outcome };
      }
      const redirect = { actingOn: volume, redirectedFrom: acting.redirectedFrom, ...(acting.note ? { actingNote: acting.note } : {}) };
      if (acting.redirectedFrom) log.info(redirect, `acting on the pair's writer ${volume.name} (${volume.id}, ${volume.region})`);
      log.debug({ attempt: run.attempts }, 'job started');
      const handled = await JOB_HANDLERS[data.kind]({
        policy,
        volume,
        selected,
        pair: acting.pair,
        slot: req.slot,
        now: this.now,
        nas: this.deps.nasFor(volume.region),
        nasFor: (region) => this.deps.nasFor(region),
        writerOverride,
        prisma: this.deps.prisma,
        alerts: this.deps.alerts.forVolume(volume),
        runId: run.id,
        log: acting.redirectedFrom ? log.child({ actingOn: volume.id }) : log,
        replication: this.replication,
        sleep: this.deps.sleep ?? ((ms) => delay(ms)),
      });
      const outcome: JobOutcome = { ...handled, details: { ...handled.details, ...redirect } };
      await this.deps.recorder.finish(run.id, { status: outcome.status, details: toJson(outcome.details) });
      await this.deps.alerts.resolve(alertKeys.jobFailed(data.kind, data.policy, data.volumeId));
      log.info({ status: outcome.status }, 'job finished');
      return { kind: 'done', runId: run.id, outcome };
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const retryable = isRetryable(error);
      const final = req.finalAttempt || !retryable;
      log.warn({ err: { message: error.message, name: error.name }, retryable, final }, 'job failed');
      if (runId) {
        await this.deps.recorder
          .finish(runId, { status: 'failed', error: error.message })
          .catch((e: unknown) => log.error({ err: e }, 'could not record the failure'));
      }
      if (final) {
        await this.deps.alerts
          .raise({
            key: alertKeys.jobFailed(data.kind, data.policy, data.volumeId),
            severity: 'critical',
            policy: data.policy,
            volumeId: data.volumeId,
            volumeName: data.volumeName,
            message: `${data.kind} of volume ${data.volumeName} (${data.volumeId}) for policy ${data.policy} failed: ${error.message}`,
          })
          .catch((e: unknown) => log.error({ err: e }, 'could not raise the alert'));
      }
      return { kind: 'failed', ...(runId ? { runId } : {}), error, retryable };
    } finally {
      await lock?.release().catch(() => {});
    }
  }
}

/** A runner over opened services (the daemon's and `nasorch run`'s). */
export function runnerFor(
  services: { prisma: PrismaClient; recorder: RunRecorder; alerts: AlertBook; locks: VolumeLock; nas?: { client(region: string): NasClient } },
  policy: (name: string) => Policy | undefined,
  log: Logger,
  options: { writerOverride?: WriterOverride } = {},
): JobRunner {
  const nas = services.nas;
  if (!nas) throw new Error('job runner needs the NAS connection (identity settings)');
  return new JobRunner({ ...services, nasFor: (region) => nas.client(region), policy, log, ...options });
}

/** BigInts and Dates as JSON-safe values for the run's `details` column. */
function toJson(value: unknown): import('../db/prisma.ts').Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}
