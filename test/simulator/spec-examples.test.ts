// The request examples printed in the NAS API spec are accepted verbatim, and every answer
// parses with the client's zod schemas (src/nas/schemas.ts).
import { describe, expect, it } from 'vitest';
import {
  HeaderOnlyResponse,
  InterfaceResponse,
  MirrorStatResponse,
  RestoreHistoryListResponse,
  SnapshotListResponse,
  SnapshotResponse,
  UsageResponse,
  VolumeListResponse,
  VolumeMirrorResponse,
  VolumeResponse,
} from '../../src/nas/schemas.ts';
import { connect } from './helpers.ts';

// The spec's mirror example targets tenant 7debf04e…; make that our tenant so it applies as printed.
const SPEC_TENANT = '7debf04e6a7248c98777229bcb004b69';
const STATE = { credentials: { tenantId: SPEC_TENANT, username: 'spec@example.com', password: 'pw' }, regions: {} };

const CREATE_VOLUME_EXAMPLE = {
  volume: {
    acl: ['10.0.1.0/24'],
    description: 'NAS for Testing',
    encryption: { enabled: true },
    interfaces: [{ subnetId: 'cb779d62-72ef-43b6-b368-3fe28dcd812b' }],
    mountProtocol: { protocol: 'nfs' },
    name: 'TEST-NAS-1',
    sizeGb: 300,
    snapshotPolicy: {
      maxScheduledCount: 20,
      reservePercent: 10,
      schedule: { time: '03:00', timeOffset: '+09:00', weekdays: [1, 3, 5] },
    },
  },
};

const PATCH_VOLUME_EXAMPLE = {
  volume: {
    acl: ['10.0.1.0/24'],
    description: 'Modified description',
    mountProtocol: { cifsAuthIds: ['cifs-test-id'], protocol: 'cifs' },
    sizeGb: 300,
    snapshotPolicy: {
      maxScheduledCount: 10,
      reservePercent: 20,
      schedule: { time: '05:00', timeOffset: '+09:00', weekdays: [1, 3, 5] },
    },
  },
};

const INTERFACE_EXAMPLE = { interface: { subnetId: '3e5b4d63-d143-420a-9263-208a447a2a3f' } };
const SNAPSHOT_EXAMPLE = { snapshot: { name: 'TEST-SNAPSHOT-1' } };
const MIRROR_EXAMPLE = {
  volumeMirror: {
    dstRegion: 'KR1',
    dstTenantId: SPEC_TENANT,
    dstVolume: { description: 'Volume Mirror Test', mountProtocol: { protocol: 'nfs' }, name: 'TEST-NAS-MIRROR', sizeGb: 300 },
  },
};

