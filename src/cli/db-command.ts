// `nasorch db migrate`: applies pending SQL migrations (the daemon also does it at start).
import type { Command } from 'commander';
import { migrate } from '../db/migrate.ts';
import { splitDatabaseUrl } from '../daemon/services.ts';
import { serviceSettings } from '../settings/settings.ts';
import { processIo, type CliIo } from './output.ts';

export async function dbMigrateCommand(io: CliIo): Promise<number> {
  const { url, schema } = splitDatabaseUrl(serviceSettings(io.env).databaseUrl);
  const result = await migrate({ databaseUrl: url, ...(schema ? { schema } : {}), log: (m) => io.stderr.write(`${m}\n`) });
  io.stdout.write(
    result.applied.length > 0
      ? `applied ${result.applied.length} migration(s): ${result.applied.join(', ')}\n`
      : `database is up to date (${result.alreadyApplied.length} migration(s) applied earlier)\n`,
  );
  return 0;
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending migrations (recorded in _prisma_migrations as Prisma does)')
    .action(async () => {
      process.exitCode = await dbMigrateCommand(processIo());
    });
}
