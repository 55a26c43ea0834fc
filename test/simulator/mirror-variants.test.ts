// Mirror behaviour per switch (what NHN leaves open, failover-research.md §4): start and
// invert wiping the new destination (data, and snapshots per A5), invert on HALT pre-syncing
// or not (A4), which volume id / region each call accepts (A1), a region outage (hang,
// refuse, 503; replication stops) and stop with the peer region down (A3).
import { describe, expect, it, vi } from 'vitest';
import type { RunningSimulator, SimSwitchesInput } from '../../src/simulator/contract.ts';
import { admin, connect, EMPTY_STATE, expectFailure, mirroredPair, snapshotsOf, stat, volumeIn, type Nas } from './helpers.ts';

const MINUTE = 60_000;

/** A pair replicating (ACTIVE) with `seq` client writes on the source, all replicated. */
async function activePair(switches: SimSwitchesInput = {}) {
  const { sim, api, token } = await connect({ state: EMPTY_STATE, switches });
  const pair = await mirroredPair(sim, api);
  sim.writeVolume(pair.source.id, { count: 3 });
  await sim.advance(MINUTE);
  expect(sim.volumeData(pair.dstId).seq).toBe(3);
  return { sim, api, token, ...pair };
}

/** The same pair failed over: stopped (HALT), the replica writable. */
async function failedOverPair(switches: SimSwitchesInput = {}) {
  const pair = await activePair(switches);
  expect((await pair.api.post(`${pair.base}/stop`)).status).toBe(202);
  await pair.sim.advance(10_000);
  expect((await stat(pair.api, pair.base)).status).toBe('HALT');
  return pair;
}

const direction = async (api: Nas, id: string) => (await volumeIn(api, id, 'kr1')).mirrors[0]!;
const names = async (api: Nas, id: string, region: string) => (await snapshotsOf(api, id, region)).filter((s) => s.type !== 'MIRROR').map((s) => s.name);

describe('start wipes the destination', () => {
  it('its writes since the stop are replaced by the source data', async () => {
    const { sim, api, source, dstId, base } = await failedOverPair();
    sim.writeVolume(dstId, { count: 2 });
    expect((await api.post(`${base}/start`)).status).toBe(202);
    expect(sim.volumeData(dstId).writable).toBe(false);
    await sim.advance(10_000);
    expect((await stat(api, base)).status).toBe('ACTIVE');
    expect(sim.volumeData(dstId).seq).toBe(sim.volumeData(source.id).seq);
  });

  it.each([
    ['survive', ['drill-1']],
    ['newer-deleted', []],
    ['deleted', []],
  ] as const)('A5 %s: the destination keeps NORMAL snapshots %j', async (snapshotsOnWipe, kept) => {
    const { sim, api, dstId, base } = await failedOverPair({ snapshotsOnWipe });
    await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'drill-1' } }, 'kr2');
    await api.post(`${base}/start`);
    await sim.advance(10_000);
    expect(await names(api, dstId, 'kr2')).toEqual(kept);
  });

  it('only from HALT; UPDATING lasts mirrorUpdateSeconds', async () => {
    const { sim, api, base } = await failedOverPair();
    await admin(sim, 'POST', '/timing', { mirrorUpdateSeconds: 100 });
    await api.post(`${base}/start`);
    expectFailure(await api.post(`${base}/start`), 400, 'UPDATING');
    await sim.advance(99_000);
    expect((await stat(api, base)).status).toBe('UPDATING');
    await sim.advance(1_000);
    expect((await stat(api, base)).status).toBe('ACTIVE');
    expectFailure(await api.post(`${base}/start`), 400, 'ACTIVE');
  });
});

