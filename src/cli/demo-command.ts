// `nasorch demo` (the README's first command): the simulator and a daemon in one process,
// with the example policies in ./config, so a newcomer sees snapshots taken and pruned within
// a minute. It uses its own Redis prefix and database schema so it can never touch the
// schedulers or records of a real daemon on the same machine.
import { configOption } from './config-option.ts';
import type { Command } from 'commander';
import { runFailoverDemo } from '../failover/demo.ts';
import { createLogger } from '../log/logger.ts';
import { serviceSettings, daemonTuning } from '../settings/settings.ts';
import { startSimulator } from '../simulator/index.ts';
import { runDaemonUntilSignalled } from './daemon-command.ts';
import { splitDatabaseUrl } from '../daemon/services.ts';

export const DEMO_REDIS_PREFIX = 'nasorch-demo';
export const DEMO_SCHEMA = 'nasorch_demo';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a daemon against the built-in NAS simulator with the policies in ./config')
    .addOption(configOption())
    .option('--sim-port <port>', 'simulator port (0: any free port)', '0')
    .option('--redis-prefix <prefix>', 'Redis key prefix of the demo', DEMO_REDIS_PREFIX)
    .option('--schema <name>', 'PostgreSQL schema of the demo', DEMO_SCHEMA)
    .option('--no-failover', 'skip the planned failover + failback on prod-web')
    .action(async (opts: { config: string; simPort: string; redisPrefix: string; schema: string; failover: boolean }) => {
      const log = createLogger();
      const sim = await startSimulator({ port: Number(opts.simPort), clock: 'real' });
      const service = serviceSettings();
      const db = new URL(splitDatabaseUrl(service.databaseUrl).url);
      db.searchParams.set('schema', opts.schema);
      process.stderr.write(
        [
          '',
          `nasorch demo: simulator at ${sim.url} (tenant ${sim.credentials.tenantId}), policies from ${opts.config}`,
          `  health:  http://127.0.0.1:${service.httpPort}/readyz`,
          `  history: DATABASE_URL='${db}' NASORCH_REDIS_PREFIX=${opts.redisPrefix} npx nasorch history`,
          '  Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
      if (opts.failover) {
        const identity = { identityUrl: sim.identityUrl, tenantId: sim.credentials.tenantId, username: sim.credentials.username, password: sim.credentials.password, region: 'KR1' };
        setTimeout(() => {
          runFailoverDemo({ simUrl: sim.url, service, identity, databaseSchema: opts.schema, redisPrefix: opts.redisPrefix, log, write: (line) => process.stderr.write(`${line}\n`) }).catch((err: unknown) =>
            process.stderr.write(`failover demo failed: ${(err as Error).message}\n`),
          );
        }, 3000).unref();
      }
      try {
        await runDaemonUntilSignalled({
          configDir: opts.config,
          service,
          identity: {
            identityUrl: sim.identityUrl,
            tenantId: sim.credentials.tenantId,
            username: sim.credentials.username,
            password: sim.credentials.password,
            region: 'KR1',
          },
          log,
          ...daemonTuning(),
          redisPrefix: opts.redisPrefix,
          databaseSchema: opts.schema,
          shutdownTimeoutMs: 5000,
        });
      } finally {
        await sim.close();
      }
    });
}
