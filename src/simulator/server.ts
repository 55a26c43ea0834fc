// The HTTP face of the simulator (fastify): Identity at /v2.0/tokens, the NAS API under
// one prefix per region (/kr1/v1/…, /kr2/v1/…), admin at /_admin. Around every NAS route:
// faults first, then 405 for a known path with another method, then X-Auth-Token, then
// the handler; errors become the NAS envelope (Keystone's body for Identity).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type HTTPMethods } from 'fastify';
import { registerAdminRoutes, ADMIN_PREFIX, type AdminActions } from './admin-routes.ts';
import { SIM_REGIONS, type SimRequestRecord, type SimulatorCredentials } from './contract.ts';
import { errorBody, header, keystoneErrorBody, NasError, standardMessage } from './envelope.ts';
import type { FaultInjector } from './faults.ts';
import { HoldRequest, type HeldRequests } from './held-requests.ts';
import { registerIdentityRoutes, TOKENS_PATH } from './identity-routes.ts';
import { loseReply, markReplyLost, replyLostFor, wasReplyLost } from './lost-replies.ts';
import { mirrorRoutes } from './mirror-routes.ts';
import { isRegion, type Region, type SimWorld } from './model.ts';
import type { NasRoute } from './nas-route.ts';
import { quirkAnswer } from './quirks-render.ts';
import { installRegionOutage } from './region-outage.ts';
import type { RequestLog } from './request-log.ts';
import { snapshotRoutes } from './snapshot-routes.ts';
import type { TokenStore } from './tokens.ts';
import { volumeRoutes } from './volume-routes.ts';

export const NAS_ROUTES: NasRoute[] = [...volumeRoutes, ...snapshotRoutes, ...mirrorRoutes];
const ALL_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export interface ServerDeps {
  world: SimWorld;
  tokens: TokenStore;
  credentials: SimulatorCredentials;
  faults: FaultInjector;
  log: RequestLog;
  held: HeldRequests;
  admin: AdminActions;
  baseUrl: () => string;
}

/** What a route is, kept in its fastify config. */
interface RouteTag {
  kind?: 'nas' | 'identity' | 'admin';
  region?: Region;
  /** Route path without the region prefix. */
  pattern?: string;
}

class BodyError extends Error {}

interface RequestFacts {
  kind: 'nas' | 'identity' | 'admin';
  region?: Region;
  /** Route pattern without region prefix, or the concrete path when no route matched. */
  route: string;
  path: string;
}

function factsOf(request: FastifyRequest): RequestFacts {
  const tag = (request.routeOptions.config ?? {}) as RouteTag;
  const rawPath = request.url.split('?')[0] ?? '/';
  const prefix = /^\/([^/]+)(\/.*)?$/.exec(rawPath);
  const regionName = prefix?.[1]?.toUpperCase() ?? '';
  const region = tag.region ?? (isRegion(regionName) ? regionName : undefined);
  const path = region ? (prefix?.[2] ?? '/') : rawPath;
  const kind = tag.kind ?? (rawPath.startsWith(ADMIN_PREFIX) ? 'admin' : rawPath.startsWith('/v2.0') ? 'identity' : 'nas');
  return { kind, ...(region ? { region } : {}), route: tag.pattern ?? path, path };
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  const body = factsOf(request).kind === 'identity' ? keystoneErrorBody(status, message) : errorBody(status, message);
  return reply.code(status).type('application/json').send(body);
}

