// /healthz: the process is up. /readyz: Redis and PostgreSQL answer (503 naming what does not).
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.ts';
import { DEFAULT_HTTP_HOST } from '../settings/settings.ts';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export async function startHealthServer(options: {
  port: number;
  host?: string;
  checks: ReadinessCheck[];
  log: Logger;
  /** More routes on the same server (/metrics, the status page at /, the failover control API). */
  routes?: ((app: FastifyInstance) => void)[];
}): Promise<{ server: { close(): Promise<unknown> }; url: string }> {
  // Requests are logged at info; the health server's would drown the daemon's own lines.
  const server = Fastify({ loggerInstance: options.log.child({ component: 'http' }, { level: 'warn' }) });
  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(
      options.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          return [c.name, 'ok'] as const;
        } catch (err) {
          return [c.name, `failing: ${(err as Error).message}`] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
  // The server's logger type is pino's; route modules only need the base instance type.
  for (const add of options.routes ?? []) add(server as unknown as FastifyInstance);
  const address = await server.listen({ port: options.port, host: options.host ?? DEFAULT_HTTP_HOST });
  return { server, url: address };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}
