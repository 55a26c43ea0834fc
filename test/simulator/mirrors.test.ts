// Replication: setup, periodic MIRROR snapshots, stop (failover), start, invert, delete,
// the two status vocabularies, and mirror faults.
import { describe, expect, it } from 'vitest';
import { VolumeListResponse } from '../../src/nas/schemas.ts';
import { activeVolume, connect, EMPTY_STATE, expectFailure, mirroredPair, snapshotsOf, stat, volumeIn } from './helpers.ts';

const MINUTE = 60_000;

describe('mirror setup', () => {
  it('creates the destination in the other region; PENDING → INITIALIZED and /stat PENDING → ACTIVE', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source, mirror, dstId, base } = await mirroredPair(sim, api);
    expect(mirror).toMatchObject({ status: 'PENDING', role: 'SOURCE', srcVolumeName: 'app-data', dstVolumeName: 'app-data-dr' });
    expect((await stat(api, base)).status).toBe('PENDING');
    const dst = await volumeIn(api, dstId, 'kr2');
    expect(dst).toMatchObject({ name: 'app-data-dr', sizeGb: 300 });
    expect(dst.mirrors[0]).toMatchObject({ id: mirror.id, role: 'DESTINATION', status: 'PENDING' });

    await sim.advance(MINUTE);
    expect((await volumeIn(api, source.id, 'kr1')).mirrors[0]!.status).toBe('INITIALIZED');
    const active = await stat(api, base);
    expect(active).toMatchObject({ status: 'ACTIVE', lastTransferStatus: 'SUCCESS' });
    expect(active.lastTransferBytes).toEqual(active.lastSuccessTransferBytes);
    // The destination id works too, through its own region.
    expect((await stat(api, `/v1/volumes/${dstId}/volume-mirrors/${mirror.id}`, 'kr2')).status).toBe('ACTIVE');
  });

  it('mirror operations on a volume without that mirror → 404', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { mirror } = await mirroredPair(sim, api);
    const other = await activeVolume(sim, api, 'unrelated');
    for (const action of ['stop', 'start', 'invert-direction']) {
      expectFailure(await api.post(`/v1/volumes/${other.id}/volume-mirrors/${mirror.id}/${action}`), 404, mirror.id);
    }
    expectFailure(await api.get(`/v1/volumes/${other.id}/volume-mirrors/${mirror.id}/stat`), 404);
    expectFailure(await api.del(`/v1/volumes/${other.id}/volume-mirrors/${mirror.id}`), 404);
  });
});

describe('replication runs', () => {
  it('every minute: a preserved MIRROR snapshot "{volume}.mirror.*" on both sides, rotated, and fresh stats', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source, dstId, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    const first = await stat(api, base);
    const [mirrorSnap] = await snapshotsOf(api, source.id, 'kr1');
    expect(mirrorSnap).toMatchObject({ type: 'MIRROR', preserved: true, name: expect.stringMatching(/^app-data\.mirror\./) });
    expect((await snapshotsOf(api, dstId, 'kr2')).map((s) => s.name)).toEqual([mirrorSnap!.name]);

    await sim.advance(MINUTE);
    const second = await stat(api, base);
    expect(Date.parse(second.lastTransferEndTime!)).toBe(Date.parse(first.lastTransferEndTime!) + MINUTE);
    const now = await snapshotsOf(api, source.id, 'kr1');
    expect(now).toHaveLength(1);
    expect(now[0]!.name).not.toBe(mirrorSnap!.name);
  });

  it('MIRROR snapshots cannot be deleted', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    const [mirrorSnap] = await snapshotsOf(api, source.id, 'kr1');
    expectFailure(await api.del(`/v1/volumes/${source.id}/snapshots/${mirrorSnap!.id}`), 400, mirrorSnap!.name);
  });

  it('the destination is read-only while replication runs', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { dstId } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    expectFailure(await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 's' } }, 'kr2'), 400, 'read-only');
    expectFailure(await api.patch(`/v1/volumes/${dstId}`, { volume: { sizeGb: 400 } }, 'kr2'), 400, 'volume.sizeGb');
  });

  it('a resized source makes transfers fail until the destination matches', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    const good = await stat(api, base);
    await api.patch(`/v1/volumes/${source.id}`, { volume: { sizeGb: 400 } });
    await sim.advance(MINUTE);
    const failed = await stat(api, base);
    expect(failed).toMatchObject({ status: 'ACTIVE', lastTransferStatus: 'FAILED', lastSuccessTransferEndTime: good.lastTransferEndTime });
  });

  it('a source with a mirror cannot be deleted', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    expectFailure(await api.del(`/v1/volumes/${source.id}`), 400, 'replication');
  });
});

