// /v1/volumes…: list (filters, paging, sort), create, view, change settings, delete,
// usage, restore history, and interfaces.
import { parsePaging, parseSort, pageOf, queryInteger, queryValue, sortBy, type Query } from './listing.ts';
import type { SimVolume } from './model.ts';
import { accepted, created, ok, param, type NasRoute } from './nas-route.ts';
import { withMalformedVolumes } from './quirks-render.ts';
import { interfaceView, restoreHistoryView, volumeView } from './render.ts';
import { InterfaceCreateBody, parseBody, VolumeCreateBody, VolumePatchBody } from './validation.ts';
import { volumeUsage } from './volume-data.ts';
import { addInterface, createVolume, deleteVolume, patchVolume, removeInterface } from './volumes.ts';

const VOLUME_SORT_KEYS = ['id', 'name', 'sizeGb', 'createdAt', 'updatedAt'] as const;
const RESTORE_SORT_KEYS = ['snapshotId', 'snapshotName', 'requestedAt', 'restoredAt', 'requestedUser', 'requestedIp', 'result'] as const;

function volumeFilter(query: Query): (v: SimVolume) => boolean {
  const sizeGb = queryInteger(query, 'sizeGb', 0);
  const maxSizeGb = queryInteger(query, 'maxSizeGb', 0);
  const minSizeGb = queryInteger(query, 'minSizeGb', 0);
  const name = queryValue(query, 'name');
  const nameContains = queryValue(query, 'nameContains');
  const subnetId = queryValue(query, 'subnetId');
  return (v) =>
    (sizeGb === undefined || v.sizeGb === sizeGb) &&
    (maxSizeGb === undefined || v.sizeGb <= maxSizeGb) &&
    (minSizeGb === undefined || v.sizeGb >= minSizeGb) &&
    (name === undefined || v.name === name) &&
    (nameContains === undefined || v.name.includes(nameContains)) &&
    (subnetId === undefined || v.interfaces.some((i) => i.subnetId === subnetId));
}

export const volumeRoutes: NasRoute[] = [
  {
    method: 'GET',
    url: '/v1/volumes',
    handler: ({ world, region, query }) => {
      const paging = parsePaging(query);
      const sort = parseSort(query, VOLUME_SORT_KEYS);
      const byCreation = [...world.volumes[region].values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      const sorted = sortBy(byCreation.filter(volumeFilter(query)), sort, (v, key) => v[key]);
      const filtered = ['sizeGb', 'maxSizeGb', 'minSizeGb', 'name', 'nameContains', 'subnetId'].some((k) => query[k] !== undefined);
      const listed = withMalformedVolumes(world.quirks, region, sorted.map((v) => volumeView(world, v)), filtered);
      const page = pageOf(listed, paging);
      return ok({ paging: page.paging, volumes: page.items });
    },
  },
  {
    method: 'POST',
    url: '/v1/volumes',
    handler: ({ world, region, body }) => {
      const input = parseBody(VolumeCreateBody, body).volume;
      return created({ volume: volumeView(world, createVolume(world, region, input)) });
    },
  },
  {
    method: 'GET',
    url: '/v1/volumes/:volumeId',
    handler: (ctx) => ok({ volume: volumeView(ctx.world, ctx.world.volume(ctx.region, param(ctx, 'volumeId'))) }),
  },
  {
    method: 'PATCH',
    url: '/v1/volumes/:volumeId',
    handler: (ctx) => {
      const volume = ctx.world.volume(ctx.region, param(ctx, 'volumeId'));
      patchVolume(ctx.world, volume, parseBody(VolumePatchBody, ctx.body).volume);
      return accepted();
    },
  },
  {
    method: 'DELETE',
    url: '/v1/volumes/:volumeId',
    handler: (ctx) => {
      deleteVolume(ctx.world, ctx.world.volume(ctx.region, param(ctx, 'volumeId')));
      return accepted();
    },
  },
  {
    method: 'GET',
    url: '/v1/volumes/:volumeId/usage',
    handler: (ctx) => {
      const volume = ctx.world.volume(ctx.region, param(ctx, 'volumeId'));
      return ok({ usage: volumeUsage(volume, ctx.world.clock.nowMs()) });
    },
  },
  {
    method: 'GET',
    url: '/v1/volumes/:volumeId/restore-histories',
    handler: (ctx) => {
      const volume = ctx.world.volume(ctx.region, param(ctx, 'volumeId'));
      const paging = parsePaging(ctx.query);
      const sort = parseSort(ctx.query, RESTORE_SORT_KEYS);
      const page = pageOf(sortBy(volume.restoreHistories, sort, (h, key) => h[key]), paging);
      return ok({ paging: page.paging, restoreHistories: page.items.map(restoreHistoryView) });
    },
  },
  {
    method: 'POST',
    url: '/v1/volumes/:volumeId/interfaces',
    handler: (ctx) => {
      const volume = ctx.world.volume(ctx.region, param(ctx, 'volumeId'));
      const { subnetId } = parseBody(InterfaceCreateBody, ctx.body).interface;
      return created({ interface: interfaceView(volume, addInterface(ctx.world, volume, subnetId)) });
    },
  },
  {
    method: 'DELETE',
    url: '/v1/volumes/:volumeId/interfaces/:interfaceId',
    handler: (ctx) => {
      const volume = ctx.world.volume(ctx.region, param(ctx, 'volumeId'));
      removeInterface(ctx.world, volume, param(ctx, 'interfaceId'));
      return accepted();
    },
  },
];
