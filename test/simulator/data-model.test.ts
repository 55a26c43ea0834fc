// The per-volume data model: client writes advance a world-wide write sequence (`seq`),
// replication copies it at every transfer, stop's final sync carries the sender's data as of
// the request (release note 2025-05-27) and nothing later, so "zero data loss" is checkable.
import { describe, expect, it } from 'vitest';
import { nasTime } from '../../src/simulator/time-format.ts';
import { activeVolume, admin, connect, EMPTY_STATE, mirroredPair, snapshotsOf, stat, volumeIn } from './helpers.ts';

const MINUTE = 60_000;

describe('client writes', () => {
  it('advance seq through the admin endpoint; GET shows seq, time and writability', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const volume = await activeVolume(sim, api, 'files');
    expect((await admin(sim, 'GET', `/volumes/${volume.id}`)).body).toMatchObject({
      id: volume.id,
      name: 'files',
      region: 'KR1',
      status: 'ACTIVE',
      seq: 0,
      lastWriteAt: null,
      writable: true,
      readOnlyReason: null,
    });
    const first = await admin(sim, 'POST', `/volumes/${volume.id}/writes`);
    expect(first).toMatchObject({ status: 200, body: { seq: 1, lastWriteAt: nasTime(sim.now()) } });
    const more = await admin(sim, 'POST', `/volumes/${volume.id}/writes?region=kr1`, { count: 4, gb: 20 });
    expect(more.body.seq).toBe(5);
    expect(more.body.userDataGb).toBe(20);
    expect((await api.get(`/v1/volumes/${volume.id}/usage`)).body.usage.userDataGb).toBe(20);
    // The handle does the same.
    expect(sim.writeVolume(volume.id).seq).toBe(6);
    expect(sim.volumeData(volume.id, 'KR1')).toMatchObject({ seq: 6, writable: true });
    expect((await admin(sim, 'GET', '/volumes')).body.volumes.map((v: { name: string; seq: number }) => [v.name, v.seq])).toEqual([['files', 6]]);
  });

  it('numbers are world-wide: equal seq means equal data', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const a = await activeVolume(sim, api, 'a');
    const b = await activeVolume(sim, api, 'b');
    expect(sim.writeVolume(a.id).seq).toBe(1);
    expect(sim.writeVolume(b.id).seq).toBe(2);
    expect(sim.writeVolume(a.id).seq).toBe(3);
  });

  it('bad requests: one line naming the field, 404 for an unknown volume, 400 for an unknown region', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const volume = await activeVolume(sim, api, 'files');
    const bad = await admin(sim, 'POST', `/volumes/${volume.id}/writes`, { count: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('writes: writes.count must be at least 1 (got 0)');
    expect((await admin(sim, 'POST', `/volumes/${volume.id}/writes`, { size: 1 })).body.error).toContain('writes.size is not a known field');
    expect((await admin(sim, 'POST', '/volumes/nope/writes')).status).toBe(404);
    expect((await admin(sim, 'GET', '/volumes/nope')).status).toBe(404);
    const region = await admin(sim, 'GET', `/volumes/${volume.id}?region=KR9`);
    expect(region).toMatchObject({ status: 400, body: { error: expect.stringContaining('region must be one of KR1, KR2') } });
    expect((await admin(sim, 'GET', `/volumes/${volume.id}?region=KR2`)).status).toBe(404);
  });

  it('a replication target refuses writes (409 EROFS) until a stop hands it over', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { dstId, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    const refused = await admin(sim, 'POST', `/volumes/${dstId}/writes`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('EROFS');
    expect(refused.body.error).toMatch(/^EROFS: Read-only file system: volume app-data-dr .* in KR2: it receives replication of volume mirror .* from app-data \(KR1\)/);
    expect(() => sim.writeVolume(dstId)).toThrow(/EROFS/);
    expect(sim.volumeData(dstId)).toMatchObject({ writable: false, readOnlyReason: expect.stringContaining('receives replication') });
    await api.post(`${base}/stop`);
    // Still read-only while the stop's final sync runs.
    expect((await admin(sim, 'POST', `/volumes/${dstId}/writes`)).status).toBe(409);
    await sim.advance(10_000);
    expect((await admin(sim, 'POST', `/volumes/${dstId}/writes`)).status).toBe(200);
  });

  it('a volume that is not ACTIVE refuses writes with EIO', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const created = (await api.post('/v1/volumes', { volume: { name: 'new', sizeGb: 300, mountProtocol: { protocol: 'nfs' } } })).body.volume;
    expect(await admin(sim, 'POST', `/volumes/${created.id}/writes`)).toMatchObject({ status: 409, body: { code: 'EIO' } });
  });

  it('snapshots hold the seq and a restore returns to it', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const volume = await activeVolume(sim, api, 'files');
    sim.writeVolume(volume.id, { count: 3 });
    const snap = (await api.post(`/v1/volumes/${volume.id}/snapshots`, { snapshot: { name: 'at-3' } })).body.snapshot;
    sim.writeVolume(volume.id, { count: 2 });
    expect((await api.post(`/v1/volumes/${volume.id}/snapshots/${snap.id}/restore`)).status).toBe(200);
    expect(sim.volumeData(volume.id).seq).toBe(3);
    // New writes still get new numbers.
    expect(sim.writeVolume(volume.id).seq).toBe(6);
  });
});