function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new BodyError(`request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    done(new BodyError(`request body must be JSON sent as Content-Type: application/json (got ${request.headers['content-type']})`), undefined);
  });
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const { world, tokens, faults, log, held } = deps;
  const app = Fastify({ logger: false, forceCloseConnections: true, exposeHeadRoutes: false });
  installBodyParsers(app);

  app.addHook('onRequest', async (request, reply) => {
    world.clock.catchUp();
    const facts = factsOf(request);
    if (facts.kind === 'admin') return;
    const decision = faults.decide({ method: request.method, route: facts.route, path: facts.path, ...(facts.region ? { region: facts.region } : {}) });
    if (!decision) return;
    if (decision.latencyMs > 0) await held.delay(decision.latencyMs, request.raw.socket);
    if (decision.hang) {
      reply.hijack();
      held.hang(request.raw.socket);
      return reply;
    }
    if (decision.status !== undefined) return sendError(request, reply, decision.status, standardMessage(decision.status));
    if (decision.loseReply !== undefined) markReplyLost(request, decision.loseReply);
    world.clock.catchUp();
  });
  installRegionOutage(app, world, held);
  // Clients take server time from `Date` (runbooks compare it with transfer end times): the simulated clock's.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('date', world.clock.now().toUTCString());
  });

  const record = (request: FastifyRequest, outcome: { status: number; replyLost?: SimRequestRecord['replyLost'] }) => {
    const facts = factsOf(request);
    log.add({
      method: request.method,
      route: `${request.method} ${facts.route}`,
      path: facts.path,
      ...(facts.region ? { region: facts.region } : {}),
      ...outcome,
      at: world.clock.now(),
    });
  };
  /** Answers `status`, unless a loseReply fault marked the request: then the reply is lost. */
  const answer = (request: FastifyRequest, reply: FastifyReply, status: number, send: () => FastifyReply | Promise<FastifyReply>) => {
    const lost = replyLostFor(request);
    if (lost === undefined) return send();
    return loseReply(request, reply, lost, status, {
      held,
      record: (outcome) => record(request, outcome),
      sendStatus: (gateway) => sendError(request, reply, gateway, standardMessage(gateway)),
    });
  };

  app.addHook('onResponse', async (request, reply) => {
    if (factsOf(request).kind === 'admin' || wasReplyLost(request)) return;
    record(request, { status: reply.statusCode });
  });

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof HoldRequest) {
      reply.hijack();
      held.hang(request.raw.socket);
      return reply;
    }
    if (err instanceof NasError) return answer(request, reply, err.status, () => sendError(request, reply, err.status, err.message));
    if (err instanceof BodyError) return sendError(request, reply, 400, err.message);
    const statusCode = (err as { statusCode?: number }).statusCode;
    if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) return sendError(request, reply, statusCode, (err as Error).message);
    return sendError(request, reply, 500, `Internal Server Error: ${(err as Error).message}`);
  });

  app.setNotFoundHandler((request, reply) => {
    const facts = factsOf(request);
    return sendError(request, reply, 404, `Not Found: no resource at ${request.method} ${facts.region ? `/${facts.region.toLowerCase()}` : ''}${facts.path}`);
  });

  registerIdentityRoutes(app, { credentials: deps.credentials, account: world.account, tokens, baseUrl: deps.baseUrl, quirks: () => world.quirks });
  for (const method of ALL_METHODS.filter((m) => m !== 'POST')) {
    app.route({
      method,
      url: TOKENS_PATH,
      config: { kind: 'identity', pattern: TOKENS_PATH } satisfies RouteTag,
      handler: (request, reply) => sendError(request, reply, 405, `Method ${method} is not allowed on ${TOKENS_PATH}`),
    });
  }

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.headers['x-auth-token'];
    if (typeof token !== 'string' || !tokens.validate(token)) return sendError(request, reply, 401, 'Authorization failed');
  };

  for (const region of SIM_REGIONS) {
    const prefix = `/${region.toLowerCase()}`;
    const urls = [...new Set(NAS_ROUTES.map((r) => r.url))];
    for (const url of urls) {
      const routes = NAS_ROUTES.filter((r) => r.url === url);
      const config: RouteTag = { kind: 'nas', region, pattern: url };
      for (const route of routes) {
        app.route({
          method: route.method,
          url: `${prefix}${url}`,
          config,
          onRequest: authenticate,
          handler: async (request, reply) => {
            const result = route.handler({
              world,
              region,
              params: request.params as Record<string, string>,
              query: request.query as Record<string, string | string[] | undefined>,
              body: request.body,
              ip: request.ip,
            });
            return answer(request, reply, result.status, () => reply.code(result.status).send(quirkAnswer(world.quirks, { header: header(result.status), ...result.body })));
          },
        });
      }
      const allowed = routes.map((r) => r.method);
      for (const method of ALL_METHODS.filter((m) => !allowed.includes(m))) {
        app.route({
          method,
          url: `${prefix}${url}`,
          config,
          handler: (request, reply) => {
            reply.header('allow', allowed.join(', '));
            return sendError(request, reply, 405, `Method ${method} is not allowed on ${url}`);
          },
        });
      }
    }
  }

  registerAdminRoutes(app, deps.admin);
  return app;
}