describe('invert-direction wipes the new destination', () => {
  it('after a failover (HALT): the original gets the replica data, the replica keeps its writes', async () => {
    const { sim, api, source, dstId, base } = await failedOverPair();
    const replicaSeq = sim.writeVolume(dstId, { count: 2 }).seq;
    sim.writeVolume(source.id); // a split-brain write on the unfenced original
    const requestedAt = sim.now().getTime();
    expect((await api.post(`${base}/invert-direction`)).status).toBe(202);
    await sim.advance(10_000);
    const view = await direction(api, source.id);
    expect(view).toMatchObject({ direction: 'REVERSE', status: 'INITIALIZED' });
    expect(Date.parse(view.directionChangedAt!)).toBeGreaterThanOrEqual(requestedAt);
    expect(sim.volumeData(dstId)).toMatchObject({ seq: replicaSeq, writable: true });
    expect(sim.volumeData(source.id)).toMatchObject({ seq: replicaSeq, writable: false });
  });

  it('on an ACTIVE pair: a final sync up to the request, then the flip; later source writes are wiped', async () => {
    const { sim, api, source, dstId, base } = await activePair();
    const atRequest = sim.writeVolume(source.id).seq;
    const requestedAt = sim.now().getTime();
    await api.post(`${base}/invert-direction`);
    sim.writeVolume(source.id); // after the request: not covered, and the source is wiped
    await sim.advance(10_000);
    expect(await stat(api, base)).toMatchObject({ status: 'UPDATING', lastSuccessTransferEndTime: expect.any(String) });
    expect(sim.volumeData(dstId).seq).toBe(atRequest);
    expect((await direction(api, source.id)).direction).toBe('FORWARD');
    await sim.advance(10_000);
    expect((await direction(api, source.id)).direction).toBe('REVERSE');
    const active = await stat(api, base);
    expect(active.status).toBe('ACTIVE');
    expect(Date.parse(active.lastSuccessTransferEndTime!)).toBeGreaterThanOrEqual(requestedAt);
    expect(sim.volumeData(source.id).seq).toBe(atRequest);
  });

  it('is a toggle: every call flips the direction and sets directionChangedAt', async () => {
    const { sim, api, source, base } = await failedOverPair();
    await api.post(`${base}/invert-direction`);
    await sim.advance(10_000);
    const first = await direction(api, source.id);
    await sim.advance(MINUTE);
    await api.post(`${base}/invert-direction`);
    await sim.advance(20_000);
    const second = await direction(api, source.id);
    expect([first.direction, second.direction]).toEqual(['REVERSE', 'FORWARD']);
    expect(Date.parse(second.directionChangedAt!) - Date.parse(first.directionChangedAt!)).toBe(MINUTE + 20_000);
  });

  it.each([
    ['survive', ['before-replication', 'pre-wipe']],
    ['newer-deleted', ['before-replication']],
    ['deleted', []],
  ] as const)('A5 %s: the original keeps NORMAL snapshots %j', async (snapshotsOnWipe, kept) => {
    const { sim, api } = await connect({ state: EMPTY_STATE, switches: { snapshotsOnWipe } });
    const pair = await mirroredPair(sim, api);
    await api.post(`/v1/volumes/${pair.source.id}/snapshots`, { snapshot: { name: 'before-replication' } });
    await sim.advance(MINUTE);
    await api.post(`${pair.base}/stop`);
    await sim.advance(10_000);
    await api.post(`/v1/volumes/${pair.source.id}/snapshots`, { snapshot: { name: 'pre-wipe' } });
    await api.post(`${pair.base}/invert-direction`);
    await sim.advance(10_000);
    expect(await names(api, pair.source.id, 'kr1')).toEqual(kept);
  });
});

