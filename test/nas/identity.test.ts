// Token lifecycle against the simulator's Identity service, on its manual clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NasApiError } from '../../src/nas/errors.ts';
import { IdentityClient } from '../../src/nas/identity.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { baseState, clientFor, closedPort, FAST_RETRY, identityFor, requestsTo, startTestSimulator, tokenRequests } from './support.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let sim: RunningSimulator;
beforeEach(async () => {
  sim = await startTestSimulator();
});
afterEach(async () => {
  await sim?.close();
});

function nas401s(): number {
  return sim.requests().filter((r) => r.region && r.status === 401).length;
}

describe('token reuse and refresh', () => {
  it('reuses one token until the refresh margin', async () => {
    const client = clientFor(sim, identityFor(sim, { refreshMarginMs: 5 * MINUTE }));
    await client.listVolumes();
    await sim.advance(30 * MINUTE);
    await client.listVolumes();
    await sim.advance(24 * MINUTE); // 54 min: still 1 min before the margin starts
    await client.listVolumes();
    expect(tokenRequests(sim)).toBe(1);
  });

  it('refreshes early, inside the margin, before the server would refuse the token', async () => {
    const client = clientFor(sim, identityFor(sim, { refreshMarginMs: 5 * MINUTE }));
    await client.listVolumes();
    await sim.advance(HOUR - 4 * MINUTE);
    await client.listVolumes();
    expect(tokenRequests(sim)).toBe(2);
    expect(nas401s()).toBe(0);
  });

  it('gets a new token once the old one expired', async () => {
    const client = clientFor(sim, identityFor(sim, { refreshMarginMs: 0 }));
    await client.listVolumes();
    await sim.advance(HOUR + 1000);
    await client.listVolumes();
    expect(tokenRequests(sim)).toBe(2);
    expect(nas401s()).toBe(0);
  });

  it('caps the margin at half the lifetime, so short-lived tokens still get used', async () => {
    await sim.close();
    sim = await startTestSimulator({ state: { ...baseState(), tokenTtlSeconds: 120 } });
    const client = clientFor(sim, identityFor(sim, { refreshMarginMs: 5 * MINUTE }));
    await client.listVolumes();
    await client.listVolumes();
    expect(tokenRequests(sim)).toBe(1);
    await sim.advance(61_000);
    await client.listVolumes();
    expect(tokenRequests(sim)).toBe(2);
  });

  it('keeps using the current token when a refresh inside the margin fails', async () => {
    const client = clientFor(sim, identityFor(sim, { refreshMarginMs: 5 * MINUTE }));
    await client.listVolumes();
    await sim.advance(HOUR - 4 * MINUTE);
    sim.setFaults({ rules: [{ route: 'POST /v2.0/tokens', status: 503 }] });
    await expect(client.listVolumes()).resolves.toBeDefined();
    const failedRound = Array(FAST_RETRY.maxAttempts).fill(503);
    expect(requestsTo(sim, 'POST /v2.0/tokens').map((r) => r.status)).toEqual([200, ...failedRound]);
    // Later calls do not each wait for a failing Identity: it is asked again after a cool-down.
    await client.listVolumes();
    expect(tokenRequests(sim)).toBe(1 + FAST_RETRY.maxAttempts);
    await sim.advance(31_000);
    sim.setFaults({ rules: [] });
    await client.listVolumes();
    expect(requestsTo(sim, 'POST /v2.0/tokens').map((r) => r.status)).toEqual([200, ...failedRound, 200]);
    expect(nas401s()).toBe(0);
  });
});

