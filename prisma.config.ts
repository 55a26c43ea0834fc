// Prisma CLI configuration. process.env rather than env(): env() throws when the variable is
// unset, even for `prisma generate` (stack-notes.md).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/nasorch' },
});
