// The HTTP control API and the Alertmanager webhook, mounted on the daemon's HTTP server only when
// NASORCH_API_TOKEN is set. Every route refuses (401) without the bearer token. The routes are thin:
// each turns a request into one call of the failover control and its answer or refusal into JSON.
// A webhook only ever creates runs awaiting approval: it never stops, inverts or wipes on its own.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { readAlertmanagerPayload } from './alertmanager-payload.ts';
import { bearerTokenChecker } from './bearer-token.ts';

/** A failover run as the API shows it (the service's own view; plain JSON). */
export type RunView = Record<string, unknown> & { id: string; state: string };

export interface StartRunInput {
  group: string;
  kind: string;
  planHash?: string;
  confirm: string[];
  reason?: string;
  /** Failback: the operator accepts an invert on a HALT pair (A4) before a drill has shown it. */
  ackInvertOnHalt?: boolean;
  /** Emergency: the operator declares the source region down (instead of recorded probes). */
  declare?: boolean;
  trigger: 'http' | 'alertmanager';
  idempotencyKey?: string;
  alertGroupKey?: string;
  /** Create the run in awaiting_approval (webhooks), planned at this moment. */
  awaitingApproval?: boolean;
}

/** What the routes need from the failover service. */
export interface FailoverControl {
  start(input: StartRunInput): Promise<{ run: RunView; created: boolean }>;
  get(runId: string): Promise<RunView | undefined>;
  approve(runId: string, input: { planHash: string; confirm: string[] }): Promise<RunView>;
  abort(runId: string, reason?: string): Promise<RunView>;
}

/** A refusal the service explains; `code` picks the HTTP status. */
export interface ControlRefusal {
  code: string;
  message: string;
}

const STATUS_BY_CODE: Record<string, number> = {
  'not-found': 404,
  'active-run': 409,
  'bad-state': 409,
  'plan-hash-mismatch': 409,
  'unconfirmed-wipe': 409,
  'precheck-failed': 422,
  'unknown-group': 422,
  'invalid-input': 400,
  'no-daemon': 503,
};

export interface ControlApiOptions {
  token: string;
  control: FailoverControl;
  /** Recognises the service's refusals (anything else is a 500 with a one-line message). */
  asRefusal(err: unknown): ControlRefusal | undefined;
}

const StartBody = z.strictObject({
  group: z.string().min(1),
  kind: z.string().min(1),
  planHash: z.string().min(1),
  confirm: z.array(z.string()).default([]),
  reason: z.string().max(500).optional(),
  ackInvertOnHalt: z.boolean().optional(),
  declare: z.boolean().optional(),
});
const ApproveBody = z.strictObject({ planHash: z.string().min(1), confirm: z.array(z.string()).default([]) });
const AbortBody = z.strictObject({ reason: z.string().max(500).optional() }).default({});
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function registerControlApi(server: FastifyInstance, options: ControlApiOptions): void {
  const check = bearerTokenChecker(options.token);
  server.register(async (api) => {
    api.addHook('onRequest', async (request, reply) => {
      const verdict = check(request.headers.authorization);
      if (verdict !== 'ok') {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: verdict === 'missing' ? 'Authorization: Bearer <NASORCH_API_TOKEN> required' : 'wrong token' });
      }
    });

    api.post('/v1/failover-runs', async (request, reply) => {
      const body = parse(StartBody, request.body, reply);
      if (!body) return reply;
      const key = request.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
        return reply.code(400).send({ error: 'Idempotency-Key: 1–200 visible ASCII characters' });
      }
      return answer(reply, options, async () => {
        const { run, created } = await options.control.start({ ...body, trigger: 'http', ...(key ? { idempotencyKey: key } : {}) });
        reply.code(created ? 201 : 200);
        return run;
      });
    });

    api.get<{ Params: { id: string } }>('/v1/failover-runs/:id', async (request, reply) =>
      answer(reply, options, async () => {
        const run = await options.control.get(request.params.id);
        if (!run) throw { code: 'not-found', message: `no failover run ${request.params.id}` } satisfies ControlRefusal;
        return run;
      }),
    );

    api.post<{ Params: { id: string } }>('/v1/failover-runs/:id/approve', async (request, reply) => {
      const body = parse(ApproveBody, request.body, reply);
      if (!body) return reply;
      return answer(reply, options, () => options.control.approve(request.params.id, body));
    });

    api.post<{ Params: { id: string } }>('/v1/failover-runs/:id/abort', async (request, reply) => {
      const body = parse(AbortBody, request.body ?? {}, reply);
      if (!body) return reply;
      return answer(reply, options, () => options.control.abort(request.params.id, body.reason));
    });

    api.post('/hooks/alertmanager', async (request, reply) => {
      const read = readAlertmanagerPayload(request.body);
      if (!read.ok) return reply.code(400).send({ error: read.error });
      const runs: unknown[] = [];
      const refused: unknown[] = [];
      for (const wanted of read.requests) {
        try {
          const { run, created } = await options.control.start({
            group: wanted.group,
            kind: wanted.kind,
            confirm: [],
            reason: wanted.reason,
            trigger: 'alertmanager',
            alertGroupKey: wanted.groupKey,
            awaitingApproval: true,
          });
          runs.push({ id: run.id, state: run.state, created });
        } catch (err) {
          const refusal = options.asRefusal(err) ?? asControlRefusal(err);
          if (!refusal) throw err;
          refused.push({ group: wanted.group, kind: wanted.kind, code: refusal.code, error: refusal.message });
        }
      }
      return reply.code(202).send({ runs, refused, ignored: read.ignored });
    });
  });
}

function parse<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  reply.code(400).send({ error: `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}` });
  return undefined;
}

async function answer(reply: FastifyReply, options: ControlApiOptions, work: () => Promise<unknown>): Promise<FastifyReply> {
  try {
    const result = await work();
    return reply.send(result);
  } catch (err) {
    const refusal = options.asRefusal(err) ?? asControlRefusal(err);
    if (refusal) return reply.code(STATUS_BY_CODE[refusal.code] ?? 409).send({ error: refusal.message, code: refusal.code });
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return reply.code(500).send({ error: message });
  }
}

function asControlRefusal(err: unknown): ControlRefusal | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err && !(err instanceof Error)) {
    const { code, message } = err as ControlRefusal;
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  }
  return undefined;
}
