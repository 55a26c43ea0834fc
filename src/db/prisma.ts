// The Prisma client over node-postgres (@prisma/adapter-pg): no native engine needed.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type { PrismaClient };
export * from '../generated/prisma/client.ts';

export interface DatabaseOptions {
  databaseUrl: string;
  /** PostgreSQL schema (PrismaPg ignores `?schema=` in the URL). */
  schema?: string;
}

export function createPrisma(options: DatabaseOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: options.databaseUrl }, options.schema ? { schema: options.schema } : undefined);
  return new PrismaClient({ adapter });
}
