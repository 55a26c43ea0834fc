// Every NasClient operation, over real HTTP, against the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NasClient } from '../../src/nas/client.ts';
import { NAS_OPERATIONS } from '../../src/nas/operations.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { clientFor, failure, identityFor, MIRROR_APP, requestsTo, startTestSimulator, VOL_APP, VOL_HOME, VOL_LOGS } from './support.ts';

let sim: RunningSimulator;
let kr1: NasClient;
let kr2: NasClient;
const covered = new Set<string>();

beforeAll(async () => {
  sim = await startTestSimulator();
  const identity = identityFor(sim);
  kr1 = clientFor(sim, identity);
  kr2 = clientFor(sim, identity, { region: 'kr2' });
});
afterAll(async () => {
  await sim?.close();
});

function cover(...operations: (keyof typeof NAS_OPERATIONS)[]) {
  for (const op of operations) covered.add(op);
}

describe('volumes', () => {
  it('lists volumes with every filter', async () => {
    cover('listVolumes');
    const { volumes, paging } = await kr1.listVolumes();
    expect(volumes.map((v) => v.name).sort()).toEqual(['app-data', 'home', 'logs']);
    expect(paging.totalCount).toBe(3);

    expect((await kr1.listVolumes({ name: 'logs' })).volumes.map((v) => v.id)).toEqual([VOL_LOGS]);
    expect((await kr1.listVolumes({ nameContains: 'app' })).volumes.map((v) => v.id)).toEqual([VOL_APP]);
    expect((await kr1.listVolumes({ sizeGb: 500 })).volumes.map((v) => v.id)).toEqual([VOL_LOGS]);
    expect((await kr1.listVolumes({ minSizeGb: 400 })).volumes.map((v) => v.id)).toEqual([VOL_LOGS]);
    expect((await kr1.listVolumes({ maxSizeGb: 400 })).volumes.map((v) => v.id).sort()).toEqual([VOL_APP, VOL_HOME]);
    expect((await kr1.listVolumes({ sort: 'name:desc' })).volumes.map((v) => v.name)).toEqual(['logs', 'home', 'app-data']);
    const page2 = await kr1.listVolumes({ sort: 'name:asc', limit: 1, page: 2 });
    expect(page2.volumes.map((v) => v.name)).toEqual(['home']);
    expect(page2.paging).toMatchObject({ limit: 1, page: 2, totalCount: 3 });
  });

  it('gets a volume with its mirror, and sees the replica in the other region', async () => {
    cover('getVolume');
    const volume = await kr1.getVolume(VOL_APP);
    expect(volume).toMatchObject({ id: VOL_APP, name: 'app-data', sizeGb: 300 });
    expect(volume.mirrors).toEqual([expect.objectContaining({ id: MIRROR_APP, role: 'SOURCE', dstRegion: 'KR2' })]);
    const replicas = await kr2.listVolumes({ name: 'app-data-replica' });
    expect(replicas.volumes[0]?.mirrors[0]).toMatchObject({ id: MIRROR_APP, role: 'DESTINATION' });
  });

  it('creates, updates and deletes a volume', async () => {
    cover('createVolume', 'updateVolume', 'deleteVolume');
    const created = await kr1.createVolume({ name: 'scratch', sizeGb: 300, mountProtocol: { protocol: 'nfs' }, description: 'temp' });
    expect(created).toMatchObject({ name: 'scratch', sizeGb: 300 });
    await sim.advance(60_000);
    expect((await kr1.getVolume(created.id)).status).toBe('ACTIVE');

    await kr1.updateVolume(created.id, { description: 'changed', sizeGb: 400 });
    await sim.advance(60_000);
    expect(await kr1.getVolume(created.id)).toMatchObject({ description: 'changed', sizeGb: 400 });

    await kr1.deleteVolume(created.id);
    await sim.advance(60_000);
    const err = await failure(kr1.getVolume(created.id));
    expect(err).toMatchObject({ kind: 'status', httpStatus: 404, retryable: false, operation: 'getVolume', region: 'KR1' });
    expect(err.pathTemplate).toBe('/v1/volumes/{volumeId}');
    expect(err.path).toBe(`/v1/volumes/${created.id}`);
    expect(err.message).toMatch(new RegExp(`^GET /v1/volumes/${created.id} \\(KR1\\) failed: 404 .+ \\[resultCode 404\\]$`));
  });

  it('reports a 400 with the server message in one line', async () => {
    const err = await failure(kr1.createVolume({ name: 'bad size', sizeGb: 123, mountProtocol: { protocol: 'nfs' } }));
    expect(err).toMatchObject({ httpStatus: 400, resultCode: 400, retryable: false, attempts: 1, operation: 'createVolume' });
    expect(err.message).toMatch(/^POST \/v1\/volumes \(KR1\) failed: 400 .*\[resultCode 400\]$/);
    expect(err.message).not.toContain('\n');
  });
});

describe('interfaces', () => {
  it('creates and deletes an interface; subnetId filters volumes', async () => {
    cover('createInterface', 'deleteInterface');
    const subnetId = '3e5b4d63-d143-420a-9263-208a447a2a3f';
    const created = await kr1.createInterface(VOL_LOGS, { subnetId });
    expect(created).toMatchObject({ subnetId, status: 'BUILDING', path: undefined }); // null in the answer: not known yet
    await sim.advance(60_000);
    const volume = await kr1.getVolume(VOL_LOGS);
    expect(volume.interfaces).toEqual([expect.objectContaining({ id: created.id, status: 'ACTIVE' })]);
    expect((await kr1.listVolumes({ subnetId })).volumes.map((v) => v.id)).toEqual([VOL_LOGS]);

    await kr1.deleteInterface(VOL_LOGS, created.id);
    await sim.advance(60_000);
    expect((await kr1.getVolume(VOL_LOGS)).interfaces).toEqual([]);
  });
});

