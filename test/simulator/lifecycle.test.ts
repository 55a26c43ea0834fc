// Behaviour over simulated time: status transitions, usage growth, the native snapshot
// schedule, restore.
import { beforeEach, describe, expect, it } from 'vitest';
import { SnapshotListResponse, UsageResponse, VolumeResponse } from '../../src/nas/schemas.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { activeVolume, connect, EMPTY_STATE, expectFailure, volumeBody, type Nas } from './helpers.ts';

let sim: RunningSimulator;
let api: Nas;
beforeEach(async () => {
  ({ sim, api } = await connect({ state: EMPTY_STATE }));
});

const DAY = 86_400_000;
const volume = async (id: string) => VolumeResponse.parse((await api.get(`/v1/volumes/${id}`)).body).volume;
const snapshots = async (id: string) => SnapshotListResponse.parse((await api.get(`/v1/volumes/${id}/snapshots`)).body).snapshots;

describe('volume lifecycle', () => {
  it('BUILDING → ACTIVE after a few simulated seconds, interfaces too', async () => {
    const created = await api.post('/v1/volumes', volumeBody('vol-a', 300, { interfaces: [{ subnetId: 'sub-1' }] }));
    const id = created.body.volume.id;
    expect(created.body.volume.status).toBe('BUILDING');
    expect(created.body.volume.interfaces[0]).toMatchObject({ status: 'BUILDING', path: null });
    await sim.advance(5_000);
    expect((await volume(id)).status).toBe('BUILDING');
    await sim.advance(5_000);
    const ready = await volume(id);
    expect(ready.status).toBe('ACTIVE');
    expect(ready.interfaces[0]).toMatchObject({ status: 'ACTIVE', path: expect.stringMatching(/^10\.0\.\d+\.\d+:\/vol-a$/) });
  });

  it('operations on a BUILDING volume are refused', async () => {
    const id = (await api.post('/v1/volumes', volumeBody('vol-a'))).body.volume.id;
    expectFailure(await api.post(`/v1/volumes/${id}/snapshots`, { snapshot: { name: 's' } }), 400, 'BUILDING');
    expectFailure(await api.patch(`/v1/volumes/${id}`, { volume: { description: 'd' } }), 400, 'BUILDING');
  });

  it('PATCH → UPDATING → ACTIVE with the change visible at once', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a');
    expect((await api.patch(`/v1/volumes/${id}`, { volume: { sizeGb: 600 } })).status).toBe(202);
    const updating = await volume(id);
    expect(updating).toMatchObject({ status: 'UPDATING', sizeGb: 600 });
    expect(updating.updatedAt).toBe('2026-11-27T02:01:00+00:00');
    await sim.advance(10_000);
    expect((await volume(id)).status).toBe('ACTIVE');
  });

  it('DELETE → DELETING → 404', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a');
    expect((await api.del(`/v1/volumes/${id}`)).status).toBe(202);
    expect((await volume(id)).status).toBe('DELETING');
    await sim.advance(10_000);
    expectFailure(await api.get(`/v1/volumes/${id}`), 404);
  });

  it('interface add → BUILDING (path null) → ACTIVE with a path; delete → gone', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a');
    const iface = (await api.post(`/v1/volumes/${id}/interfaces`, { interface: { subnetId: 'sub-9' } })).body.interface;
    expect(iface).toMatchObject({ status: 'BUILDING', path: null, subnetId: 'sub-9' });
    expectFailure(await api.post(`/v1/volumes/${id}/interfaces`, { interface: { subnetId: 'sub-9' } }), 400, 'interface.subnetId');
    await sim.advance(10_000);
    expect((await volume(id)).interfaces[0]).toMatchObject({ status: 'ACTIVE', path: expect.stringContaining(':/vol-a') });
    expect((await api.del(`/v1/volumes/${id}/interfaces/${iface.id}`)).status).toBe(202);
    expect((await volume(id)).interfaces[0]!.status).toBe('DELETING');
    await sim.advance(10_000);
    expect((await volume(id)).interfaces).toEqual([]);
  });
});

describe('usage', () => {
  it('grows deterministically with simulated time and is capped by the size', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a', 300, { snapshotPolicy: { reservePercent: 10 } });
    const usage = async () => UsageResponse.parse((await api.get(`/v1/volumes/${id}/usage`)).body).usage;
    const first = await usage();
    expect(first.snapshotReserveGb).toBe(30);
    await sim.advance(10 * DAY);
    const later = await usage();
    // 1 % of 300 GB per day.
    expect(later.userDataGb).toBe(30);
    expect(later.usedGb).toBeGreaterThanOrEqual(30);
    await sim.advance(1000 * DAY);
    const full = await usage();
    expect(full.userDataGb).toBe(270); // size minus the snapshot reserve
    expect(full.usedGb).toBeLessThanOrEqual(300);
  });

  it('snapshots hold the changed data and show in snapshotUsedGb', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a', 1000, { snapshotPolicy: { reservePercent: 1 } });
    await sim.advance(5 * DAY);
    await api.post(`/v1/volumes/${id}/snapshots`, { snapshot: { name: 's1' } });
    await sim.advance(5 * DAY);
    await api.post(`/v1/volumes/${id}/snapshots`, { snapshot: { name: 's2' } });
    const usage = UsageResponse.parse((await api.get(`/v1/volumes/${id}/usage`)).body).usage;
    expect(usage.snapshotUsedGb).toBe(100);
    expect(usage.snapshotUsedGbInReservedSpace).toBe(10);
    expect(usage.snapshotUsedGbInUserSpace).toBe(90);
    expect(usage.usedGb).toBe(usage.userDataGb! + 90);
  });
});

