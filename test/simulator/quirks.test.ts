// The real-cloud quirks mode: off by default (answers exactly as before); set from the state file,
// startSimulator options or /_admin/quirks, strictly validated with one-line errors; each quirk's
// shapes over HTTP; requests stay as strict as the spec.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatorConfigError, startSimulator } from '../../src/simulator/index.ts';
import { activeVolume, admin, connect, EMPTY_STATE, expectFailure, issueToken, mirroredPair, simulator, volumeBody } from './helpers.ts';

const OFF = { nulls: false, unknownValues: {}, oddCatalog: false, malformedVolumes: false, namelessVolumes: [] };
const ALL_VALUES = { snapshotType: 'ARCHIVE', mirrorStatus: 'RESYNCING', mirrorRole: 'PEER', mirrorDirection: 'BIDIRECTIONAL', statStatus: 'SYNCING' };

const dir = mkdtempSync(join(tmpdir(), 'sim-quirks-'));

async function catalogOf(sim: Awaited<ReturnType<typeof simulator>>) {
  const { tenantId, username, password } = sim.credentials;
  const res = await fetch(`${sim.identityUrl}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { tenantId, passwordCredentials: { username, password } } }),
  });
  return ((await res.json()) as { access: { serviceCatalog: unknown[] } }).access.serviceCatalog;
}

describe('setting the quirks', () => {
  it('are off by default, shown by GET /_admin/quirks', async () => {
    const sim = await simulator({ state: EMPTY_STATE });
    expect((await admin(sim, 'GET', '/quirks')).body).toEqual(OFF);
    expect(sim.quirks()).toEqual(OFF);
  });

  it('come from the state file (true = all), with the options on top', async () => {
    const path = join(dir, 'state.yaml');
    writeFileSync(path, 'quirks: true\nregions: {}\n');
    const sim = await simulator({ state: path, quirks: { oddCatalog: false, unknownValues: { mirrorRole: null, statStatus: 'STALE' } } });
    const { mirrorRole: _off, ...values } = ALL_VALUES;
    expect(sim.quirks()).toEqual({ nulls: true, unknownValues: { ...values, statStatus: 'STALE' }, oddCatalog: false, malformedVolumes: true, namelessVolumes: [] });
  });

  it('change over the admin endpoint (only what is named) and reset to the start values', async () => {
    const sim = await simulator({ state: EMPTY_STATE, quirks: { nulls: true } });
    expect((await admin(sim, 'POST', '/quirks', { unknownValues: { snapshotType: 'COLD' } })).body).toEqual({ ...OFF, nulls: true, unknownValues: { snapshotType: 'COLD' } });
    expect((await admin(sim, 'POST', '/quirks', true)).body).toEqual({ nulls: true, unknownValues: ALL_VALUES, oddCatalog: true, malformedVolumes: true, namelessVolumes: [] });
    expect((await admin(sim, 'POST', '/quirks', { unknownValues: false })).body.unknownValues).toEqual({});
    expect((await admin(sim, 'DELETE', '/quirks')).body).toEqual({ ...OFF, nulls: true });
  });

  it('refuse bad values with one line naming the field', async () => {
    const sim = await simulator({ state: EMPTY_STATE });
    const refused = async (body: unknown) => {
      const answer = await admin(sim, 'POST', '/quirks', body);
      expect(answer.status).toBe(400);
      return answer.body.error as string;
    };
    expect(await refused({ nullz: true })).toBe('quirks: quirks.nullz is not a known field');
    expect(await refused({ nulls: 'yes' })).toBe('quirks: quirks.nulls must be true or false (got "yes")');
    expect(await refused({ unknownValues: { statStatus: 'HALT' } })).toBe(
      'quirks: quirks.unknownValues.statStatus must not be a documented value (ACTIVE, UPDATING, DELETING, PENDING, HALT, RETRIEVE FAILED) (got "HALT")',
    );
    expect(sim.quirks()).toEqual(OFF);
    const start = startSimulator({ state: { ...EMPTY_STATE, quirks: { unknownValues: { snapshotType: '' } } } });
    await expect(start).rejects.toThrow(SimulatorConfigError);
    await expect(start).rejects.toThrow('state: quirks.unknownValues.snapshotType must not be empty (got "")');
  });
});

describe('nulls', () => {
  it('null the open fields of volumes and mirrors, drop directionChangedAt, keep ids and regions', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE, quirks: { nulls: true } });
    const { source, mirror } = await mirroredPair(sim, api);
    await activeVolume(sim, api, 'plain', 300, { snapshotPolicy: { schedule: { time: '01:00', timeOffset: '+09:00', weekdays: [1, 3] } } });
    const list = await api.get('/v1/volumes?sort=name:asc');
    expect(list.body.header).toEqual({ isSuccessful: true, resultCode: 200, resultMessage: null });
    const [appData, plain] = list.body.volumes;
    expect(appData).toMatchObject({ id: source.id, name: 'app-data', mountProtocol: null, tenantId: null, projectId: null, interfaces: null, encryption: null });
    expect(plain).toMatchObject({ mirrors: null, snapshotPolicy: { schedule: { time: '01:00', weekdays: null } } });
    const m = appData.mirrors[0];
    expect(m).toMatchObject({ id: mirror.id, srcVolumeId: source.id, srcRegion: 'KR1', dstRegion: 'KR2', dstVolumeId: mirror.dstVolumeId });
    expect(m).toMatchObject({ srcVolumeName: null, dstVolumeName: null, srcTenantId: null, dstTenantId: null, srcProjectId: null, dstProjectId: null });
    expect('directionChangedAt' in m).toBe(false);

    const snap = await api.post(`/v1/volumes/${source.id}/snapshots`, { snapshot: { name: 's1' } });
    const one = await api.get(`/v1/volumes/${source.id}/snapshots/${snap.body.snapshot.id}?showReclaimableSpace=true`);
    expect(one.body.snapshot).toMatchObject({ name: 's1', reclaimableSpace: null });
  });

  it('leave error answers as they are', async () => {
    const { api } = await connect({ state: EMPTY_STATE, quirks: { nulls: true } });
    expectFailure(await api.get('/v1/volumes/nope'), 404, 'nope');
  });
});

describe('unknown values', () => {
  it('replace the documented ones in every answer; the world behind them is unchanged', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE, quirks: { unknownValues: true } });
    const { source, base } = await mirroredPair(sim, api);
    await sim.advance(120_000);
    const volume = (await api.get(`/v1/volumes/${source.id}`)).body.volume;
    expect(volume.mirrors[0]).toMatchObject({ role: 'PEER', status: 'RESYNCING', direction: 'BIDIRECTIONAL' });
    expect((await api.get(`${base}/stat`)).body.volumeMirrorStat.status).toBe('SYNCING');
    const created = await api.post(`/v1/volumes/${source.id}/snapshots`, { snapshot: { name: 'mine' } });
    expect(created.body.snapshot.type).toBe('ARCHIVE');
    sim.setQuirks(false);
    expect((await api.get(`${base}/stat`)).body.volumeMirrorStat.status).toBe('ACTIVE');
    const snapshots = (await api.get(`/v1/volumes/${source.id}/snapshots`)).body.snapshots;
    expect(snapshots.find((s: { name: string }) => s.name === 'mine').type).toBe('NORMAL');
  });
});

describe('odd catalog entries', () => {
  it('come before the real ones in odd shapes; the nasv1 entry is intact', async () => {
    const sim = await simulator({ state: EMPTY_STATE, quirks: { oddCatalog: true } });
    const catalog = await catalogOf(sim);
    expect(catalog.slice(0, 5)).toEqual([
      { name: 'legacy-billing' },
      { type: 'object-store', name: 'swift', endpoints: null },
      { type: 'dns', name: 'designate', endpoints: [{ publicURL: 'https://dns.example.invalid' }] },
      { type: 'key-manager', name: 'skm', endpoints: [{ region: 'KR1', publicURL: null }] },
      null,
    ]);
    expect(catalog.find((e) => (e as { type?: string } | null)?.type === 'nasv1')).toMatchObject({ endpoints: [{ region: 'KR1' }, { region: 'KR2' }] });
    sim.setQuirks({ oddCatalog: false });
    expect((await catalogOf(sim))[0]).toMatchObject({ type: 'compute' });
  });
});

describe('malformed volumes', () => {
  it('put two entries (name null, id null) in 2nd and 3rd place of every unfiltered listing, counted by paging', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE, quirks: { malformedVolumes: true } });
    await activeVolume(sim, api, 'a');
    await activeVolume(sim, api, 'b');
    const all = await api.get('/v1/volumes');
    expect(all.body.paging.totalCount).toBe(4);
    expect(all.body.volumes.map((v: { id: string | null; name: string | null }) => [v.id, v.name])).toEqual([
      [expect.any(String), 'a'],
      ['quirk-unnamed-kr1', null],
      [null, 'quirk-no-id-kr1'],
      [expect.any(String), 'b'],
    ]);
    const page2 = await api.get('/v1/volumes?limit=2&page=2');
    expect(page2.body.volumes.map((v: { name: string | null }) => v.name)).toEqual(['quirk-no-id-kr1', 'b']);
    expect((await api.get('/v1/volumes?name=a')).body.volumes).toHaveLength(1);
    expect((await api.get('/v1/volumes', 'kr2')).body.volumes.map((v: { id: string | null }) => v.id)).toEqual(['quirk-unnamed-kr2', null]);
    expectFailure(await api.get('/v1/volumes/quirk-unnamed-kr1'), 404);
  });
});

describe('nameless volumes', () => {
  it('list the named real volumes with name null; GET by id answers as usual; false clears the list', async () => {
    const { sim, api } = await connect({ state: EMPTY_STATE, quirks: { namelessVolumes: ['b'] } });
    const a = await activeVolume(sim, api, 'a');
    const b = await activeVolume(sim, api, 'b');
    const listed = (await api.get('/v1/volumes')).body.volumes.map((v: { id: string; name: string | null }) => [v.id, v.name]);
    expect(listed).toEqual([
      [a.id, 'a'],
      [b.id, null],
    ]);
    expect((await api.get(`/v1/volumes/${b.id}`)).body.volume.name).toBe('b');
    expect((await admin(sim, 'POST', '/quirks', { namelessVolumes: 'b' })).body.error).toBe('quirks: quirks.namelessVolumes must be a list of volume names (got "b")');
    expect(sim.setQuirks(false).namelessVolumes).toEqual([]);
  });
});

describe('requests stay strict', () => {
  it('a body the spec rules out is still a 400 naming the field', async () => {
    const sim = await simulator({ state: EMPTY_STATE, quirks: true });
    const token = await issueToken(sim);
    const res = await fetch(`${sim.url}/kr1/v1/volumes`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: JSON.stringify(volumeBody('bad', 250)),
    });
    const body = (await res.json()) as { header: { resultMessage: string } };
    expect(res.status).toBe(400);
    expect(body.header.resultMessage).toContain('volume.sizeGb');
  });
});
