// A window stop killed (SIGKILL) between the call and its record, on a REVERSE pair: the stop goes
// to the writer (the replica, KR2); the run started after the kill finds it took effect and sends
// nothing: one stop, ever. Real clock, short simulator timings.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { NASORCH } from '../support/cli.ts';

const STOP_ROUTE = 'POST /v1/volumes/:volumeId/volume-mirrors/:volumeMirrorId/stop';
let stack: TestStack;
let nas: NasConnection;
let web: string;
let dr: string;
let mirrorId: string;

function nasorch(args: string[]) {
  const child = spawn(process.execPath, [...NASORCH, ...args], {
    env: { ...process.env, ...stack.env, LOG_LEVEL: 'warn', NASORCH_MIRROR_SETTLE_CHECKS: '20', NASORCH_MIRROR_SETTLE_INTERVAL_MS: '250' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => process.stderr.write(`[nasorch ${child.pid}] ${d}`));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout };
}

beforeAll(async () => {
  stack = await createTestStack({ timing: { finalSyncSeconds: 1, mirrorUpdateSeconds: 1, replicationIntervalSeconds: 5 } });
  nas = new NasConnection(stack.identity);
  const volume = (await nas.client('KR1').listAllVolumes()).find((v) => v.name === 'prod-web')!;
  web = volume.id;
  mirrorId = volume.mirrors[0]!.id;
  dr = (await nas.client('KR2').listAllVolumes()).find((v) => v.name === 'prod-web-dr')!.id;
  await nas.client('KR1').invertMirrorDirection(web, mirrorId);
  await vi.waitFor(
    async () => {
      expect((await nas.client('KR1').getVolume(web)).mirrors[0]!.direction).toBe('REVERSE');
      expect((await nas.client('KR2').getMirrorStat(dr, mirrorId)).status).toBe('ACTIVE');
    },
    { timeout: 15_000, interval: 200 },
  );
  await stack.writePolicy('repl.yaml', policyYaml('repl', `volumes:\n  names: [prod-web]\nreplication:\n  window: { start: "0 1 * * *", stop: "0 5 * * *" }`));
});
afterAll(() => stack.close());

describe('mirror-stop killed mid-call', () => {
  it('the next run sees the stop took effect and sends none: one stop, on the writer', async () => {
    stack.sim.setFaults({ rules: [{ route: STOP_ROUTE, latencyMs: 1500, times: 1 }] });
    const first = nasorch(['run', 'mirror-stop', '--policy', 'repl', '--config', stack.configDir, '--json']);
    // Kill while the stop is held in the simulator (sent, not answered, not recorded).
    await vi.waitFor(
      async () => {
        const { held } = (await (await fetch(`${stack.sim.url}/_admin/held`)).json()) as { held: number };
        expect(held).toBeGreaterThan(0);
      },
      { timeout: 20_000, interval: 50 },
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const killedRun = await stack.db.prisma.jobRun.findFirst({ where: { policy: 'repl' } });
    expect(killedRun).toMatchObject({ status: 'running' }); // what was recorded stays

    const second = nasorch(['run', 'mirror-stop', '--policy', 'repl', '--config', stack.configDir, '--json']);
    expect(await second.exited).toBe(0);
    const report = JSON.parse(second.stdout()) as { runs: { status: string; details: Record<string, unknown> }[] };
    expect(report.runs).toHaveLength(1);
    expect(report.runs[0]).toMatchObject({
      status: 'skipped',
      details: { reason: 'replication already HALT', actingOn: { id: dr, region: 'KR2' }, redirectedFrom: { id: web }, target: { volumeId: dr, region: 'KR2' } },
    });
    // The held stop (its client died) is the only one the simulator got; the second run sent none.
    expect(stack.sim.requests().filter((r) => r.route === STOP_ROUTE)).toEqual([]);
    expect((await nas.client('KR2').getMirrorStat(dr, mirrorId)).status).toBe('HALT');
    expect(await stack.db.prisma.jobRun.count({ where: { policy: 'repl' } })).toBe(2);
  });
});
