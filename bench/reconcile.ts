// Reconcile at scale (issue #10): 10,000 simulator volumes, 1,000 policies, 20,000 schedulers,
// real Redis and PostgreSQL, NAS_API_RATE_LIMIT=10. Per run: a full reconcile from no schedulers
// (a reload that brings in all policies), an unchanged reload, a periodic tick (time and NAS
// requests, against the per-minute API budget), and a second daemon starting on the same Redis.
// References in the same run: one listing of every volume alone (the API part of any pass), the
// same number of bare BullMQ upsertJobScheduler calls at the same concurrency (the Redis part of
// a pass that adds everything), and loading the policy files alone (part of every reload).
// Run: npx tsx bench/reconcile.ts [volumes] [policies]   (BENCH_RUNS, default 3)
import { Queue } from 'bullmq';
import { loadConfig } from '../src/daemon/config-source.ts';
import { NasConnection } from '../src/nas/connection.ts';
import { VOLUME_LIST_PAGE_SIZE } from '../src/orchestrator/volume-selection.ts';
import { createTestStack } from '../test/support/stack.ts';
import { manyVolumesState, minMedian, seconds, writePolicies } from './support/world.ts';

const volumes = Number(process.argv[2] ?? 10_000);
const policies = Number(process.argv[3] ?? 1_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const RATE = 10;

const figures: Record<string, number[]> = { listing: [], upserts: [], parse: [], full: [], unchanged: [], tick: [], tickRequests: [], second: [], schedulers: [] };
for (let run = 0; run < runs; run++) {
  const stack = await createTestStack({ state: manyVolumesState(volumes) });
  try {
    const service = { ...stack.service, apiRateLimitPerSecond: RATE };
    const daemon = await stack.startDaemon({ service, reconcileCron: '0 0 1 1 *', concurrency: 1 });
    const listRequests = () => stack.sim.requests().filter((r) => r.route === 'GET /v1/volumes').length;

    let t0 = performance.now();
    await new NasConnection(stack.identity).client('KR1').listAllVolumes({ limit: VOLUME_LIST_PAGE_SIZE });
    figures.listing!.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 1100)); // a fresh rate-limit window for the pass

    await writePolicies(stack.configDir, volumes, policies);
    t0 = performance.now();
    await loadConfig(stack.configDir, { defaultRegion: 'KR1' });
    figures.parse!.push(performance.now() - t0);

    const bare = new Queue('bench-bare', { connection: { url: stack.redis.url }, prefix: stack.redis.prefix });
    let next = 0;
    const count = 2 * volumes;
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < count) {
          const i = next++;
          await bare.upsertJobScheduler(`bare.${i}`, { pattern: '0 3 * * *', tz: 'Asia/Seoul' }, { name: 'usage', data: { kind: 'usage', policy: 'p', volumeId: String(i), volumeName: 'v', region: 'KR1' } });
        }
      }),
    );
    figures.upserts!.push(performance.now() - t0);
    await bare.obliterate({ force: true });
    await bare.close();
    t0 = performance.now();
    const full = await daemon.reload('bench: all policies');
    figures.full!.push(performance.now() - t0);
    if (!full.ok) throw new Error(full.errors[0]);

    await new Promise((r) => setTimeout(r, 1100));
    t0 = performance.now();
    await daemon.reload('bench: unchanged');
    figures.unchanged!.push(performance.now() - t0);

    await new Promise((r) => setTimeout(r, 1100));
    const before = stack.sim.requests().length;
    t0 = performance.now();
    const tick = await daemon.reconcile('tick');
    figures.tick!.push(performance.now() - t0);
    figures.tickRequests!.push(stack.sim.requests().length - before);
    figures.schedulers!.push(tick.unchanged);

    await new Promise((r) => setTimeout(r, 1100));
    t0 = performance.now();
    await stack.startDaemon({ service, reconcileCron: '0 0 1 1 *', concurrency: 1 });
    figures.second!.push(performance.now() - t0);
    console.error(`run ${run + 1}: listing requests so far ${listRequests()}`);
  } finally {
    await stack.close();
  }
}

const line = (label: string, key: string, target = '') => {
  const { min, median } = minMedian(figures[key]!);
  console.log(`${label}: min ${seconds(min)}, median ${seconds(median)}${target}`);
};
console.log(`reconcile: ${volumes} volumes, ${policies} policies, ${figures.schedulers![0]} schedulers, NAS_API_RATE_LIMIT=${RATE}, ${runs} runs`);
line('  reference: list every volume', 'listing');
line(`  reference: ${2 * volumes} bare upsertJobScheduler, 32 at a time`, 'upserts');
line('  reference: load the policy files', 'parse');
line('  full reconcile (reload adding every policy)', 'full', ' (target ≤ 5 s)');
const ratio = (values: number[]) => `min ${minMedian(values).min.toFixed(2)}, median ${minMedian(values).median.toFixed(2)}`;
const overhead = figures.full!.map((f, i) => f / (figures.listing![i]! + figures.upserts![i]! + figures.parse![i]!));
console.log(`  full reconcile / (listing + bare upserts + loading the files), per run: ${ratio(overhead)}`);
line('  unchanged reload', 'unchanged', ' (target ≤ 2 s)');
const reloadBeyondParse = figures.unchanged!.map((f, i) => f / figures.parse![i]!);
console.log(`  unchanged reload / loading the files, per run: ${ratio(reloadBeyondParse)}`);
line('  periodic tick', 'tick');
const requests = minMedian(figures.tickRequests!);
console.log(`  NAS requests per tick: ${requests.median} = ${((100 * requests.median) / (60 * RATE)).toFixed(1)} % of a minute's budget (target ≤ 5 %)`);
line('  second daemon start (compares all, writes nothing)', 'second');
