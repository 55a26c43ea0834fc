// Each request rule of the spec: 400, the envelope mirroring it, and a message naming the field.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { activeVolume, connect, EMPTY_STATE, expectFailure, volumeBody, type Nas } from './helpers.ts';

let sim: RunningSimulator;
let api: Nas;
let token: string;
beforeEach(async () => {
  ({ sim, api, token } = await connect({ state: EMPTY_STATE }));
});

const createWith = (volume: Record<string, unknown>) => api.post('/v1/volumes', { volume });
const base = { name: 'vol-a', sizeGb: 300, mountProtocol: { protocol: 'nfs' } };

describe('volume create: required fields', () => {
  it.each(['name', 'sizeGb'])('volume.%s', async (field) => {
    const { [field]: _dropped, ...rest } = base as Record<string, unknown>;
    expectFailure(await createWith(rest), 400, `volume.${field} is required`);
  });

  it('volume.mountProtocol.protocol (object missing)', async () => {
    expectFailure(await createWith({ name: 'vol-a', sizeGb: 300 }), 400, 'volume.mountProtocol.protocol is required');
  });

  it('volume.mountProtocol.protocol (object empty)', async () => {
    expectFailure(await createWith({ ...base, mountProtocol: {} }), 400, 'volume.mountProtocol.protocol is required');
  });

  it('the volume object itself', async () => {
    expectFailure(await api.post('/v1/volumes', {}), 400, 'volume is required');
  });
});

describe('volume create: sizeGb is an integer 300–10000 in steps of 100', () => {
  it.each([200, 350, 10_100, 300.5, '300', -300])('rejects %s', async (sizeGb) => {
    expectFailure(await createWith({ ...base, sizeGb }), 400, 'volume.sizeGb', '300', '10000');
  });

  it.each([300, 1200, 10_000])('accepts %s', async (sizeGb) => {
    expect((await createWith({ ...base, sizeGb })).status).toBe(201);
  });
});

