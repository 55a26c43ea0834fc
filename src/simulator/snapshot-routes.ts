// /v1/volumes/:volumeId/snapshots…: list, create, view (optionally with reclaimableSpace),
// delete and restore.
import { queryBoolean } from './listing.ts';
import { created, ok, param, type NasContext, type NasRoute } from './nas-route.ts';
import { snapshotView } from './render.ts';
import { createSnapshot, deleteSnapshot, findSnapshot, restoreSnapshot } from './snapshots.ts';
import { parseBody, SnapshotCreateBody } from './validation.ts';

const volumeOf = (ctx: NasContext) => ctx.world.volume(ctx.region, param(ctx, 'volumeId'));

export const snapshotRoutes: NasRoute[] = [
  {
    method: 'GET',
    url: '/v1/volumes/:volumeId/snapshots',
    handler: (ctx) => ok({ snapshots: volumeOf(ctx).snapshots.map((s) => snapshotView(s)) }),
  },
  {
    method: 'POST',
    url: '/v1/volumes/:volumeId/snapshots',
    handler: (ctx) => {
      const volume = volumeOf(ctx);
      const { name } = parseBody(SnapshotCreateBody, ctx.body).snapshot;
      return created({ snapshot: snapshotView(createSnapshot(ctx.world, volume, name)) });
    },
  },
  {
    method: 'GET',
    url: '/v1/volumes/:volumeId/snapshots/:snapshotId',
    handler: (ctx) => {
      const withReclaimable = queryBoolean(ctx.query, 'showReclaimableSpace');
      return ok({ snapshot: snapshotView(findSnapshot(volumeOf(ctx), param(ctx, 'snapshotId')), withReclaimable) });
    },
  },
  {
    method: 'DELETE',
    url: '/v1/volumes/:volumeId/snapshots/:snapshotId',
    handler: (ctx) => {
      deleteSnapshot(ctx.world, volumeOf(ctx), param(ctx, 'snapshotId'));
      return ok();
    },
  },
  {
    method: 'POST',
    url: '/v1/volumes/:volumeId/snapshots/:snapshotId/restore',
    handler: (ctx) => {
      restoreSnapshot(ctx.world, volumeOf(ctx), param(ctx, 'snapshotId'), ctx.ip);
      return ok();
    },
  },
];
