// PostgreSQL for the commands that only read records or set a flag (history, alerts, check,
// pause/resume): no Redis, no migration, no database creation. A database that does not exist
// or is not migrated is a one-line error naming it.
import pg from 'pg';
import { splitDatabaseUrl } from '../daemon/services.ts';
import { connectionError, readLocalMigrations } from '../db/migrate.ts';
import { createPrisma, type PrismaClient } from '../db/prisma.ts';
import { serviceSettings } from '../settings/settings.ts';
import { CommandError } from './command-context.ts';
import type { CliIo } from './output.ts';

/** PostgreSQL cannot be used (unreachable, missing, not migrated): `check` reports UNKNOWN. */
export class DatabaseUnavailableError extends CommandError {
  override name = 'DatabaseUnavailableError';
}

export interface DatabaseDeps {
  databaseSchema?: string;
}

export async function withDatabase<T>(io: CliIo, deps: DatabaseDeps, fn: (prisma: PrismaClient) => Promise<T>): Promise<T> {
  const { url, schema: urlSchema } = splitDatabaseUrl(serviceSettings(io.env).databaseUrl);
  const schema = deps.databaseSchema ?? urlSchema ?? 'public';
  await checkDatabase(url, schema);
  const prisma = createPrisma({ databaseUrl: url, schema });
  try {
    return await fn(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

async function checkDatabase(databaseUrl: string, schema: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (err) {
    if ((err as { code?: string }).code === '3D000') {
      throw new DatabaseUnavailableError(`database "${name}" does not exist on ${target.host} (DATABASE_URL); create it with \`nasorch db migrate\``);
    }
    throw new DatabaseUnavailableError(connectionError(databaseUrl, err).message);
  }
  try {
    const table = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${schema.replace(/"/g, '""')}"."_prisma_migrations"`]);
    if (table.rows[0]?.t === null) {
      throw new DatabaseUnavailableError(`database "${name}" (schema ${schema}) holds no nasorch records yet; run \`nasorch db migrate\` (or start the daemon)`);
    }
    const applied = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "${schema.replace(/"/g, '""')}"."_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const done = new Set(applied.rows.map((r) => r.migration_name));
    const missing = (await readLocalMigrations()).map((m) => m.name).filter((m) => !done.has(m));
    if (missing.length > 0) {
      throw new DatabaseUnavailableError(`database "${name}" (schema ${schema}) is not migrated to this version (missing ${missing.join(', ')}); run \`nasorch db migrate\``);
    }
  } finally {
    await client.end().catch(() => {});
  }
}
