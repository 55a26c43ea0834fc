// The HTTP control API and the Alertmanager webhook on the daemon's server, enabled only when
// NASORCH_API_TOKEN is set. Every route needs `Authorization: Bearer <token>` (compared in
// constant time over sha256 digests). A webhook only ever creates a run in awaiting_approval:
// it never executes a step that stops, inverts or wipes on its own.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { FailoverRefusal, type FailoverService, type RefusalCode } from './service.ts';

const STATUS: Record<RefusalCode, number> = {
  'plan-hash-mismatch': 409,
  'unconfirmed-wipe': 409,
  'precheck-failed': 409,
  'active-run': 409,
  'bad-state': 409,
  'no-daemon': 503,
  'not-found': 404,
  'bad-input': 400,
};

const digest = (text: string) => createHash('sha256').update(text).digest();

export function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token));
}

const StartBody = z.object({
  group: z.string().min(1),
  kind: z.string().min(1),
  planHash: z.string().min(1),
  confirm: z.array(z.string()).optional(),
  reason: z.string().optional(),
  ackInvertOnHalt: z.boolean().optional(),
  declare: z.boolean().optional(),
});
const ApproveBody = z.object({ planHash: z.string().min(1), confirm: z.array(z.string()).optional() });
const AbortBody = z.object({ reason: z.string().optional() }).optional();
const AlertmanagerBody = z.looseObject({
  version: z.literal('4'),
  groupKey: z.string().min(1),
  status: z.string(),
  alerts: z.array(z.looseObject({ status: z.string(), labels: z.record(z.string(), z.string()).default({}) })),
});

function badBody(reply: FastifyReply, error: z.ZodError) {
  const issue = error.issues[0]!;
  return reply.code(400).send({ error: { code: 'bad-input', message: `request body: ${issue.path.join('.') || '(root)'}: ${issue.message}` } });
}

async function answer(reply: FastifyReply, fn: () => Promise<unknown>, okStatus = 200) {
  try {
    return reply.code(okStatus).send(await fn());
  } catch (err) {
    if (err instanceof FailoverRefusal) return reply.code(STATUS[err.code]).send({ error: err.toJSON() });
    throw err;
  }
}

export function registerFailoverRoutes(server: FastifyInstance, options: { service: () => FailoverService; token: string }): void {
  const { token } = options;
  server.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/v1/') && !path.startsWith('/hooks/')) return;
    if (!tokenMatches(request.headers.authorization, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: { code: 'unauthorized', message: 'missing or wrong bearer token' } });
    }
  });

  server.post('/v1/failover-runs', async (request, reply) => {
    const body = StartBody.safeParse(request.body);
    if (!body.success) return badBody(reply, body.error);
    const key = request.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' && key.trim() ? key.trim() : undefined;
    const service = options.service();
    const repeated = idempotencyKey ? await service.byIdempotencyKey(idempotencyKey) : null;
    if (repeated) return reply.code(200).send(repeated);
    return answer(reply, () => service.start({ ...body.data, trigger: 'http', ...(idempotencyKey ? { idempotencyKey } : {}) }), 201);
  });

  server.get<{ Params: { id: string } }>('/v1/failover-runs/:id', async (request, reply) =>
    answer(reply, async () => ({ ...(await options.service().runStatus(request.params.id)), events: await options.service().events(request.params.id) })),
  );

  server.post<{ Params: { id: string } }>('/v1/failover-runs/:id/approve', async (request, reply) => {
    const body = ApproveBody.safeParse(request.body);
    if (!body.success) return badBody(reply, body.error);
    return answer(reply, () => options.service().approve(request.params.id, body.data));
  });

  server.post<{ Params: { id: string } }>('/v1/failover-runs/:id/abort', async (request, reply) => {
    const body = AbortBody.safeParse(request.body ?? undefined);
    if (!body.success) return badBody(reply, body.error);
    return answer(reply, () => options.service().abort(request.params.id, body.data?.reason ?? 'aborted through the control API'));
  });

  server.post('/hooks/alertmanager', async (request, reply) => {
    const body = AlertmanagerBody.safeParse(request.body);
    if (!body.success) return badBody(reply, body.error);
    const service = options.service();
    const created: string[] = [];
    const refused: { group: string; kind: string; error: unknown }[] = [];
    const firing = body.data.alerts.find((a) => a.status === 'firing' && a.labels.nasorch_group && a.labels.nasorch_kind);
    if (body.data.status === 'firing' && firing) {
      const group = firing.labels.nasorch_group!;
      const kind = firing.labels.nasorch_kind!;
      try {
        // At most one run per groupKey; Alertmanager repeats deliveries (at-least-once).
        const run = await service.start({ group, kind, awaitingApproval: true, trigger: 'alertmanager', alertGroupKey: body.data.groupKey, reason: `Alertmanager ${body.data.groupKey}` });
        created.push(run.id);
      } catch (err) {
        if (!(err instanceof FailoverRefusal)) throw err;
        refused.push({ group, kind, error: err.toJSON() });
      }
    }
    return reply.code(202).send({ runs: created, refused });
  });
}
