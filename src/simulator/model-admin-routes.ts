// /_admin routes for the data model and the switches (plain JSON, like the other admin routes):
//   GET  /_admin/switches            the switches in force
//   POST /_admin/switches            change some (partial, validated) → all of them
//   DELETE /_admin/switches          back to the start values
//   GET|POST /_admin/timing          durations (POST: partial)
//   GET|POST|DELETE /_admin/quirks   real-cloud quirks (POST: partial, or true/false for all; DELETE: start values)
//   GET  /_admin/volumes             every volume's seq / writability
//   GET  /_admin/volumes/:id         one (?region=KR1 when the id is in both regions)
//   POST /_admin/volumes/:id/writes  client writes {count?, gb?, region?} → the volume's new seq; 409 EROFS when read-only
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WriteRefused } from './client-writes.ts';
import { SimulatorConfigError } from './data-file.ts';
import { NasError } from './envelope.ts';
import type { ModelAdmin } from './model-admin.ts';

function fail(reply: FastifyReply, err: unknown) {
  if (err instanceof WriteRefused) return reply.code(409).send({ error: err.message, code: err.code });
  if (err instanceof NasError) return reply.code(err.status).send({ error: err.message });
  if (err instanceof SimulatorConfigError) return reply.code(400).send({ error: err.message });
  throw err;
}

type VolumeRequest = { Params: { volumeId: string }; Querystring: { region?: string } };

export function registerModelAdminRoutes(app: FastifyInstance, prefix: string, admin: ModelAdmin): void {
  const config = { kind: 'admin' };
  const guarded = async (reply: FastifyReply, run: () => unknown) => {
    try {
      return run();
    } catch (err) {
      return fail(reply, err);
    }
  };
  app.get(`${prefix}/switches`, { config }, async () => admin.switches());
  app.post(`${prefix}/switches`, { config }, async (request, reply) => guarded(reply, () => admin.setSwitches(request.body)));
  app.delete(`${prefix}/switches`, { config }, async () => admin.resetSwitches());
  app.get(`${prefix}/quirks`, { config }, async () => admin.quirks());
  app.post(`${prefix}/quirks`, { config }, async (request, reply) => guarded(reply, () => admin.setQuirks(request.body)));
  app.delete(`${prefix}/quirks`, { config }, async () => admin.resetQuirks());
  app.get(`${prefix}/timing`, { config }, async () => admin.timing());
  app.post(`${prefix}/timing`, { config }, async (request, reply) => guarded(reply, () => admin.setTiming(request.body)));
  app.get(`${prefix}/volumes`, { config }, async () => ({ volumes: admin.volumes() }));
  app.get<VolumeRequest>(`${prefix}/volumes/:volumeId`, { config }, async (request, reply) =>
    guarded(reply, () => admin.volumeData(request.params.volumeId, request.query.region)),
  );
  app.post<VolumeRequest>(`${prefix}/volumes/:volumeId/writes`, { config }, async (request, reply) =>
    guarded(reply, () => {
      const body = request.body ?? {};
      const region = request.query.region;
      const options = region !== undefined && typeof body === 'object' && !Array.isArray(body) ? { ...body, region } : body;
      return admin.write(request.params.volumeId, options);
    }),
  );
}
