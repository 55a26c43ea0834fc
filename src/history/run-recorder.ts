// Run history: one row per job execution, keyed by a stable run key (the BullMQ job id for
// scheduled runs). A retry, or a second daemon picking up a stalled job, updates the same row,
// so no execution is lost and none is counted twice.
import type { Prisma, PrismaClient } from '../db/prisma.ts';
import { dbJobKind, type JobKind, type RunTrigger } from '../schedule/job-kinds.ts';

export interface RunStart {
  runKey: string;
  kind: JobKind;
  policy: string;
  volumeId: string;
  volumeName?: string;
  region: string;
  scheduledAt: Date;
  trigger: RunTrigger;
  worker: string;
  /**
   * Which execution this is as the queue counts them (BullMQ: failed attempts + stalls + 1).
   * Executions that could not reach the database (PostgreSQL down) still count: the row
   * shows at least this number.
   */
  execution?: number;
}

export type RunEnd =
  | { status: 'succeeded' | 'skipped'; details?: Prisma.InputJsonValue }
  | { status: 'failed'; error: string; details?: Prisma.InputJsonValue };

export class RunRecorder {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Creates the run row, or marks an existing one running again. attempts = max(recorded + 1,
   * run.execution). Returns its id.
   */
  async start(run: RunStart): Promise<{ id: string; attempts: number }> {
    const execution = Math.max(1, run.execution ?? 1);
    const row = await this.prisma.jobRun.upsert({
      where: { runKey: run.runKey },
      create: {
        runKey: run.runKey,
        kind: dbJobKind(run.kind),
        policy: run.policy,
        volumeId: run.volumeId,
        volumeName: run.volumeName ?? null,
        region: run.region,
        scheduledAt: run.scheduledAt,
        trigger: run.trigger,
        status: 'running',
        attempts: execution,
        startedAt: this.now(),
        worker: run.worker,
      },
      update: { status: 'running', attempts: { increment: 1 }, finishedAt: null, error: null, worker: run.worker },
      select: { id: true, attempts: true },
    });
    if (row.attempts >= execution) return row;
    // Earlier executions never reached the database: count them now.
    return this.prisma.jobRun.update({ where: { id: row.id }, data: { attempts: execution }, select: { id: true, attempts: true } });
  }

  async finish(runId: string, end: RunEnd): Promise<void> {
    await this.prisma.jobRun.update({
      where: { id: runId },
      data: {
        status: end.status,
        finishedAt: this.now(),
        error: end.status === 'failed' ? end.error : null,
        ...(end.details !== undefined ? { details: end.details } : {}),
      },
    });
  }

  /** Marks a run failed by key, for jobs that died where no handler could record it (stalled too often). */
  async failByKey(runKey: string, error: string): Promise<void> {
    await this.prisma.jobRun.updateMany({
      where: { runKey, status: 'running' },
      data: { status: 'failed', error, finishedAt: this.now() },
    });
  }

  async list(filter: { policy?: string; volumeId?: string; limit?: number } = {}) {
    return this.prisma.jobRun.findMany({
      where: { ...(filter.policy ? { policy: filter.policy } : {}), ...(filter.volumeId ? { volumeId: filter.volumeId } : {}) },
      orderBy: { startedAt: 'desc' },
      take: filter.limit ?? 50,
    });
  }
}
