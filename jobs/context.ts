// What every job handler receives. Handlers are plain async functions: the worker (or
// `nasorch run`) builds the context, records the run, and turns thrown errors into retries.
import type { AlertBook } from '../src/alerts/alert-book.ts';
import type { PrismaClient } from '../src/db/prisma.ts';
import type { Logger } from '../src/log/logger.ts';
import type { NasClient } from '../src/nas/client.ts';
import type { Policy } from '../src/policy/policy.ts';
import type { PairContext, VolumeRef } from '../src/replication/acting-volume.ts';
import type { WriterOverride } from '../src/replication/writer-override.ts';
import type { ReplicationSettings } from '../src/settings/settings.ts';

export interface JobContext {
  policy: Policy;
  /** The volume the job acts on: the selected one, or its pair's writer (jobs/acting-volume.ts). */
  volume: VolumeRef;
  /** The volume the policy selected (the job's scheduler is for it). */
  selected: VolumeRef;
  /** The selected volume's replication pair, when it has one (the one the policy means). */
  pair: PairContext | null;
  /** The scheduled slot (manual runs: when they were asked for). */
  slot: Date;
  now: () => Date;
  /** The client for `volume.region` (the acting volume's region). */
  nas: NasClient;
  /** The client for any region (NasConnection.client): mirror calls go to the pair's writer or peer region. */
  nasFor(region: string): NasClient;
  /** The writer recorded outside the API (a failover run), per pair; default: none. */
  writerOverride: WriterOverride;
  prisma: PrismaClient;
  alerts: AlertBook;
  runId: string;
  log: Logger;
  replication: ReplicationSettings;
  /** Waits between re-reads (tests move a simulated clock instead). */
  sleep(ms: number): Promise<void>;
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
