import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.ts';
import { issueToken, nas, simulator, START } from './helpers.ts';

async function tokenRequest(url: string, body: unknown, contentType = 'application/json') {
  const res = await fetch(`${url}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const auth = (tenantId: string, username: string, password: string) => ({
  auth: { tenantId, passwordCredentials: { username, password } },
});

describe('identity: POST /v2.0/tokens', () => {
  it('issues a Keystone-v2 token with the documented time formats and a nasv1 catalog entry per region', async () => {
    const sim = await simulator();
    const { tenantId, username, password } = sim.credentials;
    const { status, body } = await tokenRequest(sim.identityUrl, auth(tenantId, username, password));
    expect(status).toBe(200);
    const { token, serviceCatalog, user, metadata } = body.access;
    expect(token.id).toMatch(/^[0-9a-f]{32}$/);
    expect(token.expires).toBe('2026-11-27T03:00:00Z');
    // issued_at: UTC without zone suffix, microseconds.
    expect(token.issued_at).toMatch(/^2026-11-27T02:00:00\.\d{6}$/);
    expect(token.tenant).toMatchObject({ id: tenantId, enabled: true });
    expect(typeof token.tenant.name).toBe('string');
    expect(user).toBeDefined();
    expect(metadata).toBeDefined();
    // Not first in the list: clients must select by type.
    expect(serviceCatalog[0].type).not.toBe('nasv1');
    const nasEntry = serviceCatalog.find((e: any) => e.type === 'nasv1');
    expect(nasEntry.endpoints).toEqual([
      { region: 'KR1', publicURL: `${sim.url}/kr1` },
      { region: 'KR2', publicURL: `${sim.url}/kr2` },
    ]);
  });

  it('uses the state file token lifetime', async () => {
    const sim = await simulator({
      state: { credentials: { tenantId: 't', username: 'u', password: 'p' }, tokenTtlSeconds: 120 },
    });
    const { body } = await tokenRequest(sim.identityUrl, auth('t', 'u', 'p'));
    expect(body.access.token.expires).toBe('2026-11-27T02:02:00Z');
  });

  it.each([
    ['password', auth('sim-tenant', 'demo@example.com', 'wrong')],
    ['username', auth('sim-tenant', 'nobody@example.com', 'sim-password')],
    ['tenant', auth('other-tenant', 'demo@example.com', 'sim-password')],
  ])('answers a wrong %s with 401 and a Keystone error body', async (_what, body) => {
    const sim = await simulator();
    const answer = await tokenRequest(sim.identityUrl, body);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 401, title: 'Unauthorized' });
    expect(typeof answer.body.error.message).toBe('string');
    expect(JSON.stringify(answer.body)).not.toContain('sim-password');
  });

  it('answers a body without the documented fields with 400 naming the field', async () => {
    const sim = await simulator();
    const answer = await tokenRequest(sim.identityUrl, { auth: { passwordCredentials: { username: 'u', password: 'p' } } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(400);
    expect(answer.body.error.message).toContain('auth.tenantId');
  });

  it('answers malformed JSON with 400 in Keystone form', async () => {
    const sim = await simulator();
    const answer = await tokenRequest(sim.identityUrl, '{"auth": ');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(400);
  });

  it('answers GET /v2.0/tokens with 405', async () => {
    const sim = await simulator();
    const res = await fetch(`${sim.identityUrl}/v2.0/tokens`);
    expect(res.status).toBe(405);
    expect(((await res.json()) as any).error.code).toBe(405);
  });
});

describe('tokens on the NAS API', () => {
  it('one token works in both regions', async () => {
    const sim = await simulator();
    const api = nas(sim, await issueToken(sim));
    expect((await api.get('/v1/volumes', 'kr1')).status).toBe(200);
    expect((await api.get('/v1/volumes', 'kr2')).status).toBe(200);
  });

  it('expires by the simulated clock', async () => {
    const sim = await simulator();
    const api = nas(sim, await issueToken(sim));
    await sim.advance(3_599_000);
    expect((await api.get('/v1/volumes')).status).toBe(200);
    await sim.advance(1_000);
    const after = await api.get('/v1/volumes');
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ header: { isSuccessful: false, resultCode: 401, resultMessage: 'Authorization failed' } });
  });

  it('revokeTokens() invalidates every issued token', async () => {
    const sim = await simulator();
    const api = nas(sim, await issueToken(sim));
    sim.revokeTokens();
    expect((await api.get('/v1/volumes')).status).toBe(401);
    expect((await nas(sim, await issueToken(sim)).get('/v1/volumes')).status).toBe(200);
  });

  it.each([
    ['missing', undefined],
    ['unknown', 'f'.repeat(32)],
  ])('answers a %s X-Auth-Token with 401 "Authorization failed"', async (_what, token) => {
    const sim = await simulator();
    const answer = await nas(sim, token).get('/v1/volumes');
    expect(answer.status).toBe(401);
    expect(answer.body.header).toEqual({ isSuccessful: false, resultCode: 401, resultMessage: 'Authorization failed' });
  });

  it('counts token requests in requests()', async () => {
    const sim = await simulator();
    await issueToken(sim);
    await issueToken(sim);
    const tokenCalls = sim.requests().filter((r) => r.route === 'POST /v2.0/tokens');
    expect(tokenCalls).toHaveLength(2);
    expect(tokenCalls[0]).toMatchObject({ method: 'POST', path: '/v2.0/tokens', status: 200 });
    expect(tokenCalls[0]!.region).toBeUndefined();
    expect(tokenCalls[0]!.at.toISOString()).toBe(new Date(START).toISOString());
  });

  it('in real clock mode tokens follow wall time', async () => {
    const sim = await startSimulator({ clock: 'real' });
    try {
      const before = Date.now();
      expect(sim.now().getTime()).toBeGreaterThanOrEqual(before - 5);
      await sim.advance(60_000);
      expect(sim.now().getTime()).toBeGreaterThanOrEqual(before + 60_000);
    } finally {
      await sim.close();
    }
  });
});
