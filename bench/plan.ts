// `nasorch plan --json` for 1,000 volumes × 100 snapshots (issue #10: ≤ 1 s of work beyond the
// API's rate limit, memory bounded). The CLI runs as a child process against an in-process
// simulator; its peak RSS is read from /proc. Reference in the same run: a child doing only the
// same listings at the same concurrency and rate (bench/support/list-snapshots.ts).
// Run: npx tsx bench/plan.ts [volumes] [snapshots]   (BENCH_RUNS default 3, NAS_API_RATE_LIMIT default 100)
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/simulator/index.ts';
import { NASORCH } from '../test/support/cli.ts';
import { manyVolumesState, minMedian, seconds, watchMemory, writePolicies } from './support/world.ts';

const volumes = Number(process.argv[2] ?? 1000);
const snapshots = Number(process.argv[3] ?? 100);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const rate = process.env.NAS_API_RATE_LIMIT ?? '100';

const sim = await startSimulator({ clock: 'real', state: manyVolumesState(volumes, snapshots) });
const configDir = await mkdtemp(path.join(tmpdir(), 'nasorch-bench-plan-'));
await writePolicies(configDir, volumes, 1);
const env = {
  ...process.env,
  NHN_IDENTITY_URL: sim.identityUrl,
  NHN_TENANT_ID: sim.credentials.tenantId,
  NHN_USERNAME: sim.credentials.username,
  NHN_API_PASSWORD: sim.credentials.password,
  NHN_REGION: 'KR1',
  NAS_API_RATE_LIMIT: rate,
  LOG_LEVEL: 'warn',
};

async function timeChild(args: string[]): Promise<{ ms: number; peakMb: number; bytes: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const memory = watchMemory(child.pid!);
  let bytes = 0;
  child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  memory.stop();
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`);
  return { ms: performance.now() - t0, peakMb: memory.peakMb(), bytes };
}

const reference = fileURLToPath(new URL('./support/list-snapshots.ts', import.meta.url));
const plan: number[] = [];
const ref: number[] = [];
const peaks: number[] = [];
const refPeaks: number[] = [];
const startup: number[] = [];
let output = 0;
try {
  for (let run = 0; run < runs; run++) {
    const r = await timeChild(['--import', 'tsx', reference]);
    startup.push((await timeChild([...NASORCH, '--version'])).ms);
    ref.push(r.ms);
    refPeaks.push(r.peakMb);
    const p = await timeChild([...NASORCH, 'plan', '--config', configDir, '--json']);
    plan.push(p.ms);
    peaks.push(p.peakMb);
    output = p.bytes;
  }
} finally {
  await sim.close();
  await rm(configDir, { recursive: true, force: true });
}
const requests = 1 + Math.ceil(volumes / 1000) + volumes;
const fmt = (values: number[], f: (v: number) => string) => `min ${f(minMedian(values).min)}, median ${f(minMedian(values).median)}`;
const mb = (v: number) => `${v.toFixed(0)} MB`;
console.log(`plan: ${volumes} volumes × ${snapshots} snapshots, NAS_API_RATE_LIMIT=${rate} (${requests} requests, floor ${seconds((1000 * requests) / Number(rate))}), ${runs} runs, ${(output / 1e6).toFixed(1)} MB of JSON`);
console.log(`  reference (same listings only): ${fmt(ref, seconds)}, peak RSS ${fmt(refPeaks, mb)}`);
console.log(`  nasorch plan --json:            ${fmt(plan, seconds)}, peak RSS ${fmt(peaks, mb)}`);
console.log(`  nasorch --version (CLI start-up): ${fmt(startup, seconds)}`);
console.log(`  plan beyond the reference, per run: ${fmt(plan.map((p, i) => p - ref[i]!), seconds)} (target ≤ 1 s; includes the CLI's heavier start-up)`);