describe('stop, start, invert, delete', () => {
  it('stop: UPDATING, then a final sync and HALT; the destination becomes writable', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source, dstId, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE + 30_000);
    expect((await api.post(`${base}/stop`)).status).toBe(202);
    expect((await stat(api, base)).status).toBe('UPDATING');
    expect((await volumeIn(api, source.id, 'kr1')).mirrors[0]!.status).toBe('UPDATING');
    expectFailure(await api.post(`${base}/stop`), 400, 'UPDATING');
    await sim.advance(10_000);
    const halted = await stat(api, base);
    expect(halted.status).toBe('HALT');
    // The final sync happened at the stop's completion, not at the last periodic run.
    expect(halted.lastTransferEndTime).toBe(new Date(sim.now()).toISOString().slice(0, 19) + '+00:00');
    expect((await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'after-failover' } }, 'kr2')).status).toBe(201);
    // No replication while halted.
    await sim.advance(5 * MINUTE);
    expect((await stat(api, base)).lastTransferEndTime).toBe(halted.lastTransferEndTime);
    expectFailure(await api.post(`${base}/stop`), 400, 'HALT');
  });

  it('start: destination read-only again, its changes discarded, ACTIVE', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { dstId, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    expectFailure(await api.post(`${base}/start`), 400, 'ACTIVE');
    await api.post(`${base}/stop`);
    await sim.advance(10_000);
    await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'written-on-dr' } }, 'kr2');
    expect((await api.post(`${base}/start`)).status).toBe(202);
    expectFailure(await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'x' } }, 'kr2'), 400, 'read-only');
    await sim.advance(10_000);
    expect((await stat(api, base)).status).toBe('ACTIVE');
    const dstSnapshots = await snapshotsOf(api, dstId, 'kr2');
    expect(dstSnapshots.map((s) => s.type)).toEqual(['MIRROR']);
  });

  it('invert-direction: REVERSE with directionChangedAt; the source becomes the read-only receiver', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source, dstId, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    await api.post(`${base}/stop`);
    await sim.advance(10_000);
    expect((await api.post(`${base}/invert-direction`)).status).toBe(202);
    await sim.advance(10_000);
    const view = (await volumeIn(api, source.id, 'kr1')).mirrors[0]!;
    expect(view).toMatchObject({ direction: 'REVERSE', role: 'SOURCE', status: 'INITIALIZED' });
    expect(view.directionChangedAt).toMatch(/\+00:00$/);
    expect((await stat(api, base)).status).toBe('ACTIVE');
    expectFailure(await api.post(`/v1/volumes/${source.id}/snapshots`, { snapshot: { name: 'x' } }), 400, 'read-only');
    expect((await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'on-dr' } }, 'kr2')).status).toBe(201);
    await sim.advance(MINUTE);
    const mirrorSnaps = (await snapshotsOf(api, dstId, 'kr2')).filter((s) => s.type === 'MIRROR');
    expect(mirrorSnaps[0]!.name).toMatch(/^app-data-dr\.mirror\./);
    // Invert back: FORWARD again (from ACTIVE: the final sync, 10 s, then the flip, 10 s).
    await api.post(`${base}/invert-direction`);
    await sim.advance(20_000);
    expect((await volumeIn(api, source.id, 'kr1')).mirrors[0]!.direction).toBe('FORWARD');
  });

  it('delete: DELETING, then gone from both volumes with their MIRROR snapshots; both writable', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { source, dstId, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    expect((await api.del(base)).status).toBe(202);
    expect((await volumeIn(api, dstId, 'kr2')).mirrors[0]!.status).toBe('DELETING');
    await sim.advance(MINUTE);
    expect((await volumeIn(api, source.id, 'kr1')).mirrors).toEqual([]);
    expect((await volumeIn(api, dstId, 'kr2')).mirrors).toEqual([]);
    expect(await snapshotsOf(api, source.id, 'kr1')).toEqual([]);
    expect((await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'mine' } }, 'kr2')).status).toBe(201);
    expectFailure(await api.get(`${base}/stat`), 404);
  });
});

