// What this daemon process did: job runs and their durations, NAS API requests, reconcile
// passes. Counted here as they happen (unlike the cluster facts, read at scrape time).
import type { Job, Worker } from 'bullmq';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { NasRequestEvent } from '../nas/client.ts';
import type { JobData } from '../schedule/job-kinds.ts';

export class ProcessMetrics {
  readonly jobRuns: Counter<'kind' | 'policy' | 'status'>;
  readonly jobDuration: Histogram<'kind'>;
  readonly nasRequests: Counter<'region' | 'operation' | 'code'>;
  readonly nasRequestDuration: Histogram<'region' | 'operation'>;
  readonly reconcileDuration: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.jobRuns = new Counter({
      name: 'nasorch_job_runs_total',
      help: 'Job attempts finished by this process, by outcome (succeeded, skipped, failed = for good, retried = will be tried again)',
      labelNames: ['kind', 'policy', 'status'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'nasorch_job_duration_seconds',
      help: 'Duration of job attempts run by this process',
      labelNames: ['kind'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800],
      registers,
    });
    this.nasRequests = new Counter({
      name: 'nasorch_nas_requests_total',
      help: 'HTTP requests to the NAS API by this process (code: HTTP status, or timeout / network / aborted)',
      labelNames: ['region', 'operation', 'code'],
      registers,
    });
    this.nasRequestDuration = new Histogram({
      name: 'nasorch_nas_request_duration_seconds',
      help: 'Duration of HTTP requests to the NAS API (each attempt), body included',
      labelNames: ['region', 'operation'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'nasorch_reconcile_duration_seconds',
      help: 'Duration of reconcile passes (schedulers brought in line with the config) run by this process',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
  }

  /** The NAS client's per-request hook (keeps prom-client out of src/nas). */
  readonly observeNasRequest = (event: NasRequestEvent): void => {
    const region = event.region ?? 'unknown';
    this.nasRequests.inc({ region, operation: event.operation, code: String(event.outcome) });
    this.nasRequestDuration.observe({ region, operation: event.operation }, event.durationMs / 1000);
  };

  /** Counts the worker's finished attempts. A busy volume's re-queue (DelayedError) is neither. */
  observeWorker(worker: Worker<JobData>): void {
    worker.on('completed', (job, result: { status?: string } | undefined) => {
      this.recordAttempt(job, result?.status ?? 'succeeded');
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      this.recordAttempt(job, final ? 'failed' : 'retried');
    });
  }

  /** Times one reconcile pass, failed ones included. */
  async timeReconcile<T>(pass: () => Promise<T>): Promise<T> {
    const end = this.reconcileDuration.startTimer();
    try {
      return await pass();
    } finally {
      end();
    }
  }

  private recordAttempt(job: Job<JobData>, status: string): void {
    const { kind, policy } = job.data;
    this.jobRuns.inc({ kind, policy, status });
    if (job.processedOn) this.jobDuration.observe({ kind }, Math.max(0, Date.now() - job.processedOn) / 1000);
  }
}
