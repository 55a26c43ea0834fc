// Step jobs on the daemons' queue, the daemons' heartbeat, and the --local scheduler that runs
// the same steps in this process.
import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FAILOVER_STEP_JOB, stepJobId, type StepJob, type StepScheduler } from './executor.ts';

export class QueueStepScheduler implements StepScheduler {
  constructor(private readonly queue: Pick<Queue, 'add'>) {}
  async schedule(job: StepJob, delayMs: number): Promise<void> {
    await this.queue.add(FAILOVER_STEP_JOB as never, job as never, {
      jobId: stepJobId(job),
      ...(delayMs > 0 ? { delay: delayMs } : {}),
      // A step's own settle loop re-enqueues; BullMQ retries would only repeat a failed execution.
      attempts: 1,
      removeOnComplete: { count: 2000, age: 7 * 24 * 3600 },
      removeOnFail: { count: 2000, age: 30 * 24 * 3600 },
    });
  }
}

const heartbeatKey = (prefix: string, id: string) => `${prefix}:daemons:${id}`;

/** A daemon's liveness key, refreshed at a third of its TTL. */
export class DaemonHeartbeat {
  readonly id = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly ttlMs = 15_000) {}
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => {}), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }
  private async beat(): Promise<void> {
    await this.redis.set(heartbeatKey(this.prefix, this.id), new Date().toISOString(), 'PX', this.ttlMs);
  }
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(heartbeatKey(this.prefix, this.id)).catch(() => {});
  }
}

/** The daemons of this cluster (Redis prefix) with a live heartbeat. */
export async function liveDaemons(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:daemons:*`, 'COUNT', 200);
    cursor = next;
    found.push(...keys.map((k) => k.slice(`${prefix}:daemons:`.length)));
  } while (cursor !== '0');
  return found;
}

/** Runs step jobs in this process, in due order, until none is left (`--local`). */
export class LocalStepScheduler implements StepScheduler {
  private readonly due: { job: StepJob; at: number }[] = [];
  async schedule(job: StepJob, delayMs: number): Promise<void> {
    if (this.due.some((d) => d.job.runId === job.runId && d.job.ordinal === job.ordinal && d.job.execution === job.execution)) return;
    this.due.push({ job, at: Date.now() + delayMs });
  }
  async drain(execute: (job: StepJob) => Promise<void>): Promise<void> {
    for (;;) {
      this.due.sort((a, b) => a.at - b.at);
      const next = this.due.shift();
      if (!next) return;
      const wait = next.at - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await execute(next.job);
    }
  }
}
