#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx nasorch` works right after
// `npm install` with no build step. Generates the Prisma client first if an install
// skipped our postinstall script (npm 11 asks before running install scripts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

if (!existsSync(fileURLToPath(new URL('../src/generated/prisma/client.ts', import.meta.url)))) {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/setup.mjs', import.meta.url)), '--quiet', '--generate-only'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