describe('A4: invert on a HALT mirror', () => {
  it('no-presync (default): the promoted replica keeps its writes', async () => {
    const { sim, api, dstId, base } = await failedOverPair();
    const replicaSeq = sim.writeVolume(dstId).seq;
    await api.post(`${base}/invert-direction`);
    await sim.advance(10_000);
    expect(sim.volumeData(dstId).seq).toBe(replicaSeq);
  });

  it('presync: the old direction replicates first and overwrites the replica writes (the catastrophic case)', async () => {
    const { sim, api, source, dstId, base } = await failedOverPair({ invertOnHalt: 'presync', snapshotsOnWipe: 'survive' });
    const originalSeq = sim.volumeData(source.id).seq;
    const replicaSeq = sim.writeVolume(dstId, { count: 2 }).seq;
    const guard = (await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'pre-invert' } }, 'kr2')).body.snapshot;
    await api.post(`${base}/invert-direction`);
    // The pre-sync makes the replica a read-only receiver again at once.
    expect(sim.volumeData(dstId).writable).toBe(false);
    await sim.advance(10_000); // the final sync in the old direction
    expect(sim.volumeData(dstId).seq).toBe(originalSeq);
    expect((await direction(api, source.id)).direction).toBe('FORWARD');
    await sim.advance(10_000); // the flip
    expect((await direction(api, source.id)).direction).toBe('REVERSE');
    expect(sim.volumeData(dstId)).toMatchObject({ seq: originalSeq, writable: true });
    expect(sim.volumeData(source.id).seq).toBe(originalSeq);
    expect(replicaSeq).toBeGreaterThan(originalSeq);
    // With snapshots surviving, the guard snapshot still holds the lost writes.
    expect((await snapshotsOf(api, dstId, 'kr2')).find((s) => s.id === guard.id)).toBeDefined();
  });

  it('presync with newer-deleted: the guard snapshot taken after the stop is gone too', async () => {
    const { sim, api, dstId, base } = await failedOverPair({ invertOnHalt: 'presync' });
    sim.writeVolume(dstId);
    await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'pre-invert' } }, 'kr2');
    await api.post(`${base}/invert-direction`);
    await sim.advance(20_000);
    expect(await names(api, dstId, 'kr2')).toEqual([]);
  });
});

describe('A1: which volume id and region each mirror call accepts', () => {
  it('either (default): both sides, each through its own region; never the other region', async () => {
    const { api, mirror, source, dstId, base, dstBase } = await activePair();
    expect((await stat(api, base, 'kr1')).status).toBe('ACTIVE');
    expect((await stat(api, dstBase, 'kr2')).status).toBe('ACTIVE');
    expectFailure(await api.get(`${dstBase}/stat`, 'kr1'), 404, dstId);
    expectFailure(await api.get(`/v1/volumes/${source.id}/volume-mirrors/${mirror.id}/stat`, 'kr2'), 404, source.id);
  });

  it('source: only the original volume id in its region (400 for the replica)', async () => {
    const { sim, api, base, dstBase } = await activePair({ mirrorCallVolume: 'source' });
    for (const call of ['stop', 'start', 'invert-direction']) {
      expectFailure(await api.post(`${dstBase}/${call}`, undefined, 'kr2'), 400, 'is not the source volume');
    }
    expectFailure(await api.get(`${dstBase}/stat`, 'kr2'), 400, 'is not the source volume');
    expectFailure(await api.del(dstBase, 'kr2'), 400, 'is not the source volume');
    expect((await api.post(`${base}/stop`)).status).toBe(202);
    await sim.advance(10_000);
    expect((await stat(api, base)).status).toBe('HALT');
    // Still the original after an invert.
    await api.post(`${base}/invert-direction`);
    await sim.advance(10_000);
    expect((await stat(api, base)).status).toBe('ACTIVE');
    expectFailure(await api.get(`${dstBase}/stat`, 'kr2'), 400);
  });

  it('writer: only the sending side, which changes with the direction', async () => {
    const { sim, api, base, dstBase } = await failedOverPair({ mirrorCallVolume: 'writer' });
    expectFailure(await api.post(`${dstBase}/invert-direction`, undefined, 'kr2'), 400, 'is not the replicating (sending) volume');
    expect((await api.post(`${base}/invert-direction`)).status).toBe(202);
    await sim.advance(10_000);
    // REVERSE: now the replica writes.
    expectFailure(await api.get(`${base}/stat`), 400, 'replicating (sending)');
    expect((await stat(api, dstBase, 'kr2')).status).toBe('ACTIVE');
    expect((await api.post(`${dstBase}/stop`, undefined, 'kr2')).status).toBe(202);
  });

  it('mirrorCallRejectStatus 404: a refused side looks like a missing mirror', async () => {
    const { api, mirror, dstBase, dstId } = await activePair({ mirrorCallVolume: 'source', mirrorCallRejectStatus: 404 });
    expectFailure(await api.get(`${dstBase}/stat`, 'kr2'), 404, `Volume mirror ${mirror.id} not found on volume ${dstId}`);
  });

  it('per call: stat on either side, mutations on the writer only', async () => {
    const { sim, api, base, dstBase } = await activePair({ mirrorCallVolume: { stop: 'writer', start: 'writer', invert: 'writer' } });
    expect(sim.switches().mirrorCallVolume).toEqual({ stat: 'either', stop: 'writer', start: 'writer', invert: 'writer', delete: 'either' });
    expect((await stat(api, dstBase, 'kr2')).status).toBe('ACTIVE');
    expectFailure(await api.post(`${dstBase}/stop`, undefined, 'kr2'), 400);
    expect((await api.post(`${base}/stop`)).status).toBe(202);
  });
});

