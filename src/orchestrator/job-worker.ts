// The BullMQ side of running a job: turns a queued job into a JobRunner request and the
// runner's answer back into BullMQ's language (done / retry later / fail for good / delay).
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../log/logger.ts';
import type { JobData } from '../schedule/job-kinds.ts';
import type { JobRunner } from './job-runner.ts';
import type { RunRecorder } from '../history/run-recorder.ts';

export interface JobWorkerOptions {
  queueName: string;
  prefix: string;
  connection: ConnectionOptions;
  runner: JobRunner;
  recorder: RunRecorder;
  log: Logger;
  concurrency: number;
  /** Must be the same on every daemon (stack-notes: stalled-job recovery). */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** How long a job waits before trying again when its volume is busy. */
  busyRetryMs?: number;
  /** Jobs handled by name instead of the runner (e.g. `failover-step`). */
  namedHandlers?: Record<string, (job: Job) => Promise<unknown>>;
}

/** The scheduled slot: BullMQ stores it as `prevMillis` on every job a scheduler creates. */
export function slotOf(job: Job): Date {
  const millis = (job.opts as { prevMillis?: number }).prevMillis;
  return new Date(typeof millis === 'number' ? millis : job.timestamp);
}

/**
 * Which execution of the job this is: every failed attempt and every stall (a daemon killed
 * mid-job) ran it once before. BullMQ counts these in Redis, so they are known even when
 * PostgreSQL was down for the earlier executions.
 */
export function executionOf(job: Job): number {
  return (job.attemptsMade ?? 0) + (job.stalledCounter ?? 0) + 1;
}

/**
 * The run's key in PostgreSQL: the job id is stable across retries and daemons of one cluster;
 * the prefix keeps two clusters (two Redis prefixes) that share a database apart.
 */
export function runKeyOf(prefix: string, job: Job): string {
  return `${prefix}/${job.id}`;
}

export function createJobWorker(options: JobWorkerOptions): Worker<JobData> {
  const busyRetryMs = options.busyRetryMs ?? 1000;
  const worker = new Worker<JobData>(
    options.queueName,
    async (job, token) => {
      const named = options.namedHandlers?.[job.name];
      if (named) return named(job);
      const attempts = job.opts.attempts ?? 1;
      const result = await options.runner.run({
        data: job.data,
        runKey: runKeyOf(options.prefix, job),
        slot: slotOf(job),
        trigger: 'schedule',
        finalAttempt: job.attemptsMade + 1 >= attempts,
        execution: executionOf(job),
        lockMode: 'try',
      });
      if (result.kind === 'busy') {
        // Another mutating job holds the volume: wait without spending an attempt.
        await job.moveToDelayed(Date.now() + busyRetryMs + Math.floor(Math.random() * busyRetryMs), token);
        throw new DelayedError();
      }
      if (result.kind === 'failed') {
        if (!result.retryable) throw new UnrecoverableError(result.error.message);
        throw result.error;
      }
      return { runId: result.runId, status: result.outcome.status };
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: 2,
      autorun: false,
    },
  );
  worker.on('failed', (job, err) => {
    // A job that stalled too often never reached the runner's catch: record it here.
    if (job && /stalled/i.test(err.message)) {
      options.recorder.failByKey(runKeyOf(options.prefix, job), err.message).catch((e: unknown) => options.log.error({ err: e }, 'could not record a stalled job'));
    }
  });
  // 'error' is listened to by the caller: the daemon's ConnectionHealth logs one line per outage.
  return worker;
}
