// The control API and the Alertmanager webhook on a daemon's server (NASORCH_API_TOKEN set): 401
// without the token, one run per groupKey created awaiting_approval, approval runs it on the
// daemon, Idempotency-Key repeats return the same run.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { FAST_SIM_TIMING, groupYaml } from './support.ts';

const TOKEN = 'test-control-token-0123456789';
let stack: TestStack;
let daemon: Daemon;
beforeAll(async () => {
  stack = await createTestStack({ timing: FAST_SIM_TIMING });
  await stack.writePolicy('groups.yaml', groupYaml({ settle: '{ reads: 1, interval: 1s, timeout: 30s }' }));
  daemon = await stack.startDaemon({ apiToken: TOKEN, failoverTickMs: 500 });
}, 60_000);
afterAll(() => stack?.close());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const response = await fetch(`${daemon.httpUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const alert = (groupKey: string) => ({
  version: '4',
  groupKey,
  status: 'firing',
  receiver: 'nasorch',
  alerts: [{ status: 'firing', labels: { alertname: 'KR1Down', nasorch_group: 'web-dr', nasorch_kind: 'planned' }, annotations: {} }],
});

async function finished(id: string) {
  return vi.waitFor(
    async () => {
      const { body } = await call('GET', `/v1/failover-runs/${id}`);
      expect(['succeeded', 'failed', 'waiting_for_user', 'aborted']).toContain(body.state);
      return body;
    },
    { timeout: 60_000, interval: 300 },
  );
}

describe('failover control API', () => {
  it('refuses every route without the bearer token', async () => {
    for (const [method, path] of [['POST', '/v1/failover-runs'], ['GET', '/v1/failover-runs/x'], ['POST', '/hooks/alertmanager']] as const) {
      const body = method === 'GET' ? undefined : {};
      expect((await call(method, path, body, {})).status).toBe(401);
      expect((await call(method, path, body, { authorization: 'Bearer wrong' })).status).toBe(401);
    }
    expect((await call('GET', '/healthz', undefined, {})).status).toBe(200);
    expect(JSON.stringify(stack.logs)).not.toContain(TOKEN);
  });

  it('Alertmanager creates one run per groupKey awaiting approval; approval runs it on the daemon', async () => {
    const first = await call('POST', '/hooks/alertmanager', alert('{}:{alertname="KR1Down"}'));
    expect(first.status).toBe(202);
    expect(first.body.runs).toHaveLength(1);
    const again = await call('POST', '/hooks/alertmanager', alert('{}:{alertname="KR1Down"}'));
    expect(again.body.runs).toEqual(first.body.runs);
    const runId = first.body.runs[0];
    const run = await call('GET', `/v1/failover-runs/${runId}`);
    expect(run.body).toMatchObject({ state: 'awaiting_approval', trigger: 'alertmanager' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(stack.sim.requests().filter((r) => r.method === 'POST' && /\/(stop|start|invert-direction)$/.test(r.route))).toEqual([]);

    const busy = await call('POST', '/v1/failover-runs', { group: 'web-dr', kind: 'drill', planHash: 'x' });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'active-run', runId });

    const wrong = await call('POST', `/v1/failover-runs/${runId}/approve`, { planHash: 'nope' });
    expect(wrong.status).toBe(409);
    const approved = await call('POST', `/v1/failover-runs/${runId}/approve`, { planHash: run.body.planHash });
    expect(approved.status).toBe(200);
    const done = await finished(runId);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    expect(done.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['run-created', 'approved', 'api', 'intent', 'run-succeeded']));
  }, 90_000);

  it('POST /v1/failover-runs with an Idempotency-Key: a repeat returns the same run', async () => {
    const plan = await call('GET', '/v1/failover-runs/00000000-0000-0000-0000-000000000000');
    expect(plan.status).toBe(404);
    const bad = await call('POST', '/v1/failover-runs', { group: 'web-dr' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^request body: kind:/);
    // Failback after the approved planned run above.
    const planResponse = await fetch(`${daemon.httpUrl}/v1/failover-runs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': 'k-1' }, body: JSON.stringify({ group: 'web-dr', kind: 'failback', planHash: 'stale', confirm: ['prod-web'], ackInvertOnHalt: true }) });
    const stale = (await planResponse.json()) as { error: { code: string; planHash: string } };
    expect(planResponse.status).toBe(409);
    expect(stale.error.code).toBe('plan-hash-mismatch');
    const body = { group: 'web-dr', kind: 'failback', planHash: stale.error.planHash, confirm: ['prod-web'], ackInvertOnHalt: true };
    const created = await call('POST', '/v1/failover-runs', body, { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'k-2' });
    expect(created.status).toBe(201);
    const repeated = await call('POST', '/v1/failover-runs', body, { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'k-2' });
    expect(repeated.status).toBe(200);
    expect(repeated.body.id).toBe(created.body.id);
    const done = await finished(created.body.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
  }, 90_000);
});