describe('spec request examples', () => {
  it('volume: create, list, view, change settings (cifs volume), usage, restore history, delete', async () => {
    const { sim, api } = await connect({ state: STATE });
    const created = await api.post('/v1/volumes', CREATE_VOLUME_EXAMPLE);
    expect(created.status).toBe(201);
    const volume = VolumeResponse.parse(created.body).volume;
    expect(created.body.header).toEqual({ isSuccessful: true, resultCode: 201, resultMessage: 'Created' });
    expect(volume).toMatchObject({ name: 'TEST-NAS-1', sizeGb: 300, status: 'BUILDING', encryption: { enabled: true } });
    expect(volume.mountProtocol?.protocol).toBe('nfs');
    expect(volume.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    // Undocumented field, as NHN warns: clients must tolerate it.
    expect(created.body.volume).toHaveProperty('stationId', null);

    await sim.advance(60_000);
    const list = VolumeListResponse.parse((await api.get('/v1/volumes')).body);
    expect(list.paging).toEqual({ limit: 50, page: 1, totalCount: 1 });
    expect(list.volumes[0]!.status).toBe('ACTIVE');
    expect(list.volumes[0]!.interfaces[0]!.path).toBe('10.0.0.4:/TEST-NAS-1');

    const cifs = await api.post('/v1/volumes', {
      volume: { name: 'TEST-NAS-CIFS', sizeGb: 300, mountProtocol: { protocol: 'CIFS', cifsAuthIds: ['cifs-test-id'] } },
    });
    expect(cifs.status).toBe(201);
    expect(cifs.body.volume.mountProtocol).toEqual({ protocol: 'cifs', cifsAuthIds: ['cifs-test-id'] });
    await sim.advance(60_000);
    const patched = await api.patch(`/v1/volumes/${cifs.body.volume.id}`, PATCH_VOLUME_EXAMPLE);
    expect(patched.status).toBe(202);
    HeaderOnlyResponse.parse(patched.body);
    const view = VolumeResponse.parse((await api.get(`/v1/volumes/${cifs.body.volume.id}`)).body).volume;
    expect(view.description).toBe('Modified description');
    expect(view.snapshotPolicy).toMatchObject({ maxScheduledCount: 10, reservePercent: 20 });

    UsageResponse.parse((await api.get(`/v1/volumes/${volume.id}/usage`)).body);
    RestoreHistoryListResponse.parse((await api.get(`/v1/volumes/${volume.id}/restore-histories`)).body);
    const deleted = await api.del(`/v1/volumes/${volume.id}`);
    expect(deleted.status).toBe(202);
    HeaderOnlyResponse.parse(deleted.body);
  });

  it('interfaces, snapshots and restore', async () => {
    const { sim, api } = await connect({ state: STATE });
    const volumeId = (await api.post('/v1/volumes', CREATE_VOLUME_EXAMPLE)).body.volume.id;
    await sim.advance(60_000);

    const iface = await api.post(`/v1/volumes/${volumeId}/interfaces`, INTERFACE_EXAMPLE);
    expect(iface.status).toBe(201);
    InterfaceResponse.parse(iface.body);
    expect(iface.body.interface).toMatchObject({ path: null, status: 'BUILDING' });
    const removed = await api.del(`/v1/volumes/${volumeId}/interfaces/${iface.body.interface.id}`);
    expect(removed.status).toBe(400); // still BUILDING
    await sim.advance(60_000);
    expect((await api.del(`/v1/volumes/${volumeId}/interfaces/${iface.body.interface.id}`)).status).toBe(202);

    const snap = await api.post(`/v1/volumes/${volumeId}/snapshots`, SNAPSHOT_EXAMPLE);
    expect(snap.status).toBe(201);
    const snapshot = SnapshotResponse.parse(snap.body).snapshot;
    expect(snapshot).toMatchObject({ name: 'TEST-SNAPSHOT-1', type: 'NORMAL', preserved: false });
    expect(SnapshotListResponse.parse((await api.get(`/v1/volumes/${volumeId}/snapshots`)).body).snapshots).toHaveLength(1);
    const plain = SnapshotResponse.parse((await api.get(`/v1/volumes/${volumeId}/snapshots/${snapshot.id}`)).body).snapshot;
    expect(plain.reclaimableSpace).toBeUndefined();
    const withSpace = SnapshotResponse.parse(
      (await api.get(`/v1/volumes/${volumeId}/snapshots/${snapshot.id}?showReclaimableSpace=true`)).body,
    ).snapshot;
    expect(withSpace.reclaimableSpace).toEqual(expect.any(Number));
    const restored = await api.post(`/v1/volumes/${volumeId}/snapshots/${snapshot.id}/restore`);
    expect(restored.status).toBe(200);
    HeaderOnlyResponse.parse(restored.body);
    const deleted = await api.del(`/v1/volumes/${volumeId}/snapshots/${snapshot.id}`);
    expect(deleted.status).toBe(200);
    HeaderOnlyResponse.parse(deleted.body);
  });

  it('volume mirror: setup from KR2 to KR1, stat, stop, start, invert, delete', async () => {
    const { sim, api } = await connect({ state: STATE });
    const source = (await api.post('/v1/volumes', { volume: { name: 'TEST-NAS-1', sizeGb: 300, mountProtocol: { protocol: 'nfs' } } }, 'kr2')).body.volume;
    await sim.advance(60_000);
    const created = await api.post(`/v1/volumes/${source.id}/volume-mirrors`, MIRROR_EXAMPLE, 'kr2');
    expect(created.status).toBe(201);
    const mirror = VolumeMirrorResponse.parse(created.body).volumeMirror;
    expect(mirror).toMatchObject({ role: 'SOURCE', status: 'PENDING', direction: 'FORWARD', srcRegion: 'KR2', dstRegion: 'KR1' });
    const base = `/v1/volumes/${source.id}/volume-mirrors/${mirror.id}`;
    MirrorStatResponse.parse((await api.get(`${base}/stat`, 'kr2')).body);
    await sim.advance(60_000);
    for (const action of ['stop', 'start', 'invert-direction']) {
      const answer = await api.post(`${base}/${action}`, undefined, 'kr2');
      expect(answer.status, action).toBe(202);
      HeaderOnlyResponse.parse(answer.body);
      await sim.advance(60_000);
    }
    const deleted = await api.del(base, 'kr2');
    expect(deleted.status).toBe(202);
    HeaderOnlyResponse.parse(deleted.body);
  });
});
