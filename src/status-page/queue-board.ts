// Bull Board (BullMQ's own queue UI) at /queues, read-only, mounted only when NASORCH_API_TOKEN is
// set and behind it: `Authorization: Bearer <token>`, or HTTP Basic with the token as password so a
// browser can log in. Actions stay with the CLI: a click must not retry or remove a snapshot job.
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { bearerTokenChecker } from '../control-api/bearer-token.ts';

export const QUEUE_BOARD_PATH = '/queues';

export function queueBoardRoute(queue: Queue, token: string) {
  const bearer = bearerTokenChecker(token);
  const accepts = (authorization: string | undefined): boolean => {
    const basic = /^Basic[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const password = decoded.slice(decoded.indexOf(':') + 1);
      return bearer(`Bearer ${password}`) === 'ok';
    }
    return bearer(authorization) === 'ok';
  };
  return (app: FastifyInstance): void => {
    void app.register(
      async (scope) => {
        // Loaded only when the token is set: a daemon without it never pays for the UI's modules.
        const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
          import('@bull-board/api'),
          import('@bull-board/api/bullMQAdapter'),
          import('@bull-board/fastify'),
        ]);
        const serverAdapter = new FastifyAdapter();
        serverAdapter.setBasePath(QUEUE_BOARD_PATH);
        createBullBoard({ queues: [new BullMQAdapter(queue, { readOnlyMode: true })], serverAdapter });
        scope.addHook('onRequest', async (request, reply) => {
          if (accepts(request.headers.authorization)) return;
          return reply
            .code(401)
            .header('www-authenticate', 'Basic realm="nasorch queues", charset="UTF-8"')
            .send({ error: 'Authorization: Bearer <NASORCH_API_TOKEN> (or Basic, with the token as password) required' });
        });
        await scope.register(serverAdapter.registerPlugin() as Parameters<FastifyInstance['register']>[0]);
      },
      { prefix: QUEUE_BOARD_PATH },
    );
  };
}
