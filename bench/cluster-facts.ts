// One read of the cluster facts behind /metrics and the status page (newest run and success per
// scheduled (policy, volume, kind); newest usage and mirror samples; alerts; queue), for 200
// volumes with snapshot + usage schedulers (50 with mirror-stat) and `runs` job runs in history.
// Uses the local PostgreSQL and Redis in a throw-away schema / prefix.
// Run: npx tsx bench/cluster-facts.ts [runs]
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { createPrisma } from '../src/db/prisma.ts';
import { readClusterFacts } from '../src/metrics/cluster-facts.ts';

const runs = Number(process.argv[2] ?? 500_000);
const volumes = 200;
const samples = Math.max(1000, Math.floor(runs / 10));
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/nasorch_test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const schema = `bench_${randomBytes(4).toString('hex')}`;

await migrate({ databaseUrl, schema });
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const prisma = createPrisma({ databaseUrl, schema });
const queue = new Queue('bench', { connection: { url: redisUrl }, prefix: schema });
try {
  const t = `"${schema}"`;
  await client.query(`
    INSERT INTO ${t}.job_runs (id, run_key, kind, policy, volume_id, volume_name, region, scheduled_at, trigger, status, attempts, started_at, finished_at)
    SELECT gen_random_uuid(), 'k' || g, (ARRAY['snapshot','prune','usage']::${t}."JobKind"[])[1 + g % 3], 'p' || (g % 4),
           'vol-' || (g % ${volumes}), 'volume-' || (g % ${volumes}), 'KR1', now() - g * interval '1 second', 'schedule',
           (CASE WHEN g % 20 = 0 THEN 'failed' ELSE 'succeeded' END)::${t}."RunStatus", 1,
           now() - g * interval '1 second', now() - g * interval '1 second' + interval '2 seconds'
    FROM generate_series(1, ${runs}) g`);
  await client.query(`
    INSERT INTO ${t}.usage_samples (policy, volume_id, region, sampled_at, size_gb, used_gb, snapshot_reserve_gb, used_percent)
    SELECT 'p0', 'vol-' || (g % ${volumes}), 'KR1', now() - g * interval '1 minute', 500, 250, 50, 50 FROM generate_series(1, ${samples}) g`);
  await client.query(`
    INSERT INTO ${t}.mirror_stat_samples (policy, volume_id, mirror_id, region, sampled_at, status, last_success_transfer_end_time)
    SELECT 'p' || (g % 50 % 4), 'vol-' || (g % 50), 'mirror-' || (g % 50), 'KR1', now() - g * interval '1 minute', 'ACTIVE', now() - g * interval '1 minute'
    FROM generate_series(1, ${samples}) g`);
  for (let v = 0; v < volumes; v++) {
    const kinds = v < 50 ? ['snapshot', 'usage', 'mirror-stat'] : ['snapshot', 'usage'];
    for (const kind of kinds) {
      const data = { kind, policy: `p${v % 4}`, volumeId: `vol-${v}`, volumeName: `volume-${v}`, region: 'KR1' };
      await queue.upsertJobScheduler(`p.${v}.${kind}`, { pattern: '0 0 1 1 *', tz: 'UTC' }, { name: kind, data });
    }
  }
  await client.query(`ANALYZE ${t}.job_runs; ANALYZE ${t}.usage_samples; ANALYZE ${t}.mirror_stat_samples`);

  const t1 = performance.now();
  await queue.getJobSchedulers(0, -1);
  console.log(`(of which reading ${volumes * 2 + 50} job schedulers from Redis: ${(performance.now() - t1).toFixed(0)} ms)`);
  const times: number[] = [];
  let facts;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    facts = await readClusterFacts({ prisma, queue, schema });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `cluster facts: ${runs} runs, ${samples} usage + ${samples} mirror samples -> ${facts!.schedulers.length} schedulers, ${facts!.runs.length} run facts: ` +
      `min ${times[0]!.toFixed(0)} ms, median ${times[3]!.toFixed(0)} ms`,
  );
} finally {
  await queue.obliterate({ force: true });
  await queue.close();
  await prisma.$disconnect();
  await client.query(`DROP SCHEMA "${schema}" CASCADE`);
  await client.end();
}
