// GET / on the daemon's HTTP server: the status page, rendered on each request from data
// cached for a few seconds. A failed read answers 503 with a plain page saying what failed.
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.ts';
import { escapeHtml } from './html.ts';
import { loadStatusPageData, type PageDataSource } from './page-data.ts';
import { renderStatusPage } from './render-page.ts';

export function statusPageRoute(source: PageDataSource, options: { refreshSeconds?: number; log: Logger }) {
  const refreshSeconds = options.refreshSeconds ?? 30;
  return (app: FastifyInstance): void => {
    app.get('/', async (_req, reply) => {
      reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
      try {
        return renderStatusPage(await loadStatusPageData(source), { refreshSeconds });
      } catch (err) {
        const message = (err as Error).message.split('\n').find((l) => l.trim()) ?? 'unknown error';
        options.log.warn({ err: { message } }, 'status page: cannot read the cluster state');
        return reply
          .code(503)
          .send(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="${refreshSeconds}"><link rel="icon" href="data:,"><title>nasorch status: unavailable</title></head><body><h1>nasorch status unavailable</h1><p>Cannot read the cluster state (PostgreSQL / Redis): ${escapeHtml(message)}</p></body></html>`,
          );
      }
    });
  };
}