describe('snapshots, usage and restores', () => {
  it('lists, creates, gets (with reclaimable space) and deletes snapshots', async () => {
    cover('listSnapshots', 'createSnapshot', 'getSnapshot', 'deleteSnapshot');
    const before = await kr1.listSnapshots(VOL_LOGS);
    const created = await kr1.createSnapshot(VOL_LOGS, { name: 'manual-1' });
    expect(created).toMatchObject({ name: 'manual-1', type: 'NORMAL', preserved: false });
    expect((await kr1.listSnapshots(VOL_LOGS)).map((s) => s.id)).toEqual([...before.map((s) => s.id), created.id]);

    const plain = await kr1.getSnapshot(VOL_LOGS, created.id);
    expect(plain.reclaimableSpace).toBeUndefined();
    const detailed = await kr1.getSnapshot(VOL_LOGS, created.id, { showReclaimableSpace: true });
    expect(typeof detailed.reclaimableSpace).toBe('number');

    await kr1.deleteSnapshot(VOL_LOGS, created.id);
    expect((await kr1.listSnapshots(VOL_LOGS)).map((s) => s.id)).not.toContain(created.id);
  });

  it('reports usage', async () => {
    cover('getUsage');
    const usage = await kr1.getUsage(VOL_APP);
    expect(usage.usedGb).toBeGreaterThan(0);
    expect(usage).toHaveProperty('snapshotReserveGb');
  });

  it('restores a snapshot (newer ones are deleted) and records the restore', async () => {
    cover('restoreSnapshot', 'listRestoreHistories');
    await kr1.restoreSnapshot(VOL_HOME, 'home-old');
    await sim.advance(60_000);
    expect((await kr1.listSnapshots(VOL_HOME)).map((s) => s.id)).toEqual(['home-old']);
    const { restoreHistories, paging } = await kr1.listRestoreHistories(VOL_HOME, { limit: 10, page: 1, sort: 'requestedAt:desc' });
    expect(paging.totalCount).toBe(1);
    expect(restoreHistories[0]).toMatchObject({ snapshotId: 'home-old', snapshotName: 'home-1', volumeId: VOL_HOME });
    expect(await kr1.listAllRestoreHistories(VOL_HOME)).toHaveLength(1);
  });
});

describe('volume mirrors', () => {
  it('reads the replication status', async () => {
    cover('getMirrorStat');
    const stat = await kr1.getMirrorStat(VOL_APP, MIRROR_APP);
    expect(['ACTIVE', 'UPDATING', 'PENDING']).toContain(stat.status);
  });

  it('stops, starts and inverts a mirror', async () => {
    cover('stopMirror', 'startMirror', 'invertMirrorDirection');
    await kr1.stopMirror(VOL_APP, MIRROR_APP);
    await sim.advance(120_000);
    expect((await kr1.getMirrorStat(VOL_APP, MIRROR_APP)).status).toBe('HALT');

    await kr1.startMirror(VOL_APP, MIRROR_APP);
    await sim.advance(120_000);
    expect((await kr1.getMirrorStat(VOL_APP, MIRROR_APP)).status).toBe('ACTIVE');

    await kr1.invertMirrorDirection(VOL_APP, MIRROR_APP);
    await sim.advance(120_000);
    expect((await kr1.getVolume(VOL_APP)).mirrors[0]?.direction).toBe('REVERSE');
  });

  it('creates and deletes a mirror', async () => {
    cover('createMirror', 'deleteMirror');
    const mirror = await kr1.createMirror(VOL_LOGS, {
      dstRegion: 'KR2',
      dstTenantId: sim.credentials.tenantId,
      dstVolume: { name: 'logs-replica', sizeGb: 500, mountProtocol: { protocol: 'nfs' } },
    });
    expect(mirror).toMatchObject({ role: 'SOURCE', srcVolumeId: VOL_LOGS, dstRegion: 'KR2', dstVolumeName: 'logs-replica' });
    await sim.advance(120_000);
    expect((await kr1.getVolume(VOL_LOGS)).mirrors.map((m) => m.id)).toEqual([mirror.id]);

    await kr1.deleteMirror(VOL_LOGS, mirror.id);
    await sim.advance(120_000);
    expect((await kr1.getVolume(VOL_LOGS)).mirrors).toEqual([]);
    // The destination keeps its data as an ordinary volume.
    expect((await kr2.listVolumes({ name: 'logs-replica' })).volumes).toHaveLength(1);
  });
});

describe('request shape', () => {
  it('sends the region-less NAS paths the spec documents', () => {
    const paths = new Set(sim.requests().filter((r) => r.region).map((r) => r.route));
    expect(paths).toContain('GET /v1/volumes/:volumeId/volume-mirrors/:volumeMirrorId/stat');
    expect(requestsTo(sim, 'POST /v1/volumes/:volumeId/snapshots/:snapshotId/restore')).toHaveLength(1);
  });
});

it('covered every operation of operations.ts (runs last)', () => {
  expect([...covered].sort()).toEqual(Object.keys(NAS_OPERATIONS).sort());
});
