// A private PostgreSQL schema per test file, migrated with the project's own migrator.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.ts';
import { createPrisma, type PrismaClient } from '../../src/db/prisma.ts';

export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/nasorch_test';

export interface TestDatabase {
  databaseUrl: string;
  schema: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const schema = uniqueName('t');
  if (options.migrate !== false) await migrate({ databaseUrl: TEST_DATABASE_URL, schema });
  const prisma = createPrisma({ databaseUrl: TEST_DATABASE_URL, schema });
  return {
    databaseUrl: TEST_DATABASE_URL,
    schema,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropSchema(schema);
    },
  };
}

export async function withPg<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function dropSchema(schema: string): Promise<void> {
  return withPg(async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
}
