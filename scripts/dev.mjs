#!/usr/bin/env node
// `npm run dev -- <command>` and the tests: the command line from the TypeScript sources
// through tsx (a dev dependency), no build needed. Generates the Prisma client when missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

if (!existsSync(fileURLToPath(new URL('../src/generated/prisma/client.ts', import.meta.url)))) {
  execFileSync(process.execPath, [fileURLToPath(new URL('./setup.mjs', import.meta.url)), '--quiet', '--generate-only'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
register();
await import('../src/cli/entry.ts');
