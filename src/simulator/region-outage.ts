// A region outage (the `outage` switch): every request to that region's NAS endpoint hangs,
// has its connection dropped, or gets a 503 from the gateway, while the other region and
// Identity (one global host) answer as usual. Replication across the cut stops too
// (replication.ts); clients inside the region may still write (a partition: that is the
// unreplicated tail an emergency failover loses). One port serves both regions, so
// `refuse` drops the connection at once rather than refusing it at TCP level.
import type { FastifyInstance } from 'fastify';
import { errorBody } from './envelope.ts';
import type { HeldRequests } from './held-requests.ts';
import { isRegion, type Region, type SimWorld } from './model.ts';

function regionOf(url: string): Region | undefined {
  const name = /^\/([^/?]+)/.exec(url)?.[1]?.toUpperCase() ?? '';
  return isRegion(name) ? name : undefined;
}

export function installRegionOutage(app: FastifyInstance, world: SimWorld, held: HeldRequests): void {
  app.addHook('onRequest', async (request, reply) => {
    const region = regionOf(request.url);
    if (!region) return;
    const mode = world.switches.outage[region];
    if (mode === 'none') return;
    if (mode === 'unavailable') return reply.code(503).type('application/json').send(errorBody(503, 'Service Unavailable'));
    reply.hijack();
    if (mode === 'refuse') request.raw.socket.destroy();
    else held.hang(request.raw.socket);
    return reply;
  });
}