describe('snapshots', () => {
  it('restore deletes every newer snapshot and records a SUCCESS history', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a');
    const names = ['s1', 's2', 's3'];
    const ids: string[] = [];
    for (const name of names) {
      ids.push((await api.post(`/v1/volumes/${id}/snapshots`, { snapshot: { name } })).body.snapshot.id);
      await sim.advance(DAY);
    }
    const usedBefore = UsageResponse.parse((await api.get(`/v1/volumes/${id}/usage`)).body).usage.userDataGb!;
    expect((await api.post(`/v1/volumes/${id}/snapshots/${ids[0]}/restore`)).status).toBe(200);
    expect((await snapshots(id)).map((s) => s.name)).toEqual(['s1']);
    const usedAfter = UsageResponse.parse((await api.get(`/v1/volumes/${id}/usage`)).body).usage.userDataGb!;
    expect(usedAfter).toBeLessThan(usedBefore);
    const history = (await api.get(`/v1/volumes/${id}/restore-histories`)).body.restoreHistories;
    expect(history).toEqual([
      expect.objectContaining({ snapshotId: ids[0], snapshotName: 's1', volumeId: id, result: 'SUCCESS', requestedAt: expect.any(String) }),
    ]);
  });

  it('restore of an unknown snapshot is 404', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.post(`/v1/volumes/${id}/snapshots/none/restore`), 404, 'none');
  });

  it('deletes a NORMAL snapshot', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a');
    const snap = (await api.post(`/v1/volumes/${id}/snapshots`, { snapshot: { name: 's1' } })).body.snapshot;
    expect((await api.del(`/v1/volumes/${id}/snapshots/${snap.id}`)).status).toBe(200);
    expectFailure(await api.get(`/v1/volumes/${id}/snapshots/${snap.id}`), 404);
  });
});

describe('native snapshot schedule', () => {
  it('takes one SCHEDULED snapshot a day at the local time and keeps maxScheduledCount', async () => {
    // 03:00 at +09:00 = 18:00 UTC; the test starts 02:00 UTC.
    const { id } = await activeVolume(sim, api, 'vol-a', 300, {
      snapshotPolicy: { maxScheduledCount: 2, schedule: { time: '03:00', timeOffset: '+09:00', weekdays: [] } },
    });
    const manual = (await api.post(`/v1/volumes/${id}/snapshots`, { snapshot: { name: 'manual' } })).body.snapshot;
    await sim.advance(15 * 3_600_000); // 17:01 UTC
    expect(await snapshots(id)).toHaveLength(1);
    await sim.advance(3_600_000); // past 18:00 UTC
    const afterFirst = await snapshots(id);
    expect(afterFirst.map((s) => [s.name, s.type])).toEqual([
      ['manual', 'NORMAL'],
      ['daily.2026-11-28_0300', 'SCHEDULED'],
    ]);
    expect(afterFirst[1]!.createdAt).toBe('2026-11-27T18:00:00+00:00');
    await sim.advance(3 * DAY);
    const later = await snapshots(id);
    expect(later.map((s) => s.name)).toEqual(['manual', 'daily.2026-11-30_0300', 'daily.2026-12-01_0300']);
    expect(later[0]!.id).toBe(manual.id); // only SCHEDULED ones are dropped
  });

  it('honours weekdays in the schedule zone', async () => {
    // 2026-11-28 is a Saturday (6), 2026-11-30 a Monday (1) in +09:00.
    const { id } = await activeVolume(sim, api, 'vol-a', 300, {
      snapshotPolicy: { schedule: { time: '03:00', timeOffset: '+09:00', weekdays: [1] } },
    });
    await sim.advance(7 * DAY);
    expect((await snapshots(id)).map((s) => s.name)).toEqual(['daily.2026-11-30_0300']);
  });

  it('a schedule set by PATCH starts, and schedule null stops it', async () => {
    const { id } = await activeVolume(sim, api, 'vol-a');
    await api.patch(`/v1/volumes/${id}`, { volume: { snapshotPolicy: { schedule: { time: '12:00', timeOffset: '+00:00' } } } });
    await sim.advance(DAY);
    expect(await snapshots(id)).toHaveLength(1);
    await api.patch(`/v1/volumes/${id}`, { volume: { snapshotPolicy: { schedule: null } } });
    await sim.advance(3 * DAY);
    expect(await snapshots(id)).toHaveLength(1);
  });
});
