// The control API and the Alertmanager webhook on a daemon's server (NASORCH_API_TOKEN set): 401
// without the token, one run per groupKey created awaiting_approval, approval runs it on the
// daemon, Idempotency-Key repeats return the same run.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { FailoverService } from '../../src/failover/service.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { FAST_SIM_TIMING, groupYaml, parseGroup } from './support.ts';

const TOKEN = 'test-control-token-0123456789';
const YAML = groupYaml({ settle: '{ reads: 1, interval: 1s, timeout: 30s }' });
let stack: TestStack;
let daemon: Daemon;
beforeAll(async () => {
  stack = await createTestStack({ timing: FAST_SIM_TIMING });
  await stack.writePolicy('groups.yaml', YAML);
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

  it('POST /v1/failover-runs with an Idempotency-Key: a repeat returns the same run (a drill on the daemon)', async () => {
    const bad = await call('POST', '/v1/failover-runs', { group: 'web-dr' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^kind: /);
    expect((await call('GET', '/v1/failover-runs/00000000-0000-0000-0000-000000000001')).status).toBe(404);
    const stale = await call('POST', '/v1/failover-runs', { group: 'web-dr', kind: 'drill', planHash: 'stale', confirm: ['prod-web-dr'] });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('plan-hash-mismatch');
    const service = new FailoverService({ prisma: stack.db.prisma, nas: new NasConnection(stack.identity), groups: () => [parseGroup(YAML)], log: stack.log });
    const plan = await service.plan('web-dr', 'drill');
    const body = { group: 'web-dr', kind: 'drill', planHash: plan.planHash, confirm: ['prod-web-dr'] };
    const created = await call('POST', '/v1/failover-runs', body, { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'k-2' });
    expect(created.status).toBe(201);
    const repeated = await call('POST', '/v1/failover-runs', body, { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'k-2' });
    expect(repeated.status).toBe(200);
    expect(repeated.body.id).toBe(created.body.id);
    const done = await finished(created.body.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
  }, 90_000);

  it('Alertmanager creates one run per groupKey awaiting approval; approval runs it on the daemon', async () => {
    const mutating = () => stack.sim.requests().filter((r) => r.method === 'POST' && /\/(stop|start|invert-direction)$/.test(r.route)).length;
    const before = mutating();
    const first = await call('POST', '/hooks/alertmanager', alert('{}:{alertname="KR1Down"}'));
    expect(first.status).toBe(202);
    expect(first.body.runs).toHaveLength(1);
    expect(first.body.runs[0]).toMatchObject({ state: 'awaiting_approval', created: true });
    const again = await call('POST', '/hooks/alertmanager', alert('{}:{alertname="KR1Down"}'));
    expect(again.body.runs).toEqual([{ ...first.body.runs[0], created: false }]);
    const runId = first.body.runs[0].id;
    const run = await call('GET', `/v1/failover-runs/${runId}`);
    expect(run.body).toMatchObject({ state: 'awaiting_approval', trigger: 'alertmanager' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(mutating()).toBe(before);

    const busy = await call('POST', '/v1/failover-runs', { group: 'web-dr', kind: 'drill', planHash: 'x' });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('active-run');
    expect(busy.body.error).toContain(runId);

    const wrong = await call('POST', `/v1/failover-runs/${runId}/approve`, { planHash: 'nope' });
    expect(wrong.status).toBe(409);
    const approved = await call('POST', `/v1/failover-runs/${runId}/approve`, { planHash: run.body.planHash });
    expect(approved.status).toBe(200);
    const done = await finished(runId);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    expect(done.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['run-created', 'approved', 'api', 'intent', 'run-succeeded']));
  }, 90_000);
});
