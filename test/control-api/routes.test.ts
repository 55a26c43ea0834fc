// The routes' own behaviour (auth, body checks, status codes) over a real fastify server. The
// failover service behind them is tested end to end in test/failover; here a small in-memory
// control stands in so that every route can be hit without a token.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerControlApi, type FailoverControl, type RunView, type StartRunInput } from '../../src/control-api/routes.ts';

const TOKEN = 'test-token-0123456789';
const starts: StartRunInput[] = [];
const runs = new Map<string, RunView>();
const control: FailoverControl = {
  async start(input) {
    starts.push(input);
    const key = input.idempotencyKey ?? input.alertGroupKey;
    const existing = [...runs.values()].find((r) => key !== undefined && r.key === key);
    if (existing) return { run: existing, created: false };
    if (input.group === 'busy') throw { code: 'active-run', message: 'group busy has an active run r-0' };
    const run: RunView = { id: `r-${runs.size + 1}`, state: input.awaitingApproval ? 'awaiting_approval' : 'running', key };
    runs.set(run.id, run);
    return { run, created: true };
  },
  async get(id) {
    return runs.get(id);
  },
  async approve(id) {
    const run = runs.get(id);
    if (!run) throw { code: 'not-found', message: `no failover run ${id}` };
    return { ...run, state: 'running' };
  },
  async abort(id) {
    return { ...(runs.get(id) ?? { id }), state: 'aborted' } as RunView;
  },
};
const server = Fastify();
registerControlApi(server, { token: TOKEN, control, asRefusal: () => undefined });
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(() => server.ready());
afterAll(() => server.close());

describe('control API', () => {
  it.each([
    ['POST', '/v1/failover-runs'],
    ['GET', '/v1/failover-runs/r-1'],
    ['POST', '/v1/failover-runs/r-1/approve'],
    ['POST', '/v1/failover-runs/r-1/abort'],
    ['POST', '/hooks/alertmanager'],
  ] as const)('%s %s refuses without the token, and with a wrong one', async (method, url) => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${TOKEN}` }]) {
      const res = await server.inject({ method, url, headers, payload: {} });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain(TOKEN);
    }
    expect(starts).toHaveLength(0);
  });

  it('a repeated Idempotency-Key returns the same run', async () => {
    const body = { group: 'web-dr', kind: 'planned', planHash: 'h1' };
    const first = await server.inject({ method: 'POST', url: '/v1/failover-runs', headers: { ...auth, 'idempotency-key': 'k-1' }, payload: body });
    const again = await server.inject({ method: 'POST', url: '/v1/failover-runs', headers: { ...auth, 'idempotency-key': 'k-1' }, payload: body });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(starts.at(-1)).toMatchObject({ trigger: 'http', idempotencyKey: 'k-1', confirm: [] });
  });

  it('passes the failback and emergency acknowledgements through', async () => {
    const body = { group: 'web-dr', kind: 'failback', planHash: 'h2', confirm: ['prod-web'], ackInvertOnHalt: true, declare: false };
    const res = await server.inject({ method: 'POST', url: '/v1/failover-runs', headers: auth, payload: body });
    expect(res.statusCode).toBe(201);
    expect(starts.at(-1)).toMatchObject({ kind: 'failback', confirm: ['prod-web'], ackInvertOnHalt: true, declare: false });
  });

  it('bad bodies get a one-line 400 naming the field; refusals map to their status', async () => {
    const bad = await server.inject({ method: 'POST', url: '/v1/failover-runs', headers: auth, payload: { group: 'web-dr', kind: 'planned' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/^planHash: /);
    const busy = await server.inject({ method: 'POST', url: '/v1/failover-runs', headers: auth, payload: { group: 'busy', kind: 'planned', planHash: 'h' } });
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toEqual({ code: 'active-run', error: 'group busy has an active run r-0' });
    const missing = await server.inject({ method: 'GET', url: '/v1/failover-runs/nope', headers: auth });
    expect(missing.statusCode).toBe(404);
  });

  it('the Alertmanager hook creates runs awaiting approval, once per group key', async () => {
    const payload = {
      version: '4',
      groupKey: 'g-1',
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'NasDown', nasorch_group: 'web-dr', nasorch_kind: 'emergency' } }],
    };
    const first = await server.inject({ method: 'POST', url: '/hooks/alertmanager', headers: auth, payload });
    const again = await server.inject({ method: 'POST', url: '/hooks/alertmanager', headers: auth, payload });
    expect(first.statusCode).toBe(202);
    expect(first.json().runs).toEqual([{ id: expect.any(String), state: 'awaiting_approval', created: true }]);
    expect(again.json().runs[0]).toMatchObject({ id: first.json().runs[0].id, created: false });
    expect(starts.at(-1)).toMatchObject({ trigger: 'alertmanager', awaitingApproval: true, alertGroupKey: 'g-1|web-dr|emergency' });
    const broken = await server.inject({ method: 'POST', url: '/hooks/alertmanager', headers: auth, payload: { version: '4' } });
    expect(broken.statusCode).toBe(400);
  });
});