/** A request that hangs: held by the simulator, never settled; aborted afterwards. */
async function expectHang(sim: RunningSimulator, url: string, init: RequestInit = {}) {
  const controller = new AbortController();
  let settled = false;
  const pending = fetch(url, { ...init, signal: controller.signal }).finally(() => (settled = true));
  await vi.waitFor(async () => expect((await admin(sim, 'GET', '/held')).body.held).toBe(1), { timeout: 10_000 });
  expect(settled).toBe(false);
  controller.abort();
  await expect(pending).rejects.toThrow();
}

describe('region outage', () => {
  it('hang: requests to that region never answer; the other region and Identity do', async () => {
    const { sim, api, token } = await connect({ state: EMPTY_STATE, switches: { outage: { KR1: 'hang' } } });
    await expectHang(sim, `${sim.url}/kr1/v1/volumes`, { headers: { 'x-auth-token': token } });
    expect((await api.get('/v1/volumes', 'kr2')).status).toBe(200);
    const identity = await fetch(`${sim.identityUrl}/v2.0/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { tenantId: sim.credentials.tenantId, passwordCredentials: { username: sim.credentials.username, password: sim.credentials.password } } }),
    });
    expect(identity.status).toBe(200);
    sim.setSwitches({ outage: { KR1: 'none' } });
    expect((await api.get('/v1/volumes', 'kr1')).status).toBe(200);
  });

  it('refuse: the connection is dropped at once, nothing is held', async () => {
    const { sim, api, token } = await connect({ state: EMPTY_STATE, switches: { outage: { KR2: 'refuse' } } });
    await expect(fetch(`${sim.url}/kr2/v1/volumes`, { headers: { 'x-auth-token': token } })).rejects.toThrow();
    expect((await admin(sim, 'GET', '/held')).body.held).toBe(0);
    expect((await api.get('/v1/volumes', 'kr1')).status).toBe(200);
  });

  it('unavailable: 503 in the NAS envelope', async () => {
    const { api } = await connect({ state: EMPTY_STATE, switches: { outage: { KR1: 'unavailable' } } });
    expectFailure(await api.get('/v1/volumes'), 503);
  });

  it('stops replication: no transfer, RETRIEVE FAILED from the other side; it resumes when the region is back', async () => {
    const { sim, api, source, dstId, dstBase } = await activePair();
    const before = await stat(api, dstBase, 'kr2');
    await admin(sim, 'POST', '/switches', { outage: { KR1: 'hang' } });
    sim.writeVolume(source.id); // clients inside the region still write: the unreplicated tail
    await sim.advance(5 * MINUTE);
    expect(await stat(api, dstBase, 'kr2')).toMatchObject({ status: 'RETRIEVE FAILED', lastSuccessTransferEndTime: null });
    expect(sim.volumeData(dstId).seq).toBe(3);
    sim.setSwitches({ outage: { KR1: 'none' } });
    const resumed = await stat(api, dstBase, 'kr2');
    expect(resumed).toMatchObject({ status: 'ACTIVE', lastSuccessTransferEndTime: before.lastSuccessTransferEndTime });
    await sim.advance(MINUTE);
    expect(sim.volumeData(dstId).seq).toBe(4);
  });

  it('start, invert and a new mirror into the dark region fail (500); DELETE works', async () => {
    const { sim, api, dstBase } = await failedOverPair();
    sim.setSwitches({ outage: { KR1: 'refuse' } });
    expectFailure(await api.post(`${dstBase}/start`, undefined, 'kr2'), 500, 'KR1');
    expectFailure(await api.post(`${dstBase}/invert-direction`, undefined, 'kr2'), 500, 'KR1');
    // A HALT mirror is known locally: /stat still answers.
    expect((await stat(api, dstBase, 'kr2')).status).toBe('HALT');
    expect((await api.del(dstBase, 'kr2')).status).toBe(202);
    const other = await api.post('/v1/volumes', { volume: { name: 'kr2-vol', sizeGb: 300, mountProtocol: { protocol: 'nfs' } } }, 'kr2');
    await sim.advance(MINUTE);
    const create = await api.post(
      `/v1/volumes/${other.body.volume.id}/volume-mirrors`,
      { volumeMirror: { dstRegion: 'KR1', dstTenantId: sim.credentials.tenantId, dstVolume: { name: 'x-dr', sizeGb: 300, mountProtocol: { protocol: 'nfs' } } } },
      'kr2',
    );
    expectFailure(create, 500, 'KR1');
  });
});

describe('A3: stop with the source region down', () => {
  it('fails: 500 naming the region; nothing changes', async () => {
    const { sim, api, base, dstBase } = await activePair({ stopWithPeerDown: 'fails' });
    sim.setSwitches({ outage: { KR1: 'hang' } });
    expectFailure(await api.post(`${dstBase}/stop`, undefined, 'kr2'), 500, 'Failed to contact the peer region KR1');
    sim.setSwitches({ outage: { KR1: 'none' } });
    expect((await stat(api, base)).status).toBe('ACTIVE');
  });

  it('hangs: no answer and no effect', async () => {
    const { sim, api, token, base, dstBase } = await activePair({ stopWithPeerDown: 'hangs' });
    sim.setSwitches({ outage: { KR1: 'hang' } });
    await expectHang(sim, `${sim.url}/kr2${dstBase}/stop`, { method: 'POST', headers: { 'x-auth-token': token } });
    await sim.advance(MINUTE);
    sim.setSwitches({ outage: { KR1: 'none' } });
    expect((await stat(api, base)).status).toBe('ACTIVE');
  });

  it('works: HALT on the destination without the final sync; the source tail is not copied', async () => {
    const { sim, api, source, dstId, dstBase } = await activePair({ stopWithPeerDown: 'works' });
    const replicated = await stat(api, dstBase, 'kr2');
    sim.writeVolume(source.id, { count: 2 }); // the tail, never replicated
    sim.setSwitches({ outage: { KR1: 'refuse' } });
    const requestedAt = sim.now().getTime();
    expect((await api.post(`${dstBase}/stop`, undefined, 'kr2')).status).toBe(202);
    expect((await stat(api, dstBase, 'kr2')).status).toBe('RETRIEVE FAILED');
    await sim.advance(10_000);
    const halted = await stat(api, dstBase, 'kr2');
    expect(halted).toMatchObject({ status: 'HALT', lastTransferStatus: 'FAILED', lastSuccessTransferEndTime: replicated.lastSuccessTransferEndTime });
    expect(Date.parse(halted.lastSuccessTransferEndTime!)).toBeLessThan(requestedAt);
    expect(sim.volumeData(dstId)).toMatchObject({ seq: 3, writable: true });
    expect(sim.volumeData(source.id).seq).toBe(5);
  });
});
