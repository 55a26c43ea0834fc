import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checksum, migrate, MigrationError, readLocalMigrations } from '../../src/db/migrate.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueName, withPg } from '../support/db.ts';

const schemas: string[] = [];
const fresh = () => {
  const s = uniqueName('mig');
  schemas.push(s);
  return s;
};
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
});

describe('migrate', () => {
  it('applies every migration once and records it as Prisma does', async () => {
    const schema = fresh();
    const local = await readLocalMigrations();
    expect(local.length).toBeGreaterThan(0);

    const first = await migrate({ databaseUrl: TEST_DATABASE_URL, schema });
    expect(first.applied).toEqual(local.map((m) => m.name));
    const second = await migrate({ databaseUrl: TEST_DATABASE_URL, schema });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(local.map((m) => m.name));

    const rows = await withPg(async (c) => {
      const r = await c.query(`SELECT * FROM "${schema}"."_prisma_migrations" ORDER BY migration_name`);
      return r.rows;
    });
    expect(rows).toHaveLength(local.length);
    for (const [i, row] of rows.entries()) {
      expect(row.migration_name).toBe(local[i]!.name);
      expect(row.checksum).toBe(local[i]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('the _prisma_migrations table has Prisma’s exact columns', async () => {
    const schema = fresh();
    await migrate({ databaseUrl: TEST_DATABASE_URL, schema });
    const cols = await withPg(async (c) => {
      const r = await c.query(
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
           FROM information_schema.columns WHERE table_schema = $1 AND table_name = '_prisma_migrations'
          ORDER BY ordinal_position`,
        [schema],
      );
      return r.rows.map((x) => [x.column_name, x.data_type, x.character_maximum_length, x.is_nullable, x.column_default]);
    });
    expect(cols).toEqual([
      ['id', 'character varying', 36, 'NO', null],
      ['checksum', 'character varying', 64, 'NO', null],
      ['finished_at', 'timestamp with time zone', null, 'YES', null],
      ['migration_name', 'character varying', 255, 'NO', null],
      ['logs', 'text', null, 'YES', null],
      ['rolled_back_at', 'timestamp with time zone', null, 'YES', null],
      ['started_at', 'timestamp with time zone', null, 'NO', 'now()'],
      ['applied_steps_count', 'integer', null, 'NO', '0'],
    ]);
  });

  it('two migrators at once apply each migration exactly once', async () => {
    const schema = fresh();
    const [a, b] = await Promise.all([
      migrate({ databaseUrl: TEST_DATABASE_URL, schema }),
      migrate({ databaseUrl: TEST_DATABASE_URL, schema }),
    ]);
    const local = await readLocalMigrations();
    expect([...a.applied, ...b.applied].sort()).toEqual(local.map((m) => m.name).sort());
    const count = await withPg(async (c) => (await c.query(`SELECT count(*)::int AS n FROM "${schema}"."_prisma_migrations"`)).rows[0].n);
    expect(count).toBe(local.length);
  });

  it('records a failed migration and refuses to continue until it is resolved', async () => {
    const schema = fresh();
    const dir = await mkdtemp(path.join(tmpdir(), 'nasorch-mig-'));
    try {
      await mkdir(path.join(dir, '001_ok'));
      await writeFile(path.join(dir, '001_ok', 'migration.sql'), 'CREATE TABLE "a" ("id" INTEGER);');
      await mkdir(path.join(dir, '002_bad'));
      await writeFile(path.join(dir, '002_bad', 'migration.sql'), 'CREATE TABLE "b" ("id" INTEGER);\nSELECT * FROM "missing_table";');
      await mkdir(path.join(dir, '003_later'));
      await writeFile(path.join(dir, '003_later', 'migration.sql'), 'CREATE TABLE "c" ("id" INTEGER);');

      await expect(migrate({ databaseUrl: TEST_DATABASE_URL, schema, migrationsDir: dir })).rejects.toThrow(/002_bad failed: .*missing_table/);
      const rows = await withPg(async (c) => (await c.query(`SELECT migration_name, finished_at, logs FROM "${schema}"."_prisma_migrations" ORDER BY migration_name`)).rows);
      expect(rows.map((r) => r.migration_name)).toEqual(['001_ok', '002_bad']);
      expect(rows[1].finished_at).toBeNull();
      expect(rows[1].logs).toMatch(/missing_table/);
      // The failed migration's statements were rolled back; the later one never ran.
      const tables = await withPg(async (c) => (await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema])).rows.map((r) => r.table_name));
      expect(tables).toEqual(['_prisma_migrations', 'a']);

      const again = migrate({ databaseUrl: TEST_DATABASE_URL, schema, migrationsDir: dir });
      await expect(again).rejects.toBeInstanceOf(MigrationError);
      await expect(migrate({ databaseUrl: TEST_DATABASE_URL, schema, migrationsDir: dir })).rejects.toThrow(/002_bad failed earlier/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('checksum is the SHA-256 of the file as UTF-8', () => {
    expect(checksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('names the server, not the password, when PostgreSQL cannot be reached', async () => {
    const err = await migrate({ databaseUrl: 'postgresql://postgres:s3cret-pw@127.0.0.1:1/nasorch', schema: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.message).toContain('127.0.0.1:1');
    expect(err.message).not.toContain('s3cret-pw');
  });
});