describe('replication copies the write sequence', () => {
  it('at every transfer, and nothing in between', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source, dstId } = await mirroredPair(sim, api);
    sim.writeVolume(source.id, { count: 2 });
    await sim.advance(30_000); // setup: the first transfer
    expect(sim.volumeData(dstId).seq).toBe(2);
    sim.writeVolume(source.id);
    await sim.advance(30_000);
    expect(sim.volumeData(dstId).seq).toBe(2);
    await sim.advance(30_000); // the next periodic run
    expect(sim.volumeData(dstId)).toMatchObject({ seq: 3, lastWriteAt: sim.volumeData(source.id).lastWriteAt });
  });
});

describe('stop: the final sync covers the data up to the request', () => {
  it('writes before the stop request arrive on the replica; writes after it do not', async () => {
    const { sim, api, token } = await connect({ state: EMPTY_STATE });
    const { source, dstId, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE + 10_000); // ACTIVE; last transfer 40 s ago, the next one in 20 s
    sim.writeVolume(source.id, { count: 5 });
    const atRequest = sim.volumeData(source.id).seq;
    const requestedAt = sim.now();
    const stop = await fetch(`${sim.url}/kr1${base}/stop`, { method: 'POST', headers: { 'x-auth-token': token } });
    expect(stop.status).toBe(202);
    // Server time: the simulated clock, as runbooks read it.
    expect(stop.headers.get('date')).toBe(requestedAt.toUTCString());
    sim.writeVolume(source.id); // the source stays writable: nothing fences it
    await sim.advance(10_000);
    const halted = await stat(api, base);
    expect(halted).toMatchObject({ status: 'HALT', lastTransferStatus: 'SUCCESS' });
    expect(Date.parse(halted.lastSuccessTransferEndTime!)).toBe(requestedAt.getTime() + 10_000);
    expect(sim.volumeData(dstId)).toMatchObject({ seq: atRequest, writable: true });
    expect(sim.volumeData(source.id).seq).toBe(atRequest + 1);
  });

  it('takes finalSyncSeconds: UPDATING and no data until the sync ends', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE, timing: { finalSyncSeconds: 120 } });
    const { source, dstId, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    sim.writeVolume(source.id);
    const requestedAt = sim.now().getTime();
    await api.post(`${base}/stop`);
    await sim.advance(119_000);
    expect((await stat(api, base)).status).toBe('UPDATING');
    expect((await volumeIn(api, source.id, 'kr1')).mirrors[0]!.status).toBe('UPDATING');
    expect(sim.volumeData(dstId).seq).toBe(0);
    await sim.advance(1_000);
    const halted = await stat(api, base);
    expect(halted.status).toBe('HALT');
    expect(Date.parse(halted.lastSuccessTransferEndTime!)).toBe(requestedAt + 120_000);
    expect(sim.volumeData(dstId).seq).toBe(sim.volumeData(source.id).seq);
    // The MIRROR snapshot of the sync is as old as the request: it is what the sync copied.
    const [mirrorSnap] = (await snapshotsOf(api, dstId, 'kr2')).filter((s) => s.type === 'MIRROR');
    expect(Date.parse(mirrorSnap!.createdAt)).toBe(requestedAt);
  });

  it('a failed final sync leaves the replica behind and says so in /stat', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source, dstId, mirror, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    const before = await stat(api, base);
    sim.writeVolume(source.id);
    sim.setMirrorFault(mirror.id, { transferFails: true });
    await api.post(`${base}/stop`);
    await sim.advance(10_000);
    const halted = await stat(api, base);
    expect(halted).toMatchObject({ status: 'HALT', lastTransferStatus: 'FAILED', lastSuccessTransferEndTime: before.lastSuccessTransferEndTime });
    expect(sim.volumeData(dstId).seq).toBe(0);
  });
});

describe('the Date header', () => {
  it('carries the simulated clock on NAS, Identity and admin answers', async () => {
    const { sim } = await connect({ state: EMPTY_STATE });
    await sim.advance(3 * 3_600_000);
    for (const path of ['/kr1/v1/volumes', '/v2.0/tokens', '/_admin/clock']) {
      const res = await fetch(`${sim.url}${path}`);
      expect(res.headers.get('date'), path).toBe(sim.now().toUTCString());
    }
    expect(sim.now().toISOString()).toBe('2026-11-27T05:00:00.000Z');
  });
});
