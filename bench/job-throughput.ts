// Per-job overhead (issue #10): usage jobs through the orchestrator (BullMQ worker → JobRunner →
// jobs/usage.ts: run record, 2 NAS calls, a usage sample, alert bookkeeping) against a reference in
// the same run: a bare BullMQ worker making the same 2 NAS calls and one PostgreSQL INSERT.
// The NAS is the in-process simulator with no rate limit to speak of; same concurrency for both.
// PostgreSQL round trips and Redis commands per job are counted in this process (pg Client.query
// and ioredis sendCommand, everything the daemon and BullMQ send) while each side runs.
// Run: npx tsx bench/job-throughput.ts [jobs]   (BENCH_RUNS default 3, CONCURRENCY default 8)
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { QUEUE_NAME } from '../src/daemon/daemon.ts';
import { NasConnection } from '../src/nas/connection.ts';
import { createTestStack, policyYaml } from '../test/support/stack.ts';
import { minMedian } from './support/world.ts';

const jobs = Number(process.argv[2] ?? 1000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const concurrency = Number(process.env.CONCURRENCY ?? 8);

const counts = { pg: 0, redis: 0 };
const pgQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  counts.pg++;
  return (pgQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pgQuery;
const send = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<typeof send>) {
  counts.redis++;
  return send.apply(this, args);
};

interface Side {
  perSecond: number;
  pgPerJob: number;
  redisPerJob: number;
}

/** Times `jobs` jobs from being queued (the worker already running) until the last one finished. */
async function drain(queue: Queue, worker: Worker, data: (i: number) => Record<string, unknown>, name: string): Promise<Side> {
  const before = { ...counts };
  const t0 = performance.now();
  await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name, data: data(i), opts: { removeOnComplete: true, removeOnFail: 1000 } })));
  let done = 0;
  let failed = 0;
  const finished = new Promise<void>((resolve) => {
    const check = () => done + failed >= jobs && resolve();
    worker.on('completed', () => (done++, check()));
    worker.on('failed', () => (failed++, check()));
  });
  await finished;
  const ms = performance.now() - t0;
  if (failed > 0) throw new Error(`${name}: ${failed} of ${jobs} jobs failed`);
  return { perSecond: (1000 * jobs) / ms, pgPerJob: (counts.pg - before.pg) / jobs, redisPerJob: (counts.redis - before.redis) / jobs };
}

const orchestrator: Side[] = [];
const reference: Side[] = [];
for (let run = 0; run < runs; run++) {
  const stack = await createTestStack();
  try {
    await stack.writePolicy('usage.yaml', policyYaml('usage', 'volumes:\n  nameContains: prod-\nusage:\n  schedule: "0 0 1 1 *"'));
    const nas = new NasConnection(stack.identity).client('KR1');
    const volumes = (await nas.listAllVolumes()).filter((v) => v.name.startsWith('prod-'));
    const dataOf = (i: number) => {
      const v = volumes[i % volumes.length]!;
      return { kind: 'usage', policy: 'usage', volumeId: v.id, volumeName: v.name, region: 'KR1' };
    };

    // Reference first on odd runs, second on even ones, so neither always gets the warmer machine.
    const runReference = async () => {
      const pool = new pg.Pool({ connectionString: stack.db.databaseUrl, max: concurrency });
      await pool.query(`CREATE TABLE "${stack.db.schema}".bench_sample (volume_id text, size_gb int, used_gb double precision, at timestamptz)`);
      const connection = { url: stack.redis.url, maxRetriesPerRequest: null };
      const queue = new Queue('bench-bare', { connection, prefix: stack.redis.prefix });
      const worker = new Worker(
        'bench-bare',
        async (job) => {
          const [info, usage] = await Promise.all([nas.getVolume(job.data.volumeId), nas.getUsage(job.data.volumeId)]);
          await pool.query(`INSERT INTO "${stack.db.schema}".bench_sample VALUES ($1, $2, $3, now())`, [job.data.volumeId, info.sizeGb, usage.usedGb]);
        },
        { connection, prefix: stack.redis.prefix, concurrency },
      );
      await worker.waitUntilReady();
      try {
        reference.push(await drain(queue, worker, dataOf, 'usage'));
      } finally {
        await worker.close();
        await queue.close();
        await pool.end();
      }
    };
    const runOrchestrator = async () => {
      const prefix = `${stack.redis.prefix}-o`;
      const daemon = await stack.startDaemon({
        service: { ...stack.service, apiRateLimitPerSecond: 1_000_000 },
        redisPrefix: prefix,
        concurrency,
        httpPort: null,
      });
      const queue = new Queue(QUEUE_NAME, { connection: { url: stack.redis.url }, prefix });
      const worker = (daemon as unknown as { worker: Worker }).worker; // running since start()
      try {
        orchestrator.push(await drain(queue, worker, dataOf, 'usage'));
      } finally {
        await queue.close();
        await daemon.stop();
      }
    };
    if (run % 2 === 0) {
      await runReference();
      await runOrchestrator();
    } else {
      await runOrchestrator();
      await runReference();
    }
  } finally {
    await stack.close();
  }
}

const rate = (sides: Side[]) => `min ${minMedian(sides.map((s) => s.perSecond)).min.toFixed(0)}, median ${minMedian(sides.map((s) => s.perSecond)).median.toFixed(0)} jobs/s`;
const per = (sides: Side[]) => {
  const last = sides.at(-1)!;
  return `${last.pgPerJob.toFixed(1)} PostgreSQL round trips, ${last.redisPerJob.toFixed(1)} Redis commands per job`;
};
const ratios = orchestrator.map((o, i) => o.perSecond / reference[i]!.perSecond);
console.log(`job throughput: ${jobs} usage jobs, concurrency ${concurrency}, ${runs} runs`);
console.log(`  reference (bare BullMQ worker, same 2 NAS calls + 1 INSERT): ${rate(reference)}; ${per(reference)}`);
console.log(`  orchestrator: ${rate(orchestrator)} (target ≥ 200 jobs/s); ${per(orchestrator)}`);
console.log(`  orchestrator / reference in the same run: min ${(100 * minMedian(ratios).min).toFixed(0)} %, median ${(100 * minMedian(ratios).median).toFixed(0)} % (target ≥ 50 %)`);