describe('mirror faults', () => {
  it('retrieveFailed: /stat says "RETRIEVE FAILED" with null figures until cleared', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { mirror, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    sim.setMirrorFault(mirror.id, { retrieveFailed: true });
    expect(await stat(api, base)).toMatchObject({ status: 'RETRIEVE FAILED', lastTransferEndTime: null });
    sim.setMirrorFault(mirror.id, { retrieveFailed: false });
    expect((await stat(api, base)).status).toBe('ACTIVE');
  });

  it('halt: HALT with a FAILED last transfer; start resumes', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { mirror, base, dstId } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    sim.setMirrorFault(mirror.id, { halt: true });
    expect(await stat(api, base)).toMatchObject({ status: 'HALT', lastTransferStatus: 'FAILED' });
    // Broken off, not failed over: the destination stays read-only.
    expectFailure(await api.post(`/v1/volumes/${dstId}/snapshots`, { snapshot: { name: 'x' } }, 'kr2'), 400, 'read-only');
    await api.post(`${base}/start`);
    await sim.advance(10_000);
    expect(await stat(api, base)).toMatchObject({ status: 'ACTIVE', lastTransferStatus: 'SUCCESS' });
  });

  it('halt: false heals a halt fault at once, but does not undo a user stop', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { mirror, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    sim.setMirrorFault(mirror.id, { halt: true });
    await sim.advance(5 * MINUTE);
    sim.setMirrorFault(mirror.id, { halt: false });
    expect(await stat(api, base)).toMatchObject({ status: 'ACTIVE', lastTransferStatus: 'SUCCESS' });
    await api.post(`${base}/stop`);
    await sim.advance(10_000);
    sim.setMirrorFault(mirror.id, { halt: false });
    expect((await stat(api, base)).status).toBe('HALT');
  });

  it('transferFails via the admin endpoint: FAILED runs keep the last success', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE });
    const { mirror, base } = await mirroredPair(sim, api);
    await sim.advance(MINUTE);
    const good = await stat(api, base);
    const res = await fetch(`${sim.url}/_admin/mirrors/${mirror.id}/fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transferFails: true }),
    });
    expect(res.status).toBe(200);
    await sim.advance(MINUTE);
    expect(await stat(api, base)).toMatchObject({
      status: 'ACTIVE',
      lastTransferStatus: 'FAILED',
      lastSuccessTransferEndTime: good.lastSuccessTransferEndTime,
    });
  });
});

describe('the demo state', () => {
  it('has prod-web replicated to KR2 with a MIRROR snapshot and prod-db with a SCHEDULED one', async () => {
    const { api } = await connect();
    const kr1 = VolumeListResponse.parse((await api.get('/v1/volumes')).body).volumes;
    expect(kr1.map((v) => [v.name, v.sizeGb])).toEqual([
      ['prod-db', 500],
      ['prod-web', 300],
      ['staging-files', 300],
    ]);
    const web = kr1.find((v) => v.name === 'prod-web')!;
    expect(web.mirrors[0]).toMatchObject({ role: 'SOURCE', dstRegion: 'KR2', dstVolumeName: 'prod-web-dr', status: 'INITIALIZED' });
    const webSnaps = await snapshotsOf(api, web.id, 'kr1');
    expect(webSnaps.some((s) => s.type === 'MIRROR' && s.name.startsWith('prod-web.mirror.'))).toBe(true);
    const db = kr1.find((v) => v.name === 'prod-db')!;
    const dbSnaps = await snapshotsOf(api, db.id, 'kr1');
    expect(dbSnaps.map((s) => s.type)).toEqual(['NORMAL', 'SCHEDULED', 'SCHEDULED']);
    const kr2 = VolumeListResponse.parse((await api.get('/v1/volumes', 'kr2')).body).volumes;
    expect(kr2.map((v) => v.name)).toEqual(['prod-web-dr']);
    expect(kr2[0]!.mirrors[0]!.role).toBe('DESTINATION');
    expect((await stat(api, `/v1/volumes/${web.id}/volume-mirrors/${web.mirrors[0]!.id}`)).status).toBe('ACTIVE');
  });
});
