// What a daemon does for failover: runs `failover-step` jobs from the shared queue, keeps a
// heartbeat (so `failover start` knows a daemon is alive), and on a periodic tick re-enqueues the
// step job of a running run when it went missing (a killed daemon), probes the groups' regions
// and fences an old source first thing when its region answers again.
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../log/logger.ts';
import { executeStep, stepJobId, type StepJob } from './executor.ts';
import { loadFailoverGroups, type FailoverGroup } from './group.ts';
import { fenceReturnedSources, probeRegions } from './fence-on-return.ts';
import type { NasClients } from './nas-calls.ts';
import { DaemonHeartbeat, QueueStepScheduler } from './queue.ts';
import { FailoverService } from './service.ts';

export interface FailoverDaemonOptions {
  configDir: string;
  defaultRegion: string;
  prisma: PrismaClient;
  redis: Redis;
  nas: NasClients;
  queue: Queue;
  prefix: string;
  log: Logger;
  /** How often the tick runs (NASORCH_FAILOVER_TICK_MS, default 10 s). */
  tickMs?: number;
}

export class FailoverDaemonPart {
  private groups: FailoverGroup[] = [];
  private timer?: NodeJS.Timeout;
  private ticking: Promise<void> = Promise.resolve();
  private readonly heartbeat: DaemonHeartbeat;
  readonly scheduler: QueueStepScheduler;

  constructor(private readonly o: FailoverDaemonOptions) {
    this.heartbeat = new DaemonHeartbeat(o.redis, o.prefix);
    this.scheduler = new QueueStepScheduler(o.queue);
  }

  /** The FailoverService over this daemon's config, queue and Redis (HTTP API, webhook). */
  service(): FailoverService {
    return new FailoverService({ prisma: this.o.prisma, nas: this.o.nas, groups: () => this.groups, log: this.o.log, scheduler: this.scheduler, redis: this.o.redis, redisPrefix: this.o.prefix });
  }

  /** The BullMQ handler for `failover-step` jobs. */
  readonly handle = async (job: Job): Promise<unknown> => {
    const data = job.data as StepJob;
    if (this.groups.length === 0) await this.loadGroups();
    await executeStep({ prisma: this.o.prisma, nas: this.o.nas, group: (name) => this.groups.find((g) => g.name === name), scheduler: this.scheduler, log: this.o.log }, data);
    return { runId: data.runId, ordinal: data.ordinal, execution: data.execution };
  };

  async start(): Promise<void> {
    await this.loadGroups();
    await this.heartbeat.start();
    const every = this.o.tickMs ?? 10_000;
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking.catch(() => {});
    await this.heartbeat.stop();
  }

  private async loadGroups(): Promise<void> {
    const set = await loadFailoverGroups([this.o.configDir], this.o.defaultRegion);
    if (set.errors.length === 0) this.groups = set.groups;
    else this.o.log.error({ errors: set.errors.map((e) => e.format()) }, 'invalid failover group config; keeping the last good one');
  }

  /** One tick at a time. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.tickOnce()).catch((err: unknown) => this.o.log.error({ err: { message: (err as Error).message } }, 'failover tick failed'));
    return this.ticking;
  }

  private async tickOnce(): Promise<void> {
    await this.loadGroups();
    await this.requeueMissingSteps();
    if (this.groups.length > 0) {
      await probeRegions({ prisma: this.o.prisma, nas: this.o.nas, groups: this.groups, log: this.o.log });
      await fenceReturnedSources({ prisma: this.o.prisma, nas: this.o.nas, groups: this.groups, log: this.o.log });
    }
  }

  /** A running run whose current step has no live job (its daemon was killed) gets one. */
  private async requeueMissingSteps(): Promise<void> {
    const { prisma, queue } = this.o;
    // A --local run is driven by its own process (which may have groups this daemon's config lacks).
    const runs = await prisma.failoverRun.findMany({ where: { state: 'running', trigger: { not: 'local' } } });
    for (const run of runs) {
      const ordinal = run.currentStep ?? 0;
      const step = await prisma.failoverStep.findUnique({ where: { runId_ordinal: { runId: run.id, ordinal } } });
      if (!step || step.state === 'failed') continue;
      const execution = Math.max(1, step.execution);
      const job = await queue.getJob(stepJobId({ runId: run.id, ordinal, execution }));
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing' || state === 'unknown') {
        if (step.execution === 0) await prisma.failoverStep.updateMany({ where: { runId: run.id, ordinal, execution: 0 }, data: { execution: 1 } });
        await this.scheduler.schedule({ runId: run.id, ordinal, execution }, 0);
        this.o.log.info({ runId: run.id, step: step.name, execution }, 'failover step job re-enqueued');
      } else if (state === 'completed' || state === 'failed') {
        // The execution ended without moving the step on (killed between its call and its record).
        const moved = await prisma.failoverStep.updateMany({ where: { runId: run.id, ordinal, execution: step.execution }, data: { execution: step.execution + 1 } });
        if (moved.count === 1) {
          await this.scheduler.schedule({ runId: run.id, ordinal, execution: step.execution + 1 }, 0);
          this.o.log.info({ runId: run.id, step: step.name, execution: step.execution + 1 }, 'failover step re-run after an unfinished execution');
        }
      }
    }
  }
}
