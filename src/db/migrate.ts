// Applies prisma/migrations/*/migration.sql the way `prisma migrate deploy` does, because
// Prisma's native schema engine is not always available (offline machines). Rows in
// `_prisma_migrations` are written exactly as Prisma writes them, so a later
// `prisma migrate deploy` on a connected machine sees the same history and agrees.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { packagePath } from '../package-root.ts';

export const MIGRATIONS_DIR = packagePath('prisma', 'migrations');

/** The advisory lock key Prisma's migrate holds while applying. */
const PRISMA_MIGRATE_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateOptions {
  databaseUrl: string;
  /** PostgreSQL schema to migrate (created if missing); default "public". */
  schema?: string;
  migrationsDir?: string;
  log?: (message: string) => void;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

export async function readLocalMigrations(dir = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksum(sql) };
    }),
  );
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates the database named in the URL when it does not exist, as `prisma migrate deploy` does. */
export async function ensureDatabase(databaseUrl: string, log: (m: string) => void = () => {}): Promise<void> {
  const target = new URL(databaseUrl);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!dbName) return;
  const probe = new pg.Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw connectionError(databaseUrl, err);
  } finally {
    await probe.end().catch(() => {});
  }
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${quoteIdent(dbName)}`);
    log(`created database ${dbName}`);
  } catch (err) {
    // 42P04: exists; 23505: another process created it at the same moment.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw connectionError(databaseUrl, err);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Describes a connection failure without the URL's password. */
export function connectionError(databaseUrl: string, err: unknown): MigrationError {
  const url = new URL(databaseUrl);
  url.password = '';
  const why = err instanceof Error ? err.message : String(err);
  return new MigrationError(`cannot use PostgreSQL at ${url.host}${url.pathname}: ${why}`);
}

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const schema = options.schema ?? 'public';
  const local = await readLocalMigrations(options.migrationsDir);
  await ensureDatabase(options.databaseUrl, log);

  const client = new pg.Client({ connectionString: options.databaseUrl });
  try {
    await client.connect();
  } catch (err) {
    throw connectionError(options.databaseUrl, err);
  }
  try {
    // Lock first: concurrent CREATE SCHEMA IF NOT EXISTS can still collide.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`SET search_path TO ${quoteIdent(schema)}`);
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        rolled_back_at: Date | null;
      }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at');

      const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
      if (failed) {
        throw new MigrationError(
          `migration ${failed.migration_name} failed earlier and was not resolved; fix the database, then mark it ` +
            `with \`prisma migrate resolve --applied|--rolled-back ${failed.migration_name}\` or delete its row in _prisma_migrations`,
        );
      }
      const done = new Map(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => [r.migration_name, r]));
      const result: MigrateResult = { applied: [], alreadyApplied: [] };
      for (const migration of local) {
        const existing = done.get(migration.name);
        if (existing) {
          if (existing.checksum !== migration.checksum) {
            log(`warning: migration ${migration.name} was modified after it was applied (checksum differs)`);
          }
          result.alreadyApplied.push(migration.name);
          continue;
        }
        await applyOne(client, migration);
        log(`applied migration ${migration.name}`);
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, migration.checksum, migration.name],
  );
  try {
    await client.query('BEGIN');
    await client.query(migration.sql);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    const why = err instanceof Error ? err.message : String(err);
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, why]);
    throw new MigrationError(`migration ${migration.name} failed: ${why}`);
  }
  await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
}
