// Injected faults (error status with rate and times, latency, hang) from options, files,
// setFaults() and the admin endpoints; and the admin endpoints themselves.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startSimulator, SimulatorConfigError } from '../../src/simulator/index.ts';
import { admin, connect, EMPTY_STATE, expectFailure, issueToken, simulator } from './helpers.ts';

describe('error faults', () => {
  it('answer with the status in the NAS envelope, `times` times, then expire', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes', status: 503, times: 2 }] });
    expectFailure(await api.get('/v1/volumes'), 503);
    expectFailure(await api.get('/v1/volumes'), 503);
    expect((await api.get('/v1/volumes')).status).toBe(200);
    const statuses = sim.requests().filter((r) => r.route === 'GET /v1/volumes').map((r) => r.status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('match the route pattern, not other routes', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const id = (await api.post('/v1/volumes', { volume: { name: 'v', sizeGb: 300, mountProtocol: { protocol: 'nfs' } } })).body.volume.id;
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes/:volumeId', status: 500 }] });
    expectFailure(await api.get(`/v1/volumes/${id}`), 500);
    expect((await api.get('/v1/volumes')).status).toBe(200);
    expect((await api.get(`/v1/volumes/${id}/snapshots`)).status).toBe(200);
  });

  it('can be limited to one region', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    sim.setFaults({ rules: [{ route: '*', region: 'KR2', status: 502 }] });
    expect((await api.get('/v1/volumes', 'kr1')).status).toBe(200);
    expectFailure(await api.get('/v1/volumes', 'kr2'), 502);
  });

  it('on identity answer with a Keystone error body', async () => {
    const sim = await simulator({ faults: { rules: [{ route: 'POST /v2.0/tokens', status: 503, times: 1 }] } });
    const res = await fetch(`${sim.identityUrl}/v2.0/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.code).toBe(503);
    await expect(issueToken(sim)).resolves.toMatch(/^[0-9a-f]{32}$/);
  });

  it('fail a seeded, reproducible share of requests at errorRate', async () => {
    const pattern = async () => {
      const { sim, api } = await connect({ state: EMPTY_STATE, seed: 42 });
      sim.setFaults({ rules: [{ route: 'GET /v1/volumes', errorRate: 0.5, status: 500 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await api.get('/v1/volumes')).status);
      return statuses;
    };
    const first = await pattern();
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(5);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(await pattern()).toEqual(first);
  });

  it('reject invalid rules with a message naming the field', async () => {
    const sim = await simulator();
    expect(() => sim.setFaults({ rules: [{ route: '*', errorRate: 2 }] })).toThrow(/rules\[0\]\.errorRate/);
    expect(() => sim.setFaults({ rules: [{ route: '*' }] })).toThrow(/at least one of/);
  });
});

describe('latency and hangs (real timers)', () => {
  it('latency delays the answer by wall time without moving the simulated clock', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes', latencyMs: 200 }] });
    const before = performance.now();
    expect((await api.get('/v1/volumes')).status).toBe(200);
    expect(performance.now() - before).toBeGreaterThanOrEqual(190);
    expect(sim.now().toISOString()).toBe('2026-11-27T02:00:00.000Z');
  });

  it('a hang never answers: the client gives up, the request is not recorded, others go on', async () => {
    const { sim, api, token } = await connect({ state: EMPTY_STATE });
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes', hang: true, times: 1 }] });
    const hung = fetch(`${sim.url}/kr1/v1/volumes`, { headers: { 'x-auth-token': token }, signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow();
    await vi.waitFor(async () => expect((await admin(sim, 'GET', '/held')).body.held).toBe(0));
    expect(sim.requests().filter((r) => r.route === 'GET /v1/volumes')).toEqual([]);
    expect((await api.get('/v1/volumes')).status).toBe(200);
  });

  it('close() ends hung and delayed requests and returns promptly', async () => {
    const sim = await startSimulator({ clock: 'manual', state: EMPTY_STATE });
    const token = await issueToken(sim);
    sim.setFaults({
      rules: [
        { route: 'GET /v1/volumes', hang: true },
        { route: 'POST /v1/volumes', latencyMs: 60_000 },
      ],
    });
    const hung = fetch(`${sim.url}/kr1/v1/volumes`, { headers: { 'x-auth-token': token } });
    const slow = fetch(`${sim.url}/kr1/v1/volumes`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: '{}' });
    const outcomes = Promise.allSettled([hung, slow]);
    await vi.waitFor(async () => expect((await admin(sim, 'GET', '/held')).body.held).toBe(2));
    const before = performance.now();
    await sim.close();
    expect(performance.now() - before).toBeLessThan(2_000);
    expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('faults files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-faults-'));

  it('loads YAML and JSON fault files', async () => {
    const yamlPath = join(dir, 'faults.yaml');
    writeFileSync(yamlPath, 'rules:\n  - route: "GET /v1/volumes"\n    status: 500\n    times: 1\n');
    const jsonPath = join(dir, 'faults.json');
    writeFileSync(jsonPath, JSON.stringify({ rules: [{ route: 'GET /v1/volumes', status: 429, times: 1 }] }));
    for (const [path, status] of [[yamlPath, 500], [jsonPath, 429]] as const) {
      const { api } = await connect({ state: EMPTY_STATE, faults: path });
      expectFailure(await api.get('/v1/volumes'), status);
      expect((await api.get('/v1/volumes')).status).toBe(200);
    }
  });

  it('a bad faults file fails startup naming the file and the field', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'rules:\n  - route: "*"\n    status: 700\n');
    const start = startSimulator({ clock: 'manual', faults: path });
    await expect(start).rejects.toThrow(SimulatorConfigError);
    await expect(startSimulator({ clock: 'manual', faults: path })).rejects.toThrow(/bad\.yaml.*rules\[0\]\.status/);
  });
});

describe('admin endpoints', () => {
  it('set, show and clear faults', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const set = await admin(sim, 'POST', '/faults', { rules: [{ route: 'GET /v1/volumes', status: 500, times: 3 }] });
    expect(set.status).toBe(200);
    expectFailure(await api.get('/v1/volumes'), 500);
    expect((await admin(sim, 'GET', '/faults')).body.rules).toEqual([{ route: 'GET /v1/volumes', status: 500, times: 2 }]);
    expect((await admin(sim, 'DELETE', '/faults')).body).toEqual({ rules: [] });
    expect((await api.get('/v1/volumes')).status).toBe(200);
    const bad = await admin(sim, 'POST', '/faults', { rules: [{ route: '*', latencyMs: -1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('rules[0].latencyMs');
  });

  it('a "*" fault never blocks the admin endpoints', async () => {
    const sim = await simulator();
    sim.setFaults({ rules: [{ route: '*', status: 503 }] });
    expect((await admin(sim, 'DELETE', '/faults')).status).toBe(200);
  });

  it('advance the clock (tokens expire) and revoke tokens', async () => {
    const { sim, api } = await connect();
    const advanced = await admin(sim, 'POST', '/clock/advance', { ms: 3_600_000 });
    expect(advanced.body.now).toBe('2026-11-27T03:00:00.000Z');
    expect((await admin(sim, 'GET', '/clock')).body.now).toBe('2026-11-27T03:00:00.000Z');
    expect((await api.get('/v1/volumes')).status).toBe(401);
    const fresh = await connect();
    expect((await admin(fresh.sim, 'POST', '/tokens/revoke')).status).toBe(200);
    expect((await fresh.api.get('/v1/volumes')).status).toBe(401);
    expect((await admin(sim, 'POST', '/clock/advance', { ms: 'soon' })).status).toBe(400);
  });

  it('list answered requests, without admin calls', async () => {
    const { sim, api } = await connect();
    await api.get('/v1/volumes', 'kr2');
    const { body } = await admin(sim, 'GET', '/requests');
    expect(body.requests.map((r: any) => [r.route, r.region, r.status])).toEqual([
      ['POST /v2.0/tokens', undefined, 200],
      ['GET /v1/volumes', 'KR2', 200],
    ]);
  });

  it('mirror fault of an unknown mirror → 404', async () => {
    const sim = await simulator();
    expect((await admin(sim, 'POST', '/mirrors/nope/fault', { halt: true })).status).toBe(404);
  });
});