describe('volume create: other rules', () => {
  it('protocol must be nfs or cifs', async () => {
    expectFailure(await createWith({ ...base, mountProtocol: { protocol: 'smb' } }), 400, 'volume.mountProtocol.protocol');
  });

  it('protocol is case-insensitive and stored lower-case', async () => {
    const answer = await createWith({ ...base, mountProtocol: { protocol: 'NFS' } });
    expect(answer.status).toBe(201);
    expect(answer.body.volume.mountProtocol.protocol).toBe('nfs');
  });

  it('cifsAuthIds only with cifs', async () => {
    expectFailure(
      await createWith({ ...base, mountProtocol: { protocol: 'nfs', cifsAuthIds: ['share'] } }),
      400,
      'volume.mountProtocol.cifsAuthIds',
    );
  });

  it.each(['has space', 'dots.not.ok', 'a'.repeat(100), ''])('volume name %j is rejected', async (name) => {
    expectFailure(await createWith({ ...base, name }), 400, 'volume.name');
  });

  it('a 99-character name of letters, digits, - and _ is fine', async () => {
    expect((await createWith({ ...base, name: `Ab1-_${'x'.repeat(94)}` })).status).toBe(201);
  });

  it('duplicate name in one region is rejected, the other region is independent', async () => {
    expect((await createWith(base)).status).toBe(201);
    expectFailure(await createWith(base), 400, 'volume.name', 'vol-a');
    expect((await api.post('/v1/volumes', { volume: base }, 'kr2')).status).toBe(201);
  });

  it.each([31, -1, 2.5])('maxScheduledCount %s is out of range', async (maxScheduledCount) => {
    expectFailure(
      await createWith({ ...base, snapshotPolicy: { maxScheduledCount } }),
      400,
      'volume.snapshotPolicy.maxScheduledCount',
    );
  });

  it('maxScheduledCount 30 and 0 are fine', async () => {
    expect((await createWith({ ...base, snapshotPolicy: { maxScheduledCount: 30 } })).status).toBe(201);
    expect((await createWith({ ...base, name: 'vol-b', snapshotPolicy: { maxScheduledCount: 0 } })).status).toBe(201);
  });

  it('schedule time must be HH:MM', async () => {
    expectFailure(
      await createWith({ ...base, snapshotPolicy: { schedule: { time: '3am', timeOffset: '+09:00' } } }),
      400,
      'volume.snapshotPolicy.schedule.time',
    );
  });

  it('acl entries must be IPs or CIDR blocks', async () => {
    expectFailure(await createWith({ ...base, acl: ['10.0.0.0/40'] }), 400, 'volume.acl[0]');
  });

  it('unknown fields are rejected by name', async () => {
    expectFailure(await createWith({ ...base, sizeGB: 300 }), 400, 'volume.sizeGB');
  });

  it('malformed JSON', async () => {
    expectFailure(await api.post('/v1/volumes', '{"volume": {'), 400, 'JSON');
  });

  it('a non-JSON content type', async () => {
    const res = await fetch(`${sim.url}/kr1/v1/volumes`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'text/plain' },
      body: JSON.stringify({ volume: base }),
    });
    expectFailure({ status: res.status, body: await res.json() }, 400, 'Content-Type: application/json');
  });

  it('auth comes before the body: no token and a bad body is a 401', async () => {
    const res = await fetch(`${sim.url}/kr1/v1/volumes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(res.status).toBe(401);
  });
});

describe('volume settings (PATCH)', () => {
  it('rejects a protocol change', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.patch(`/v1/volumes/${volume.id}`, { volume: { mountProtocol: { protocol: 'cifs' } } }), 400, 'volume.mountProtocol.protocol');
  });

  it('accepts the same protocol in another case', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expect((await api.patch(`/v1/volumes/${volume.id}`, { volume: { mountProtocol: { protocol: 'NFS' }, description: 'x' } })).status).toBe(202);
  });

  it('cifsAuthIds need protocol "cifs" in the same request', async () => {
    const volume = (await api.post('/v1/volumes', { volume: { ...base, mountProtocol: { protocol: 'cifs' } } })).body.volume;
    await sim.advance(60_000);
    expectFailure(await api.patch(`/v1/volumes/${volume.id}`, { volume: { mountProtocol: { cifsAuthIds: ['a'] } } }), 400, 'volume.mountProtocol.protocol');
    expect((await api.patch(`/v1/volumes/${volume.id}`, { volume: { mountProtocol: { protocol: 'cifs', cifsAuthIds: ['a'] } } })).status).toBe(202);
  });

  it('cifsAuthIds on an nfs volume', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(
      await api.patch(`/v1/volumes/${volume.id}`, { volume: { mountProtocol: { protocol: 'nfs', cifsAuthIds: ['a'] } } }),
      400,
      'volume.mountProtocol.cifsAuthIds',
    );
  });

  it('sizeGb steps apply to changes too', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.patch(`/v1/volumes/${volume.id}`, { volume: { sizeGb: 450 } }), 400, 'volume.sizeGb');
  });

  it('maxScheduledCount ≤ 30 applies to changes too', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(
      await api.patch(`/v1/volumes/${volume.id}`, { volume: { snapshotPolicy: { maxScheduledCount: 40 } } }),
      400,
      'volume.snapshotPolicy.maxScheduledCount',
    );
  });

  it('an empty change is rejected', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.patch(`/v1/volumes/${volume.id}`, { volume: {} }), 400, 'volume');
  });
});

describe('snapshots and interfaces', () => {
  it('snapshot.name is required', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.post(`/v1/volumes/${volume.id}/snapshots`, { snapshot: {} }), 400, 'snapshot.name is required');
  });

  it('snapshot names are unique per volume', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    const other = await activeVolume(sim, api, 'vol-b');
    expect((await api.post(`/v1/volumes/${volume.id}/snapshots`, { snapshot: { name: 's1' } })).status).toBe(201);
    expectFailure(await api.post(`/v1/volumes/${volume.id}/snapshots`, { snapshot: { name: 's1' } }), 400, 'snapshot.name', 's1');
    expect((await api.post(`/v1/volumes/${other.id}/snapshots`, { snapshot: { name: 's1' } })).status).toBe(201);
  });

  it('interface.subnetId is required', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.post(`/v1/volumes/${volume.id}/interfaces`, { interface: {} }), 400, 'interface.subnetId is required');
  });
});

describe('volume mirror setup', () => {
  const mirrorBody = (over: Record<string, unknown> = {}, dstVolume: Record<string, unknown> = {}) => ({
    volumeMirror: {
      dstRegion: 'KR2',
      dstTenantId: EMPTY_STATE.credentials.tenantId,
      dstVolume: { name: 'vol-a-dr', sizeGb: 300, mountProtocol: { protocol: 'nfs' }, ...dstVolume },
      ...over,
    },
  });

  it.each(['dstRegion', 'dstTenantId', 'dstVolume'])('volumeMirror.%s is required', async (field) => {
    const volume = await activeVolume(sim, api, 'vol-a');
    const body = mirrorBody();
    delete (body.volumeMirror as Record<string, unknown>)[field];
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, body), 400, `volumeMirror.${field} is required`);
  });

  it.each(['name', 'sizeGb'])('volumeMirror.dstVolume.%s is required', async (field) => {
    const volume = await activeVolume(sim, api, 'vol-a');
    const body = mirrorBody();
    delete (body.volumeMirror.dstVolume as Record<string, unknown>)[field];
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, body), 400, `volumeMirror.dstVolume.${field} is required`);
  });

  it('volumeMirror.dstVolume.mountProtocol.protocol is required', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    const body = mirrorBody({}, { mountProtocol: {} });
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, body), 400, 'volumeMirror.dstVolume.mountProtocol.protocol is required');
  });

  it('dstVolume.sizeGb follows the size steps', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, mirrorBody({}, { sizeGb: 333 })), 400, 'volumeMirror.dstVolume.sizeGb');
  });

  it('dstVolume size must equal the source size', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, mirrorBody({}, { sizeGb: 400 })), 400, 'volumeMirror.dstVolume.sizeGb', '300');
  });

  it('the same project must replicate to another region', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, mirrorBody({ dstRegion: 'KR1' })), 400, 'volumeMirror.dstRegion');
  });

  it('an unknown region is rejected', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, mirrorBody({ dstRegion: 'KR9' })), 400, 'volumeMirror.dstRegion', 'KR9');
  });

  it('a second mirror on the same volume is rejected', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expect((await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, mirrorBody())).status).toBe(201);
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors`, mirrorBody({}, { name: 'vol-a-dr2' })), 400, 'replication');
  });
});
