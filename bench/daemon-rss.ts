// Daemon memory (issue #10: ≤ 150 MB idle, ≤ 200 MB at 10,000 volumes in steady state after the
// reconcile). A real `nasorch daemon` child process (test/support/cli.ts NASORCH, sources through
// tsx) against an in-process simulator, real Redis and PostgreSQL; VmRSS from /proc/<pid>/status
// STEADY_MS after "daemon started" (which follows the first reconcile), and the peak (VmHWM).
// Reference in the same run: a bare Node process that only loads tsx.
// Run: npx tsx bench/daemon-rss.ts [volumes] [policies]   (BENCH_RUNS default 3, STEADY_MS default 20000)
import { spawn } from 'node:child_process';
import { createTestStack, policyYaml } from '../test/support/stack.ts';
import { NASORCH } from '../test/support/cli.ts';
import { manyVolumesState, minMedian, rssMb, watchMemory, writePolicies } from './support/world.ts';

const volumes = Number(process.argv[2] ?? 10_000);
const policies = Number(process.argv[3] ?? 1_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const steadyMs = Number(process.env.STEADY_MS ?? 20_000);

async function measure(args: string[], env: Record<string, string>, readyLine?: RegExp): Promise<{ rss: number; peak: number; readyMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const memory = watchMemory(child.pid!, 100);
  try {
    let buffered = '';
    if (readyLine) {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          if (readyLine.test(buffered)) resolve();
          buffered = buffered.slice(-4096);
        });
        child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before it was ready`)));
      });
    } else {
      child.stdout.resume();
    }
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, steadyMs));
    return { rss: rssMb(child.pid!), peak: memory.peakMb(), readyMs };
  } finally {
    memory.stop();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const figures = { base: [] as number[], idle: [] as number[], idlePeak: [] as number[], big: [] as number[], bigPeak: [] as number[], bigReady: [] as number[] };
for (let run = 0; run < runs; run++) {
  figures.base.push((await measure(['--import', 'tsx', '-e', 'setInterval(() => {}, 1000)'], {})).rss);

  const idle = await createTestStack();
  try {
    await idle.writePolicy('nightly.yaml', policyYaml('nightly', 'volumes:\n  nameContains: prod-\nusage:\n  schedule: "0 * * * *"'));
    const m = await measure([...NASORCH, 'daemon', '--config', idle.configDir], { ...idle.env, NAS_API_RATE_LIMIT: '10' }, /daemon started/);
    figures.idle.push(m.rss);
    figures.idlePeak.push(m.peak);
  } finally {
    await idle.close();
  }

  const big = await createTestStack({ state: manyVolumesState(volumes) });
  try {
    await writePolicies(big.configDir, volumes, policies);
    const m = await measure([...NASORCH, 'daemon', '--config', big.configDir], { ...big.env, NAS_API_RATE_LIMIT: '10' }, /daemon started/);
    figures.big.push(m.rss);
    figures.bigPeak.push(m.peak);
    figures.bigReady.push(m.readyMs);
  } finally {
    await big.close();
  }
}
const f = (values: number[]) => `min ${minMedian(values).min.toFixed(0)} MB, median ${minMedian(values).median.toFixed(0)} MB`;
console.log(`daemon RSS (${runs} runs, ${steadyMs / 1000} s after "daemon started")`);
console.log(`  reference: node --import tsx, idle: ${f(figures.base)}`);
console.log(`  idle daemon (demo volumes, 1 policy): ${f(figures.idle)}; peak ${f(figures.idlePeak)} (target ≤ 150 MB)`);
console.log(`  ${volumes} volumes, ${policies} policies: ${f(figures.big)}; peak ${f(figures.bigPeak)} (target ≤ 200 MB); started after min ${(minMedian(figures.bigReady).min / 1000).toFixed(1)} s`);
