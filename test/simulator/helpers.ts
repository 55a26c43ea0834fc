// Shared test plumbing: an in-process simulator on a manual clock, and a tiny HTTP client
// that speaks to it through real sockets with global fetch.
import { afterEach, expect } from 'vitest';
import { HeaderOnlyResponse, MirrorStatResponse, SnapshotListResponse, VolumeResponse } from '../../src/nas/schemas.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator, SimulatorStartOptions } from '../../src/simulator/contract.ts';

export const START = '2026-11-27T02:00:00Z'; // a Friday, 11:00 in KST

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A simulator closed automatically after the test. */
export async function simulator(opts: SimulatorStartOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ clock: 'manual', startTime: START, seed: 7, ...opts });
  running.push(sim);
  return sim;
}

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function issueToken(sim: RunningSimulator): Promise<string> {
  const { tenantId, username, password } = sim.credentials;
  const res = await fetch(`${sim.identityUrl}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { tenantId, passwordCredentials: { username, password } } }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { access: { token: { id: string } } }).access.token.id;
}

/** A NAS client bound to one simulator and token. */
export function nas(sim: RunningSimulator, token: string | undefined) {
  const call = async (method: string, path: string, body?: unknown, region = 'kr1'): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['x-auth-token'] = token;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${sim.url}/${region}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    call,
    get: (path: string, region?: string) => call('GET', path, undefined, region),
    post: (path: string, body?: unknown, region?: string) => call('POST', path, body, region),
    patch: (path: string, body: unknown, region?: string) => call('PATCH', path, body, region),
    del: (path: string, region?: string) => call('DELETE', path, undefined, region),
  };
}

export type Nas = ReturnType<typeof nas>;

export async function connect(opts: SimulatorStartOptions = {}) {
  const sim = await simulator(opts);
  const token = await issueToken(sim);
  return { sim, token, api: nas(sim, token) };
}

/** A valid create-volume body. */
export function volumeBody(name: string, sizeGb = 300, extra: Record<string, unknown> = {}) {
  return { volume: { name, sizeGb, mountProtocol: { protocol: 'nfs' }, ...extra } };
}

/** An empty world (no demo volumes); tokens outlive the long simulated waits of the tests. */
export const EMPTY_STATE = {
  credentials: { tenantId: 'tenant-1', username: 'user@example.com', password: 'secret-pw' },
  tokenTtlSeconds: 10 * 365 * 86_400,
  regions: {},
};

/** Creates a volume and waits (simulated) until it is ACTIVE. */
export async function activeVolume(sim: RunningSimulator, api: Nas, name: string, sizeGb = 300, extra: Record<string, unknown> = {}) {
  const created = await api.post('/v1/volumes', volumeBody(name, sizeGb, extra));
  if (created.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(created.body)}`);
  await sim.advance(60_000);
  return created.body.volume as { id: string; name: string };
}

/** Asserts a NAS failure: HTTP status, envelope mirroring it, and a message naming `mentions`. */
export function expectFailure(answer: Answer, status: number, ...mentions: string[]): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(HeaderOnlyResponse.parse(answer.body).header).toMatchObject({ isSuccessful: false, resultCode: status });
  for (const text of mentions) expect(answer.body.header.resultMessage).toContain(text);
}

/** A plain-JSON call to the simulator's /_admin API. */
export async function admin(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sim.url}/_admin${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** Volume "app-data" in KR1 replicated to a new "app-data-dr" in KR2 (PENDING; ACTIVE after the setup delay). */
export async function mirroredPair(sim: RunningSimulator, api: Nas) {
  const source = await activeVolume(sim, api, 'app-data', 300);
  const created = await api.post(`/v1/volumes/${source.id}/volume-mirrors`, {
    volumeMirror: {
      dstRegion: 'KR2',
      dstTenantId: sim.credentials.tenantId,
      dstVolume: { name: 'app-data-dr', sizeGb: 300, mountProtocol: { protocol: 'nfs' } },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const mirror = created.body.volumeMirror;
  return {
    source,
    mirror,
    dstId: mirror.dstVolumeId as string,
    base: `/v1/volumes/${source.id}/volume-mirrors/${mirror.id}`,
    dstBase: `/v1/volumes/${mirror.dstVolumeId}/volume-mirrors/${mirror.id}`,
  };
}

export async function stat(api: Nas, path: string, region = 'kr1') {
  const answer = await api.get(`${path}/stat`, region);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  MirrorStatResponse.parse(answer.body);
  // As sent (the client's schema would turn null figures into undefined).
  return answer.body.volumeMirrorStat as { status: string; lastTransferStatus: string | null; lastTransferEndTime: string | null; lastSuccessTransferEndTime: string | null; lastTransferBytes: number | null; lastSuccessTransferBytes: number | null };
}

export const volumeIn = async (api: Nas, id: string, region: string) => VolumeResponse.parse((await api.get(`/v1/volumes/${id}`, region)).body).volume;

export const snapshotsOf = async (api: Nas, id: string, region: string) =>
  SnapshotListResponse.parse((await api.get(`/v1/volumes/${id}/snapshots`, region)).body).snapshots;
