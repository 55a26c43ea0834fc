// The service catalog is read only for the `nasv1` entry the client uses: other services'
// entries in any shape (no type, no region, `endpoints: null`, a null entry) never fail a token
// request; a broken NAS entry fails only what needs a NAS endpoint, with one line naming the field.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNasEndpoint, IdentityClient } from '../../src/nas/identity.ts';
import { NasClient } from '../../src/nas/client.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { clientFor, FAST_RETRY, failure, identityFor, startTestSimulator, tokenRequests, VOL_LOGS } from './support.ts';

describe('against the simulator with odd catalog entries (quirks oddCatalog)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ quirks: { oddCatalog: true } });
  });
  afterAll(() => sim.close());

  it('issues the token and reaches NAS through the nasv1 entry', async () => {
    const identity = identityFor(sim);
    const catalog = await identity.getServiceCatalog();
    expect(catalog).toContain(null);
    expect(catalog).toContainEqual({ type: 'object-store', name: 'swift', endpoints: null });
    expect((await clientFor(sim, identity).getVolume(VOL_LOGS)).name).toBe('logs');
    expect(tokenRequests(sim)).toBe(1);
  });
});

describe('a NAS entry that cannot serve the region', () => {
  // A tiny Identity that answers whatever catalog the test sets.
  let server: Server;
  let url: string;
  let catalog: unknown;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access: { token: { id: 'tok-1', expires: '2099-01-01T00:00:00Z' }, serviceCatalog: catalog } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const identity = () => new IdentityClient({ identityUrl: url, tenantId: 't', username: 'u', password: 'p4ssword' }, { retry: FAST_RETRY });

  it('still issues the token when the catalog is null, and fails only the NAS call, with one line', async () => {
    catalog = null;
    const id = identity();
    expect(await id.getToken()).toBe('tok-1');
    const err = await failure(new NasClient({ identity: id, region: 'KR1', retry: FAST_RETRY }).getVolume(VOL_LOGS));
    expect(err).toMatchObject({ kind: 'endpoint', retryable: false });
    expect(err.message).toBe('the service catalog has no NAS (nasv1) entry; is NAS enabled for this tenant? (types offered: none)');
  });

  it('names a nasv1 entry with endpoints null', async () => {
    catalog = [{ type: 'dns' }, { type: 'nasv1', name: 'nas', endpoints: null }];
    const err = await failure(new NasClient({ identity: identity(), region: 'KR1', retry: FAST_RETRY }).getVolume(VOL_LOGS));
    expect(err.message).toBe('no NAS (nasv1) endpoint for region KR1 in the service catalog (it offers: none; unreadable: nasv1 entry has endpoints null)');
  });

  it('an explicit NAS endpoint (NAS_API_URL) needs no catalog at all', async () => {
    catalog = [{ type: 'nasv1', endpoints: 'garbage' }];
    const sim = await startTestSimulator();
    try {
      const client = new NasClient({ identity: identity(), region: 'KR1', retry: FAST_RETRY, endpointOverride: `${sim.url}/kr1` });
      // The simulator does not know this Identity's token: a 401 proves the request was sent.
      const err = await failure(client.getVolume(VOL_LOGS));
      expect(err).toMatchObject({ kind: 'status', httpStatus: 401 });
    } finally {
      await sim.close();
    }
  });
});

describe('findNasEndpoint', () => {
  it('ignores other entries whatever their shape', () => {
    const catalog = [
      null,
      'text',
      { name: 'no-type' },
      { type: 'object-store', endpoints: null },
      { type: 'dns', endpoints: [{ publicURL: 'https://dns' }] },
      { type: 'nasv1', endpoints: [{ region: 'KR1', publicURL: 'https://nas-kr1/' }] },
    ];
    expect(findNasEndpoint(catalog, 'KR1')).toEqual({ ok: true, url: 'https://nas-kr1' });
    expect(findNasEndpoint(catalog.slice(0, 5), 'KR1')).toEqual({
      ok: false,
      message: 'the service catalog has no NAS (nasv1) entry; is NAS enabled for this tenant? (types offered: object-store, dns)',
    });
  });

  it('passes over an unreadable nasv1 endpoint, and names it when no readable one serves the region', () => {
    const catalog = [{ type: 'nasv1', endpoints: [{ region: null, publicURL: 'https://x' }, { region: 'KR2' }, { region: 'KR1', publicURL: 'https://nas-kr1' }] }];
    expect(findNasEndpoint(catalog, 'KR1')).toEqual({ ok: true, url: 'https://nas-kr1' });
    expect(findNasEndpoint(catalog, 'KR3')).toEqual({
      ok: false,
      message:
        'no NAS (nasv1) endpoint for region KR3 in the service catalog (it offers: KR1; unreadable: nasv1 entry endpoints[0].region is null; nasv1 entry endpoints[1].publicURL is missing or not a string)',
    });
  });
});
