// listAllVolumes walks limit/page against the simulator until totalCount is covered.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { clientFor, CREDENTIALS, identityFor, requestsTo, startTestSimulator } from './support.ts';

let sim: RunningSimulator;
const NAMES = Array.from({ length: 7 }, (_, i) => `vol-${String(i + 1).padStart(2, '0')}`);

beforeAll(async () => {
  sim = await startTestSimulator({
    state: { credentials: CREDENTIALS, regions: { KR1: { volumes: NAMES.map((name) => ({ name, sizeGb: 300 })) } } },
  });
});
afterAll(async () => {
  await sim?.close();
});

it('collects every volume across pages of 2', async () => {
  const client = clientFor(sim, identityFor(sim));
  const volumes = await client.listAllVolumes({ limit: 2, sort: 'name:asc' });
  expect(volumes.map((v) => v.name)).toEqual(NAMES);
  // 7 volumes, 2 per page: exactly 4 pages, no extra empty one.
  expect(requestsTo(sim, 'GET /v1/volumes')).toHaveLength(4);
});

it('keeps filters while walking', async () => {
  const client = clientFor(sim, identityFor(sim));
  expect((await client.listAllVolumes({ limit: 2, nameContains: 'vol-0' })).map((v) => v.name).sort()).toEqual(NAMES);
  expect(await client.listAllVolumes({ limit: 2, name: 'vol-03' })).toHaveLength(1);
});