describe('401 from NAS', () => {
  it('drops the token, authenticates once more and repeats the call once', async () => {
    const client = clientFor(sim, identityFor(sim));
    await client.listVolumes();
    sim.revokeTokens();
    const { volumes } = await client.listVolumes();
    expect(volumes.length).toBeGreaterThan(0);
    expect(tokenRequests(sim)).toBe(2);
    expect(requestsTo(sim, 'GET /v1/volumes').map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it('gives up after one re-authentication if NAS keeps answering 401', async () => {
    const client = clientFor(sim, identityFor(sim));
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes', status: 401 }] });
    const err = (await client.listVolumes().catch((e: unknown) => e)) as NasApiError;
    expect(err).toBeInstanceOf(NasApiError);
    expect(err).toMatchObject({ httpStatus: 401, retryable: false, attempts: 1 });
    expect(tokenRequests(sim)).toBe(2);
    expect(requestsTo(sim, 'GET /v1/volumes')).toHaveLength(2);
  });

  it('re-authenticates once per call, not once per retry', async () => {
    const client = clientFor(sim, identityFor(sim));
    await client.listVolumes();
    sim.setFaults({
      rules: [
        { route: 'GET /v1/volumes', status: 401, times: 1 },
        { route: 'GET /v1/volumes', status: 503, times: 1 },
        { route: 'GET /v1/volumes', status: 401 },
      ],
    });
    const err = (await client.listVolumes().catch((e: unknown) => e)) as NasApiError;
    expect(err).toMatchObject({ httpStatus: 401, attempts: 2 });
    expect(requestsTo(sim, 'GET /v1/volumes').map((r) => r.status)).toEqual([200, 401, 503, 401]);
    expect(tokenRequests(sim)).toBe(2);
  });

  it('re-authenticates a non-idempotent create too (a 401 means it was not applied)', async () => {
    const client = clientFor(sim, identityFor(sim));
    await client.listVolumes();
    sim.revokeTokens();
    await client.createSnapshot('vol-logs-0002', { name: 'after-revoke' });
    expect(requestsTo(sim, 'POST /v1/volumes/:volumeId/snapshots').map((r) => r.status)).toEqual([401, 201]);
  });
});

describe('single flight', () => {
  it('sends one token request for 20 concurrent calls across regions', async () => {
    const identity = identityFor(sim);
    const kr1 = clientFor(sim, identity);
    const kr2 = clientFor(sim, identity, { region: 'KR2' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? kr1 : kr2).listVolumes()));
    expect(results).toHaveLength(20);
    expect(tokenRequests(sim)).toBe(1);
  });

  it('shares one re-authentication among concurrent 401s', async () => {
    const identity = identityFor(sim);
    const client = clientFor(sim, identity);
    await client.listVolumes();
    sim.revokeTokens();
    await Promise.all(Array.from({ length: 10 }, () => client.listVolumes()));
    expect(tokenRequests(sim)).toBe(2);
  });
});

describe('failures', () => {
  it('says which user and tenant failed, without the password, and does not retry', async () => {
    const identity = identityFor(sim, {}, { ...sim.credentials, password: 'wrong-password-123' });
    const err = (await clientFor(sim, identity).listVolumes().catch((e: unknown) => e)) as NasApiError;
    expect(err).toBeInstanceOf(NasApiError);
    expect(err.message).toBe(
      `authentication failed for user ${sim.credentials.username} in tenant ${sim.credentials.tenantId} (check NHN_USERNAME / NHN_API_PASSWORD)`,
    );
    expect(err).toMatchObject({ kind: 'authentication', retryable: false, httpStatus: 401 });
    expect(JSON.stringify(err)).not.toContain('wrong-password-123');
    expect(tokenRequests(sim)).toBe(1);
  });

  it('retries Identity 5xx like NAS calls', async () => {
    sim.setFaults({ rules: [{ route: 'POST /v2.0/tokens', status: 503, times: 2 }] });
    await clientFor(sim, identityFor(sim)).listVolumes();
    expect(requestsTo(sim, 'POST /v2.0/tokens').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('reports an unreachable Identity service as a retryable network error', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const identity = new IdentityClient({ identityUrl: url, ...sim.credentials }, { retry: FAST_RETRY });
    const err = (await identity.getToken().catch((e: unknown) => e)) as NasApiError;
    expect(err).toMatchObject({ kind: 'network', retryable: true, attempts: FAST_RETRY.maxAttempts, operation: 'authenticate' });
    // The message names the URL and its setting (issue 8 §5).
    expect(err.message).toBe(`cannot reach Identity at ${url} (NHN_IDENTITY_URL): POST /v2.0/tokens failed: connection error ECONNREFUSED after 4 attempts`);
  });

  it('refuses a region the catalog does not offer, naming the ones it does', async () => {
    const err = (await clientFor(sim, identityFor(sim), { region: 'kr3' }).listVolumes().catch((e: unknown) => e)) as NasApiError;
    expect(err).toBeInstanceOf(NasApiError);
    expect(err).toMatchObject({ kind: 'endpoint', region: 'KR3', retryable: false });
    expect(err.message).toBe('no NAS (nasv1) endpoint for region KR3 in the service catalog (it offers: KR1, KR2)');
  });
});
