// The daemon as a process. Killed (SIGKILL) in the middle of a snapshot run, then started again:
// the slot still gets exactly one snapshot and its run row is neither lost nor duplicated.
// Signals: SIGHUP reloads, SIGTERM stops after the running job finishes.
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { NASORCH } from '../support/cli.ts';

let stack: TestStack;
let volumeId: string;
const children: ChildProcess[] = [];

function startDaemonProcess(): ChildProcess {
  const child = spawn(process.execPath, [...NASORCH, 'daemon', '--config', stack.configDir], {
    env: { ...process.env, ...stack.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.stderr.write(`[daemon ${child.pid}] ${d}`));
  child.stdout!.on('data', (d) => process.stderr.write(`[daemon ${child.pid}] ${d}`));
  children.push(child);
  return child;
}

beforeAll(async () => {
  stack = await createTestStack();
  const volumes = await new NasConnection(stack.identity).client('KR1').listAllVolumes();
  volumeId = volumes.find((v) => v.name === 'staging-files')!.id;
  await stack.writePolicy(
    'crash.yaml',
    policyYaml(
      'crash',
      `volumes:
  names: [staging-files]
snapshot:
  schedule: "*/3 * * * * *"
  retention:
    keepLast: 100`,
    ),
  );
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await stack.close();
});

describe('a daemon killed mid-run', () => {
  it('resumes the slot after restart: one snapshot, one run row, attempts 2', async () => {
    const { prisma } = stack.db;
    // Every snapshot creation takes 4 s, so the kill lands while the request is in flight.
    stack.sim.setFaults({ rules: [{ route: 'POST /v1/volumes/:volumeId/snapshots', latencyMs: 4000 }] });

    const first = startDaemonProcess();
    const victim = await vi.waitFor(
      async () => {
        const run = await prisma.jobRun.findFirst({ where: { kind: 'snapshot', volumeId, status: 'running' } });
        expect(run).not.toBeNull();
        return run!;
      },
      { timeout: 30_000, interval: 100 },
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    stack.sim.setFaults({ rules: [] });

    startDaemonProcess();
    // The killed slot's create never reached the volume (the latency held it first): the
    // recovered job creates it, unless the next slot ran first, when it is skipped (missed
    // slots are not back-filled). Either way once, and the run says which.
    const finished = await vi.waitFor(
      async () => {
        const run = await prisma.jobRun.findUnique({ where: { runKey: victim.runKey } });
        expect(['succeeded', 'skipped']).toContain(run?.status);
        return run!;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(finished.attempts).toBe(2);
    expect(finished.id).toBe(victim.id);

    const { name, reason } = (finished.details as { snapshot: { name: string; reason: string } }).snapshot;
    const snapshots = await new NasConnection(stack.identity).client('KR1').listSnapshots(volumeId);
    expect(snapshots.filter((s) => s.name === name)).toHaveLength(finished.status === 'succeeded' ? 1 : 0);
    if (finished.status === 'skipped') expect(reason).toMatch(/not creating it again|not back-filled/);
    // No slot anywhere has two snapshots, and every run row is accounted for.
    const ours = snapshots.filter((s) => s.name.startsWith('nasorch-crash-'));
    expect(new Set(ours.map((s) => s.name)).size).toBe(ours.length);
    const rows = await prisma.jobRun.findMany({ where: { kind: 'snapshot', volumeId } });
    expect(new Set(rows.map((r) => r.runKey)).size).toBe(rows.length);
  }, 90_000);
});

describe('a daemon process and its signals', () => {
  it('serves /healthz and /readyz, reloads on SIGHUP, and on SIGTERM lets the running job finish', async () => {
    const { prisma } = stack.db;
    for (const c of children) c.kill('SIGKILL'); // the daemons of the test above
    await prisma.alert.deleteMany({});
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [...NASORCH, 'daemon', '--config', stack.configDir], {
      env: { ...process.env, ...stack.env, HTTP_PORT: String(port), LOG_LEVEL: 'warn'},
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const ready = await vi.waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(res.status).toBe(200);
        return res.json();
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(ready).toEqual({ status: 'ready', checks: { daemon: 'ok', redis: 'ok', postgres: 'ok' } });
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });

    // SIGHUP with a broken file: the alert opens, the daemon keeps going.
    await stack.writePolicy('broken.yaml', 'apiVersion: nasorch/v1\nkind: Policy\nmetadata: { name: broken }\nspec: { volumes: {} }\n');
    child.kill('SIGHUP');
    await vi.waitFor(async () => expect(await prisma.alert.findUnique({ where: { key: 'config-invalid' } })).toMatchObject({ status: 'open' }), {
      timeout: 15_000,
      interval: 200,
    });
    await rm(path.join(stack.configDir, 'broken.yaml'));

    // SIGTERM while a snapshot creation is in flight: the run completes before the process exits.
    stack.sim.setFaults({ rules: [{ route: 'POST /v1/volumes/:volumeId/snapshots', latencyMs: 2000 }] });
    const running = await vi.waitFor(
      async () => {
        const run = await prisma.jobRun.findFirst({ where: { kind: 'snapshot', status: 'running', worker: { contains: String(child.pid) } } });
        expect(run).not.toBeNull();
        return run!;
      },
      { timeout: 30_000, interval: 100 },
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    stack.sim.setFaults({ rules: [] });
    const after = await prisma.jobRun.findUnique({ where: { id: running.id } });
    expect(after).toMatchObject({ status: 'succeeded', attempts: running.attempts });
  }, 90_000);
});
