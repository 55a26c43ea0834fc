// /v1/volumes/:volumeId/volume-mirrors…: setup, disable, start, stop, invert-direction and
// stat. Any side of the mirror works as :volumeId, through its own region's endpoint.
import { createMirror, deleteMirror, invertMirror, startMirror, stopMirror } from './mirrors.ts';
import { accepted, created, ok, param, type NasContext, type NasRoute } from './nas-route.ts';
import { mirrorStatView, mirrorView } from './render.ts';
import { MirrorCreateBody, parseBody } from './validation.ts';

function mirrorOf(ctx: NasContext) {
  const volume = ctx.world.volume(ctx.region, param(ctx, 'volumeId'));
  return ctx.world.mirrorOf(volume, param(ctx, 'volumeMirrorId'));
}

const MIRROR = '/v1/volumes/:volumeId/volume-mirrors/:volumeMirrorId';

export const mirrorRoutes: NasRoute[] = [
  {
    method: 'POST',
    url: '/v1/volumes/:volumeId/volume-mirrors',
    handler: (ctx) => {
      const source = ctx.world.volume(ctx.region, param(ctx, 'volumeId'));
      const input = parseBody(MirrorCreateBody, ctx.body).volumeMirror;
      const mirror = createMirror(ctx.world, source, input);
      return created({ volumeMirror: mirrorView(ctx.world, mirror, source) });
    },
  },
  {
    method: 'DELETE',
    url: MIRROR,
    handler: (ctx) => {
      deleteMirror(mirrorOf(ctx), ctx.world);
      return accepted();
    },
  },
  {
    method: 'POST',
    url: `${MIRROR}/start`,
    handler: (ctx) => {
      startMirror(mirrorOf(ctx), ctx.world);
      return accepted();
    },
  },
  {
    method: 'POST',
    url: `${MIRROR}/stop`,
    handler: (ctx) => {
      stopMirror(mirrorOf(ctx), ctx.world);
      return accepted();
    },
  },
  {
    method: 'POST',
    url: `${MIRROR}/invert-direction`,
    handler: (ctx) => {
      invertMirror(mirrorOf(ctx), ctx.world);
      return accepted();
    },
  },
  {
    method: 'GET',
    url: `${MIRROR}/stat`,
    handler: (ctx) => ok({ volumeMirrorStat: mirrorStatView(mirrorOf(ctx)) }),
  },
];
