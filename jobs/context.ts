// What every job handler receives. Handlers are plain async functions: the worker (or
// `nasorch run`) builds the context, records the run, and turns thrown errors into retries.
import type { AlertBook } from '../src/alerts/alert-book.ts';
import type { PrismaClient } from '../src/db/prisma.ts';
import type { Logger } from '../src/log/logger.ts';
import type { NasClient } from '../src/nas/client.ts';
import type { Policy } from '../src/policy/policy.ts';

export interface JobContext {
  policy: Policy;
  volume: { id: string; name: string; region: string };
  /** The scheduled slot (manual runs: when they were asked for). */
  slot: Date;
  now: () => Date;
  nas: NasClient;
  prisma: PrismaClient;
  alerts: AlertBook;
  runId: string;
  log: Logger;
}

export interface JobOutcome {
  status: 'succeeded' | 'skipped';
  /** Stored as the run's details (JSON). */
  details: Record<string, unknown>;
}

/** A failure that retrying cannot fix (bad policy for this volume, missing mirror, …). */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export type JobHandler = (ctx: JobContext) => Promise<JobOutcome>;
