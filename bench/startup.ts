// Start-up cost of the compiled CLI and daemon, each against bare node measured in the same run
// (so a loaded machine shifts both). `npm run build` first, then
//   npx tsx bench/startup.ts [--runs N] [--sources]
// --sources also measures the TypeScript sources through tsx (scripts/dev.mjs), for comparison.
// The daemon rows need Redis and PostgreSQL; they use their own Redis prefix and schema.
// Targets (issue 9): `--help` ≤ 4× `node -e 0`; idle daemon RSS ≤ 150 MB.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startSimulator } from '../src/simulator/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const flag = (name: string) => process.argv.indexOf(name);
const runs = flag('--runs') > 0 ? Number(process.argv[flag('--runs') + 1]) : 15;
const daemonRuns = Math.max(1, Math.ceil(runs / 5));
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/nasorch_test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** How long a daemon runs after /readyz before its RSS is read. */
const IDLE_SETTLE_MS = 5000;

if (!existsSync(path.join(root, 'dist', 'src', 'cli', 'entry.js'))) {
  console.error('bench: no dist/ (run `npm run build` first)');
  process.exit(1);
}
const launchers: [string, string[]][] = [['compiled', [path.join(root, 'bin', 'nasorch.js')]]];
if (flag('--sources') > 0) launchers.push(['sources (tsx)', [path.join(root, 'scripts', 'dev.mjs')]]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Median wall time (ms) of `node ARGS` run to completion. */
function wallTime(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  }
  return median(times);
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return kb / 1024;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
}

/** Spawn to 200 on /readyz (ms), then RSS (MB) after IDLE_SETTLE_MS idle. */
async function daemonRun(args: string[], env: Record<string, string>, port: number): Promise<{ readyMs: number; rss: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env, HTTP_PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}: ${stderr.slice(-2000)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (performance.now() - t0 > 60_000) throw new Error(`daemon not ready in 60 s: ${stderr.slice(-2000)}`);
      await sleep(10);
    }
    const readyMs = performance.now() - t0;
    await sleep(IDLE_SETTLE_MS);
    return { readyMs, rss: rssMb(child.pid!) };
  } finally {
    await stop(child);
  }
}

async function idleNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(IDLE_SETTLE_MS);
  const rss = rssMb(child.pid!);
  await stop(child);
  return rss;
}

const rows: [string, string, string][] = [];
const row = (what: string, value: string, ratio = '') => {
  rows.push([what, value, ratio]);
  console.error(`bench: ${what}: ${value} ${ratio}`);
};

const bare = wallTime(['-e', '0']);
row('node -e 0', `${bare.toFixed(0)} ms`);
for (const [name, launcher] of flag('--daemon-only') > 0 ? [] : launchers) {
  const help = wallTime([...launcher, '--help']);
  row(`${name}: nasorch --help`, `${help.toFixed(0)} ms`, `${(help / bare).toFixed(1)}× node`);
  const validate = wallTime([...launcher, 'validate', 'config']);
  row(`${name}: nasorch validate config`, `${validate.toFixed(0)} ms`, `${(validate / bare).toFixed(1)}× node`);
}

// The daemon: the simulator in this process, one policy on a rare schedule (so it stays idle),
// a private schema and Redis prefix removed afterwards.
const sim = await startSimulator({ clock: 'real' });
const configDir = await mkdtemp(path.join(tmpdir(), 'nasorch-bench-'));
await writeFile(
  path.join(configDir, 'idle.yaml'),
  'apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: bench-idle\nspec:\n  volumes: { nameContains: "-" }\n' +
    '  snapshot:\n    schedule: "0 0 1 1 *"\n    retention: { keepLast: 3 }\n  usage: { schedule: "0 0 1 1 *" }\n',
);
const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const schema = `bench_${suffix}`;
const prefix = `nasorch-bench-${suffix}`;
const db = new URL(DATABASE_URL);
db.searchParams.set('schema', schema);
const env = {
  NHN_IDENTITY_URL: sim.identityUrl,
  NHN_TENANT_ID: sim.credentials.tenantId,
  NHN_USERNAME: sim.credentials.username,
  NHN_API_PASSWORD: sim.credentials.password,
  DATABASE_URL: db.toString(),
  REDIS_URL,
  NASORCH_REDIS_PREFIX: prefix,
  LOG_LEVEL: 'warn',
};
try {
  const nodeRss = await idleNodeRss();
  row('node, idle (setInterval)', `${nodeRss.toFixed(0)} MB RSS`);
  // The deployment files run the daemon with a small young generation (Dockerfile, systemd unit).
  const daemonLaunchers: [string, string[]][] = [...launchers, ['compiled, --max-semi-space-size=2', ['--max-semi-space-size=2', ...launchers[0]![1]]]];
  for (const [name, launcher] of daemonLaunchers) {
    const results = [];
    for (let i = 0; i < daemonRuns; i++) results.push(await daemonRun([...launcher, 'daemon', '--config', configDir], env, await freePort()));
    const ready = median(results.map((r) => r.readyMs));
    const rss = median(results.map((r) => r.rss));
    row(`${name}: daemon start to /readyz`, `${ready.toFixed(0)} ms`, `${(ready / bare).toFixed(1)}× node -e 0`);
    row(`${name}: daemon idle RSS (${IDLE_SETTLE_MS / 1000} s after ready)`, `${rss.toFixed(0)} MB`, `${(rss / nodeRss).toFixed(1)}× idle node`);
  }
} finally {
  await sim.close();
  await rm(configDir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

console.log(`\n| measurement (median; ${runs} CLI runs, ${daemonRuns} daemon runs) | value | against bare node |\n| --- | --- | --- |`);
for (const [what, value, ratio] of rows) console.log(`| ${what} | ${value} | ${ratio} |`);
