// /v1/volumes/:volumeId/volume-mirrors…: setup, disable, start, stop, invert-direction and
// stat. Which side of the mirror works as :volumeId (through its own region's endpoint) is
// the A1 switch (`mirrorCallVolume`; default: either side).
import type { MirrorCall } from './contract.ts';
import { createMirror, deleteMirror, invertMirror, requireAcceptedSide, startMirror, statOf, stopMirror } from './mirrors.ts';
import { accepted, created, ok, param, type NasContext, type NasRoute } from './nas-route.ts';
import { mirrorStatView, mirrorView } from './render.ts';
import { MirrorCreateBody, parseBody } from './validation.ts';

/** The mirror and the side the request named, once the A1 switch accepts that side for `call`. */
function mirrorOf(ctx: NasContext, call: MirrorCall) {
  const volume = ctx.world.volume(ctx.region, param(ctx, 'volumeId'));
  const mirror = ctx.world.mirrorOf(volume, param(ctx, 'volumeMirrorId'));
  requireAcceptedSide(ctx.world, mirror, volume, call);
  return { mirror, volume };
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
      // Works with the peer region out too: each side lets go of its end (the escape hatch of A3).
      deleteMirror(mirrorOf(ctx, 'delete').mirror, ctx.world);
      return accepted();
    },
  },
  {
    method: 'POST',
    url: `${MIRROR}/start`,
    handler: (ctx) => {
      const { mirror, volume } = mirrorOf(ctx, 'start');
      startMirror(mirror, ctx.world, volume);
      return accepted();
    },
  },
  {
    method: 'POST',
    url: `${MIRROR}/stop`,
    handler: (ctx) => {
      const { mirror, volume } = mirrorOf(ctx, 'stop');
      stopMirror(mirror, ctx.world, volume);
      return accepted();
    },
  },
  {
    method: 'POST',
    url: `${MIRROR}/invert-direction`,
    handler: (ctx) => {
      const { mirror, volume } = mirrorOf(ctx, 'invert');
      invertMirror(mirror, ctx.world, volume);
      return accepted();
    },
  },
  {
    method: 'GET',
    url: `${MIRROR}/stat`,
    handler: (ctx) => {
      const { mirror, volume } = mirrorOf(ctx, 'stat');
      return ok({ volumeMirrorStat: mirrorStatView(statOf(ctx.world, mirror, volume)) });
    },
  },
];
