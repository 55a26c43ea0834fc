// The CLI as a process: validate, pairs, failover plan (no mutating call), refusals as one line
// with exit 1, start --local, status --json.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NASORCH } from '../support/cli.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { FAST_SIM_TIMING, groupYaml } from './support.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack({ timing: FAST_SIM_TIMING });
  await stack.writePolicy('groups.yaml', groupYaml({ settle: '{ reads: 1, interval: 1s, timeout: 30s }' }));
});
afterAll(() => stack?.close());

function nasorch(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...NASORCH, ...args], { env: { ...process.env, ...stack.env, LOG_LEVEL: 'silent' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('nasorch pairs / failover', () => {
  it('validate counts the failover group', async () => {
    const r = await nasorch('validate', stack.configDir);
    expect(r.stdout.trim()).toBe('0 policies and 1 failover group in 1 file are valid');
    expect(r.code).toBe(0);
  }, 30_000);

  it('pairs --json and failover plan --json make no mutating call', async () => {
    const before = stack.sim.requests().length;
    const pairs = await nasorch('pairs', '--config', stack.configDir, '--json');
    expect(pairs.code).toBe(0);
    const [pair] = JSON.parse(pairs.stdout).pairs;
    expect(pair).toMatchObject({ group: 'web-dr', original: { name: 'prod-web', region: 'KR1' }, replica: { name: 'prod-web-dr', region: 'KR2' }, direction: 'FORWARD', writer: { name: 'prod-web' }, statStatus: 'ACTIVE', state: 'PROTECTED_FORWARD' });
    expect(typeof pair.lagSeconds).toBe('number');

    const plan = await nasorch('failover', 'plan', 'web-dr', '--kind', 'switchover', '--config', stack.configDir, '--json');
    expect(plan.code).toBe(0);
    const body = JSON.parse(plan.stdout);
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['group', 'kind', 'planHash', 'pairs', 'prechecks', 'steps', 'wipes']));
    expect(body.pairs[0]).toMatchObject({ volume: { name: 'prod-web', region: 'KR1' }, replica: { name: 'prod-web-dr' }, state: 'PROTECTED_FORWARD' });
    expect(body.steps.find((s: { name: string }) => s.name === 'invert')).toMatchObject({ call: { method: 'POST', region: 'KR1' }, wipes: { name: 'prod-web' } });
    expect(body.wipes).toEqual([expect.objectContaining({ name: 'prod-web', region: 'KR1' })]);
    const mutating = stack.sim.requests().slice(before).filter((r) => r.method !== 'GET' && r.route !== 'POST /v2.0/tokens');
    expect(mutating).toEqual([]);

    const human = await nasorch('failover', 'plan', 'web-dr', '--kind', 'switchover', '--config', stack.configDir);
    expect(human.stdout).toMatch(/PRE-CHECKS/);
    expect(human.stdout).toMatch(/WIPES: prod-web/);
    expect(human.stdout).toContain(`planHash ${body.planHash}`);
  }, 60_000);

  it('start refuses in one line (stale hash, unconfirmed wipe, no daemon) and runs with --local', async () => {
    const stale = await nasorch('failover', 'start', 'web-dr', '--kind', 'planned', '--plan-hash', 'abc', '--config', stack.configDir);
    expect(stale.code).toBe(1);
    expect(stale.stderr.trim().split('\n')).toHaveLength(1);
    expect(stale.stderr).toMatch(/^nasorch: plan hash abc does not match the current plan/);

    const plan = JSON.parse((await nasorch('failover', 'plan', 'web-dr', '--kind', 'planned', '--config', stack.configDir, '--json')).stdout);
    const noDaemon = await nasorch('failover', 'start', 'web-dr', '--kind', 'planned', '--plan-hash', plan.planHash, '--config', stack.configDir, '--json');
    expect(noDaemon.code).toBe(1);
    expect(JSON.parse(noDaemon.stdout).error.code).toBe('no-daemon');
    expect(noDaemon.stderr).toMatch(/^nasorch: no nasorch daemon of this cluster .* pass --local/);

    const local = await nasorch('failover', 'start', 'web-dr', '--kind', 'planned', '--plan-hash', plan.planHash, '--local', '--reason', 'cli test', '--config', stack.configDir, '--json');
    expect(local.stderr).toBe('');
    expect(local.code).toBe(0);
    const run = JSON.parse(local.stdout);
    expect(run.state).toBe('succeeded');

    const status = JSON.parse((await nasorch('failover', 'status', '--config', stack.configDir, '--json')).stdout);
    expect(status.runs[0]).toMatchObject({ id: run.id, group: 'web-dr', kind: 'planned', state: 'succeeded', rpoSeconds: 0 });
    for (const step of status.runs[0].steps) {
      expect(step.state).toMatch(/^(succeeded|skipped)$/);
      expect(step.startedAt).toMatch(ISO_Z);
      expect(step.finishedAt).toMatch(ISO_Z);
    }
    const pairs = await nasorch('pairs', '--config', stack.configDir);
    expect(pairs.stdout).toMatch(/FAILED_OVER/);

    const missing = await nasorch('failover', 'status', '00000000-0000-0000-0000-000000000000', '--config', stack.configDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('nasorch: no failover run 00000000-0000-0000-0000-000000000000\n');
  }, 120_000);
});
