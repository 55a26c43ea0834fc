// Two daemons at 10,000 volumes, each slot once (issue #10). Two `nasorch daemon` child processes
// on one Redis prefix and one database, a simulator with 10,000 volumes, and one policy that takes a
// snapshot of 20 of them every minute. After SLOTS minute slots, every (volume, slot) must have
// exactly one run and one snapshot, whichever daemon ran it.
// Run: npx tsx bench/two-daemons.ts [volumes] [slots]
import { spawn, type ChildProcess } from 'node:child_process';
import { createTestStack, policyYaml } from '../test/support/stack.ts';
import { NASORCH } from '../test/support/cli.ts';
import { manyVolumesState, volumeName } from './support/world.ts';

const volumes = Number(process.argv[2] ?? 10_000);
const slots = Number(process.argv[3] ?? 2);
const selected = 20;

const stack = await createTestStack({ state: manyVolumesState(volumes) });
const children: ChildProcess[] = [];
try {
  const names = Array.from({ length: selected }, (_, i) => volumeName(i)).join(', ');
  await stack.writePolicy('slot.yaml', policyYaml('slot', `volumes:\n  names: [${names}]\nsnapshot:\n  schedule: "* * * * *"\n  retention:\n    keepLast: 100`));
  for (let d = 0; d < 2; d++) {
    const child = spawn(process.execPath, [...NASORCH, 'daemon', '--config', stack.configDir], {
      env: { ...process.env, ...stack.env, NAS_API_RATE_LIMIT: '10', NASORCH_RECONCILE_CRON: '* * * * *' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
  }
  const firstSlot = Math.ceil((Date.now() + 30_000) / 60_000) * 60_000; // a slot both daemons are up for
  const lastSlot = firstSlot + (slots - 1) * 60_000;
  const finished = async () =>
    stack.db.prisma.jobRun.count({ where: { policy: 'slot', kind: 'snapshot', scheduledAt: { gte: new Date(firstSlot), lte: new Date(lastSlot) }, status: { not: 'running' } } });
  const deadline = lastSlot + 120_000;
  while ((await finished()) < selected * slots && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
  await new Promise((r) => setTimeout(r, 5000)); // a late duplicate would show up now
  const runs = await stack.db.prisma.jobRun.findMany({
    where: { policy: 'slot', kind: 'snapshot', scheduledAt: { gte: new Date(firstSlot), lte: new Date(lastSlot) } },
    select: { volumeId: true, scheduledAt: true, worker: true, status: true },
  });
  const perSlot = new Map<string, number>();
  for (const r of runs) perSlot.set(`${r.volumeId}@${r.scheduledAt.toISOString()}`, (perSlot.get(`${r.volumeId}@${r.scheduledAt.toISOString()}`) ?? 0) + 1);
  const byWorker = new Map<string, number>();
  for (const r of runs) byWorker.set(r.worker ?? '?', (byWorker.get(r.worker ?? '?') ?? 0) + 1);
  const snapshots = stack.sim
    .requests()
    .filter((q) => q.route === 'POST /v1/volumes/:volumeId/snapshots' && q.status < 300 && q.at.getTime() >= firstSlot && q.at.getTime() < lastSlot + 60_000).length;
  const twice = [...perSlot.values()].filter((n) => n > 1).length;
  console.log(`two daemons, ${volumes} volumes, ${selected} volumes × ${slots} minute slots`);
  console.log(`  runs: ${runs.length} for ${perSlot.size} (volume, slot) pairs of ${selected * slots} expected; pairs run more than once: ${twice}`);
  console.log(`  succeeded: ${runs.filter((r) => r.status === 'succeeded').length}; by daemon: ${[...byWorker.values()].join(' / ')}`);
  console.log(`  snapshots the simulator created during those slots: ${snapshots} (expected ${selected * slots})`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  await stack.close();
}
