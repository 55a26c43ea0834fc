// Retry and no-retry paths under faults injected into the simulator.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NasApiError } from '../../src/nas/errors.ts';
import { IdentityClient } from '../../src/nas/identity.ts';
import { NasClient } from '../../src/nas/client.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { clientFor, failure, closedPort, countingFetch, FAST_RETRY, identityFor, MIRROR_APP, requestsTo, startTestSimulator, VOL_APP, VOL_LOGS } from './support.ts';

let sim: RunningSimulator;
let identity: IdentityClient;

beforeAll(async () => {
  sim = await startTestSimulator();
  identity = identityFor(sim);
  await identity.getToken();
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(() => {
  sim.setFaults({ rules: [] });
});

/** Statuses of the requests to `route` made by `run`. */
async function statusesDuring(route: string, run: () => Promise<unknown>): Promise<number[]> {
  const before = requestsTo(sim, route).length;
  await run().catch(() => undefined);
  return requestsTo(sim, route)
    .slice(before)
    .map((r) => r.status);
}

describe('idempotent calls', () => {
  it('retries 503 twice and succeeds on the third attempt', async () => {
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes', status: 503, times: 2 }] });
    const client = clientFor(sim, identity);
    const statuses = await statusesDuring('GET /v1/volumes', () => client.listVolumes());
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('retries 429', async () => {
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes/:volumeId', status: 429, times: 1 }] });
    const client = clientFor(sim, identity);
    expect(await statusesDuring('GET /v1/volumes/:volumeId', () => client.getVolume(VOL_LOGS))).toEqual([429, 200]);
  });

  it('does not retry a 400', async () => {
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes', status: 400 }] });
    const client = clientFor(sim, identity);
    let err: NasApiError | undefined;
    const statuses = await statusesDuring('GET /v1/volumes', async () => {
      err = await failure(client.listVolumes());
    });
    expect(statuses).toEqual([400]);
    expect(err).toMatchObject({ httpStatus: 400, attempts: 1, retryable: false });
  });

  it('does not retry a 404', async () => {
    const counter = countingFetch();
    const client = clientFor(sim, identity, { fetch: counter.fetch });
    const err = await failure(client.getVolume('no-such-volume'));
    expect(err).toMatchObject({ httpStatus: 404, attempts: 1, retryable: false });
    expect(counter.calls()).toBe(1);
  });

  it('times out a hung request and retries it', async () => {
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes/:volumeId/usage', hang: true, times: 1 }] });
    const counter = countingFetch();
    const client = clientFor(sim, identity, { fetch: counter.fetch, timeoutMs: 200 });
    await expect(client.getUsage(VOL_LOGS)).resolves.toHaveProperty('usedGb');
    expect(counter.calls()).toBe(2);
  });

  it('gives up after maxAttempts and says how often it tried', async () => {
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes/:volumeId/usage', status: 503 }] });
    const beforeRequestCalls: number[] = [];
    const client = clientFor(sim, identity, { beforeRequest: async () => void beforeRequestCalls.push(1) });
    const err = await failure(client.getUsage(VOL_LOGS));
    expect(err).toMatchObject({ httpStatus: 503, attempts: 4, retryable: true, outcomeUnknown: false, operation: 'getUsage' });
    expect(err.message).toBe(`GET /v1/volumes/${VOL_LOGS}/usage (KR1) failed: 503 Service Unavailable [resultCode 503] after 4 attempts`);
    // The rate limiter's hook runs before every HTTP attempt.
    expect(beforeRequestCalls).toHaveLength(4);
  });

  it('reports a timeout as such after the last attempt', async () => {
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes/:volumeId/usage', hang: true }] });
    const client = clientFor(sim, identity, { timeoutMs: 100, retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const err = await failure(client.getUsage(VOL_LOGS));
    expect(err).toMatchObject({ kind: 'timeout', attempts: 2, retryable: true });
    expect(err.message).toBe(`GET /v1/volumes/${VOL_LOGS}/usage (KR1) failed: no response within 100 ms after 2 attempts`);
  });
});

describe('non-idempotent calls', () => {
  it('does not repeat a create after a 500: it may have been applied', async () => {
    sim.setFaults({ rules: [{ route: 'POST /v1/volumes/:volumeId/snapshots', status: 500, times: 1 }] });
    const client = clientFor(sim, identity);
    const err = await failure(client.createSnapshot(VOL_LOGS, { name: 'once-500' }));
    expect(err).toMatchObject({ httpStatus: 500, attempts: 1, retryable: true, outcomeUnknown: true, operation: 'createSnapshot' });
  });

  it('does not repeat a create after a timeout', async () => {
    sim.setFaults({ rules: [{ route: 'POST /v1/volumes/:volumeId/snapshots', hang: true, times: 1 }] });
    const counter = countingFetch();
    const client = clientFor(sim, identity, { fetch: counter.fetch, timeoutMs: 150 });
    const err = await failure(client.createSnapshot(VOL_LOGS, { name: 'once-timeout' }));
    expect(err).toMatchObject({ kind: 'timeout', attempts: 1, outcomeUnknown: true });
    expect(counter.calls()).toBe(1);
  });

  it('repeats a create after 503 and 429, which mean "not processed"', async () => {
    sim.setFaults({
      rules: [
        { route: 'POST /v1/volumes/:volumeId/snapshots', status: 503, times: 1 },
        { route: 'POST /v1/volumes/:volumeId/snapshots', status: 429, times: 1 },
      ],
    });
    const client = clientFor(sim, identity);
    const statuses = await statusesDuring('POST /v1/volumes/:volumeId/snapshots', () => client.createSnapshot(VOL_LOGS, { name: 'after-503' }));
    expect(statuses).toEqual([503, 429, 201]);
    expect((await client.listSnapshots(VOL_LOGS)).filter((s) => s.name === 'after-503')).toHaveLength(1);
  });

  it('repeats a create after a timeout when the caller declares it idempotent', async () => {
    sim.setFaults({ rules: [{ route: 'POST /v1/volumes/:volumeId/snapshots', hang: true, times: 1 }] });
    const counter = countingFetch();
    const client = clientFor(sim, identity, { fetch: counter.fetch, timeoutMs: 150 });
    await client.createSnapshot(VOL_LOGS, { name: 'caller-checks' }, { idempotent: true });
    expect(counter.calls()).toBe(2);
  });

  it('never repeats invert-direction after a 502', async () => {
    sim.setFaults({ rules: [{ route: 'POST /v1/volumes/:volumeId/volume-mirrors/:volumeMirrorId/invert-direction', status: 502 }] });
    const client = clientFor(sim, identity);
    const err = await failure(client.invertMirrorDirection('vol-app-0001', 'mirror-app-0001'));
    expect(err).toMatchObject({ httpStatus: 502, attempts: 1, outcomeUnknown: true });
  });

  it('repeats a create when the connection was refused (nothing was sent)', async () => {
    const counter = countingFetch();
    const client = new NasClient({ identity, region: 'KR1', endpointOverride: `http://127.0.0.1:${await closedPort()}`, retry: FAST_RETRY, fetch: counter.fetch });
    const err = await failure(client.createSnapshot(VOL_LOGS, { name: 'refused' }));
    expect(err).toMatchObject({ kind: 'network', attempts: 4, retryable: true, outcomeUnknown: false });
    expect(err.message).toMatch(/connection error ECONNREFUSED after 4 attempts$/);
    expect(counter.calls()).toBe(4);
  });
});

describe('answers that are not what the spec says', () => {
  function stubbedClient(status: number, body: unknown, headers: Record<string, string> = {}): { client: NasClient; calls: () => number } {
    let calls = 0;
    const fetchStub: typeof fetch = async () => {
      calls++;
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
    };
    return { client: clientFor(sim, identity, { fetch: fetchStub }), calls: () => calls };
  }

  it('names the operation and the first offending field, and does not retry', async () => {
    const { client, calls } = stubbedClient(200, {
      header: { isSuccessful: true, resultCode: 200, resultMessage: 'Success' },
      volume: { id: 'v1', name: 'x', status: 'ACTIVE', sizeGb: '300', tenantId: 't', mountProtocol: { protocol: 'nfs' }, createdAt: 'now' },
    });
    const err = await failure(client.getVolume('v1'));
    expect(err).toMatchObject({ kind: 'invalid-response', retryable: false, operation: 'getVolume' });
    expect(err.message).toBe('GET /v1/volumes/v1 (KR1) failed: response does not match the getVolume schema at volume.sizeGb: Invalid input: expected number, received string');
    expect(calls()).toBe(1);
  });

  it('skips a malformed entry of a volume listing, naming its field, instead of failing the page', async () => {
    const { client, calls } = stubbedClient(200, {
      header: { isSuccessful: true, resultCode: 200, resultMessage: 'Success' },
      paging: { limit: 50, page: 1, totalCount: 1 },
      volumes: [{ id: 'v1', name: 'x', status: 'ACTIVE', sizeGb: '300', tenantId: 't', mountProtocol: { protocol: 'nfs' }, createdAt: 'now' }],
    });
    const page = await client.listVolumes();
    expect(page.volumes).toEqual([]);
    expect(page.skipped).toEqual([{ position: 0, id: 'v1', name: 'x', field: 'sizeGb', problem: 'Invalid input: expected number, received string' }]);
    expect(calls()).toBe(1);
  });

  it('treats a 2xx with isSuccessful false as a failure with its resultCode', async () => {
    const { client } = stubbedClient(200, { header: { isSuccessful: false, resultCode: 409, resultMessage: 'Volume is busy' } });
    const err = await failure(client.deleteVolume(VOL_LOGS));
    expect(err).toMatchObject({ kind: 'status', httpStatus: 200, resultCode: 409, resultMessage: 'Volume is busy', retryable: false });
  });

  it('reports a non-JSON error page in one line', async () => {
    const { client, calls } = stubbedClient(502, '<html>\n<body>Bad gateway\n</body></html>');
    const err = await failure(client.getVolume(VOL_LOGS));
    expect(err.message).toBe(`GET /v1/volumes/${VOL_LOGS} (KR1) failed: 502 <html> <body>Bad gateway </body></html> after 4 attempts`);
    expect(calls()).toBe(4);
  });

});

describe('redirects', () => {
  it('are not followed: the token must not travel to another host', async () => {
    const reachedTarget: (string | undefined)[] = [];
    const target = createServer((req, res) => {
      reachedTarget.push(req.headers['x-auth-token'] as string | undefined);
      res.end('{}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const redirector = createServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/v1/volumes` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
      const client = new NasClient({ identity, region: 'KR1', endpointOverride: endpoint, retry: FAST_RETRY });
      const err = await failure(client.listVolumes());
      expect(err).toMatchObject({ httpStatus: 302, retryable: false, attempts: 1 });
      expect(reachedTarget).toEqual([]);
    } finally {
      await Promise.all([new Promise((r) => target.close(r)), new Promise((r) => redirector.close(r))]);
    }
  });
});

describe('caller abort', () => {
  it('stops waiting and reports kind aborted', async () => {
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes/:volumeId/usage', hang: true }] });
    const controller = new AbortController();
    // Abort as soon as the (hanging) request is on its way.
    const abortingFetch: typeof fetch = (input, init) => {
      const pending = globalThis.fetch(input, init);
      controller.abort();
      return pending;
    };
    const client = clientFor(sim, identity, { timeoutMs: 10_000, fetch: abortingFetch });
    const err = await failure(client.getUsage(VOL_LOGS, { signal: controller.signal }));
    expect(err).toMatchObject({ kind: 'aborted', retryable: false });
  });
});

describe('"outcome unknown" survives the retries', () => {
  const STOP = 'POST /v1/volumes/:volumeId/volume-mirrors/:volumeMirrorId/stop';
  const CREATE = 'POST /v1/volumes/:volumeId/snapshots';

  it('a stop that timed out but took effect, whose retry gets a 400: still outcomeUnknown (earlierOutcomeUnknown)', async () => {
    // Applied, reply lost: the client times out and repeats the (idempotent) stop, which the
    // API now refuses because the first one is under way.
    sim.setFaults({ rules: [{ route: STOP, loseReply: 'hang', times: 1 }] });
    const client = clientFor(sim, identity, { timeoutMs: 150 });
    const err = await failure(client.stopMirror(VOL_APP, MIRROR_APP));
    expect(err).toMatchObject({ kind: 'status', httpStatus: 400, attempts: 2, retryable: false, outcomeUnknown: true, earlierOutcomeUnknown: true });
    expect(err.message).toMatch(/after 2 attempts \(an earlier attempt may have taken effect\)$/);
    expect(err.toJSON()).toMatchObject({ outcomeUnknown: true, earlierOutcomeUnknown: true });
    expect(requestsTo(sim, STOP).slice(-2).map((r) => [r.status, r.replyLost])).toEqual([
      [202, 'hang'],
      [400, undefined],
    ]);
  });

  it('a 500 then a 404 on an idempotent DELETE: outcome unknown', async () => {
    sim.setFaults({ rules: [{ route: 'DELETE /v1/volumes/:volumeId/snapshots/:snapshotId', status: 500, times: 1 }] });
    const client = clientFor(sim, identity);
    const err = await failure(client.deleteSnapshot(VOL_LOGS, 'no-such-snapshot'));
    expect(err).toMatchObject({ httpStatus: 404, attempts: 2, outcomeUnknown: true, earlierOutcomeUnknown: true });
  });

  it('a definite failure stays definite: GET 503 then 404, or a create refused then 400', async () => {
    sim.setFaults({ rules: [{ route: 'GET /v1/volumes/:volumeId', status: 503, times: 1 }] });
    const client = clientFor(sim, identity);
    expect(await failure(client.getVolume('no-such-volume'))).toMatchObject({ httpStatus: 404, attempts: 2, outcomeUnknown: false, earlierOutcomeUnknown: false });
    sim.setFaults({ rules: [{ route: CREATE, status: 429, times: 1 }] });
    await client.createSnapshot(VOL_LOGS, { name: 'twice' });
    sim.setFaults({ rules: [{ route: CREATE, status: 503, times: 1 }] });
    expect(await failure(client.createSnapshot(VOL_LOGS, { name: 'twice' }))).toMatchObject({ httpStatus: 400, outcomeUnknown: false });
  });

  it('distrust503: a 503 after an applied create is not repeated and is outcome unknown, for the caller to look up', async () => {
    sim.setFaults({ rules: [{ route: CREATE, loseReply: 503, times: 1 }] });
    const client = clientFor(sim, identity);
    const before = requestsTo(sim, CREATE).length;
    const err = await failure(client.createSnapshot(VOL_LOGS, { name: 'gateway-503' }, { distrust503: true }));
    expect(err).toMatchObject({ httpStatus: 503, attempts: 1, retryable: true, outcomeUnknown: true, earlierOutcomeUnknown: false });
    expect(requestsTo(sim, CREATE).slice(before).map((r) => [r.status, r.replyLost])).toEqual([[201, 503]]);
    expect((await client.listSnapshots(VOL_LOGS)).filter((s) => s.name === 'gateway-503')).toHaveLength(1);
  });

  it('without distrust503 a 503 keeps its documented meaning (not processed): repeated, the 400 is definite', async () => {
    // The documented meaning of 503 is kept for callers that did not opt in: repeated, and the
    // 400 is a definite answer. The snapshot job opts in (jobs/snapshot.ts).
    sim.setFaults({ rules: [{ route: CREATE, loseReply: 503, times: 1 }] });
    const client = clientFor(sim, identity);
    const err = await failure(client.createSnapshot(VOL_LOGS, { name: 'gateway-503-trusted' }));
    expect(err).toMatchObject({ httpStatus: 400, attempts: 2, outcomeUnknown: false });
  });
});

describe('at the job level', () => {
  it('an unknown outcome is retried (the next attempt re-observes), a definite 400 is not', async () => {
    const { isRetryable } = await import('../../src/orchestrator/job-runner.ts');
    const base = { kind: 'status' as const, operation: 'stopMirror', method: 'POST', pathTemplate: '/x', path: '/x', httpStatus: 400, retryable: false };
    expect(isRetryable(new NasApiError({ ...base, earlierOutcomeUnknown: true }))).toBe(true);
    expect(isRetryable(new NasApiError({ ...base, outcomeUnknown: true }))).toBe(true);
    expect(isRetryable(new NasApiError(base))).toBe(false);
  });
});
