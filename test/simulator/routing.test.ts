// Unknown paths and resources, unsupported methods, and the paged/sorted/filtered lists.
import { beforeEach, describe, expect, it } from 'vitest';
import { VolumeListResponse } from '../../src/nas/schemas.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { activeVolume, connect, EMPTY_STATE, expectFailure, type Nas } from './helpers.ts';

let sim: RunningSimulator;
let api: Nas;
beforeEach(async () => {
  ({ sim, api } = await connect({ state: EMPTY_STATE }));
});

describe('404 and 405', () => {
  it('unknown path → 404 envelope', async () => {
    expectFailure(await api.get('/v1/nothing-here'), 404);
    expectFailure(await api.get('/v1/volumes', 'kr3'), 404);
  });

  it('unknown volume / snapshot / interface / mirror → 404 naming it', async () => {
    expectFailure(await api.get('/v1/volumes/no-such-volume'), 404, 'no-such-volume');
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.get(`/v1/volumes/${volume.id}/snapshots/nope`), 404, 'nope');
    expectFailure(await api.del(`/v1/volumes/${volume.id}/interfaces/nope`), 404, 'nope');
    expectFailure(await api.get(`/v1/volumes/${volume.id}/volume-mirrors/nope/stat`), 404, 'nope');
    expectFailure(await api.post(`/v1/volumes/${volume.id}/volume-mirrors/nope/stop`), 404, 'nope');
  });

  it('a volume of one region is not found through the other region', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    expectFailure(await api.get(`/v1/volumes/${volume.id}`, 'kr2'), 404);
  });

  it.each([
    ['PUT', '/v1/volumes'],
    ['DELETE', '/v1/volumes'],
    ['POST', '/v1/volumes/x'],
    ['PUT', '/v1/volumes/x/snapshots'],
    ['GET', '/v1/volumes/x/volume-mirrors/y'],
    ['GET', '/v1/volumes/x/volume-mirrors/y/stop'],
    ['POST', '/v1/volumes/x/usage'],
  ])('%s %s → 405', async (method, path) => {
    expectFailure(await api.call(method, path), 405, method);
  });

  it('405 comes before auth', async () => {
    const res = await fetch(`${sim.url}/kr1/v1/volumes`, { method: 'PUT' });
    expect(res.status).toBe(405);
  });
});

describe('volume list', () => {
  async function seed() {
    const specs: [string, number][] = [
      ['beta', 500],
      ['alpha', 300],
      ['gamma-db', 1000],
      ['delta-db', 300],
    ];
    for (const [name, size] of specs) {
      await api.post('/v1/volumes', { volume: { name, sizeGb: size, mountProtocol: { protocol: 'nfs' }, interfaces: name === 'beta' ? [{ subnetId: 'subnet-1' }] : [] } });
      await sim.advance(1_000); // distinct createdAt
    }
  }
  const names = async (query: string) => {
    const answer = await api.get(`/v1/volumes${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return VolumeListResponse.parse(answer.body).volumes.map((v) => v.name);
  };

  it('filters', async () => {
    await seed();
    expect(await names('?sizeGb=300')).toEqual(['alpha', 'delta-db']);
    expect(await names('?minSizeGb=500')).toEqual(['beta', 'gamma-db']);
    expect(await names('?maxSizeGb=500&minSizeGb=400')).toEqual(['beta']);
    expect(await names('?name=alpha')).toEqual(['alpha']);
    expect(await names('?name=alp')).toEqual([]);
    expect(await names('?nameContains=-db')).toEqual(['gamma-db', 'delta-db']);
    expect(await names('?subnetId=subnet-1')).toEqual(['beta']);
  });

  it('sorts by the documented keys in both directions', async () => {
    await seed();
    expect(await names('?sort=name:asc')).toEqual(['alpha', 'beta', 'delta-db', 'gamma-db']);
    expect(await names('?sort=sizeGb:desc')).toEqual(['gamma-db', 'beta', 'alpha', 'delta-db']);
    expect(await names('?sort=createdAt:desc')).toEqual(['delta-db', 'gamma-db', 'alpha', 'beta']);
  });

  it.each(['created_at:desc', 'size:asc', 'name', 'name:up'])('rejects sort=%s', async (sort) => {
    expectFailure(await api.get(`/v1/volumes?sort=${sort}`), 400, 'sort');
  });

  it('pages with limit/page and reports the total', async () => {
    await seed();
    const page2 = VolumeListResponse.parse((await api.get('/v1/volumes?sort=name:asc&limit=3&page=2')).body);
    expect(page2.paging).toEqual({ limit: 3, page: 2, totalCount: 4 });
    expect(page2.volumes.map((v) => v.name)).toEqual(['gamma-db']);
    const beyond = VolumeListResponse.parse((await api.get('/v1/volumes?limit=3&page=5')).body);
    expect(beyond.volumes).toEqual([]);
    expect(beyond.paging.totalCount).toBe(4);
  });

  it('defaults to 50 per page', async () => {
    for (let i = 0; i < 52; i++) await api.post('/v1/volumes', { volume: { name: `v${i}`, sizeGb: 300, mountProtocol: { protocol: 'nfs' } } });
    const first = VolumeListResponse.parse((await api.get('/v1/volumes')).body);
    expect(first.volumes).toHaveLength(50);
    expect(first.paging).toEqual({ limit: 50, page: 1, totalCount: 52 });
  });

  it.each(['limit=0', 'limit=abc', 'page=0', 'sizeGb=big'])('rejects %s naming the parameter', async (query) => {
    expectFailure(await api.get(`/v1/volumes?${query}`), 400, query.split('=')[0]!);
  });
});

describe('restore history list', () => {
  it('is paged and sorted by its own keys; volume keys are rejected', async () => {
    const volume = await activeVolume(sim, api, 'vol-a');
    const ids: string[] = [];
    for (const name of ['s-b', 's-a', 's-c']) {
      ids.push((await api.post(`/v1/volumes/${volume.id}/snapshots`, { snapshot: { name } })).body.snapshot.id);
      await sim.advance(1_000);
    }
    // Restoring to the newest each time keeps the others.
    await api.post(`/v1/volumes/${volume.id}/snapshots/${ids[2]}/restore`);
    await sim.advance(1_000);
    await api.post(`/v1/volumes/${volume.id}/snapshots/${ids[1]}/restore`);
    const list = await api.get(`/v1/volumes/${volume.id}/restore-histories?sort=snapshotName:asc&limit=1`);
    expect(list.status).toBe(200);
    expect(list.body.paging).toEqual({ limit: 1, page: 1, totalCount: 2 });
    expect(list.body.restoreHistories.map((h: { snapshotName: string }) => h.snapshotName)).toEqual(['s-a']);
    const desc = await api.get(`/v1/volumes/${volume.id}/restore-histories?sort=requestedAt:desc`);
    expect(desc.body.restoreHistories.map((h: { snapshotName: string }) => h.snapshotName)).toEqual(['s-a', 's-c']);
    expectFailure(await api.get(`/v1/volumes/${volume.id}/restore-histories?sort=sizeGb:asc`), 400, 'sort');
  });
});
