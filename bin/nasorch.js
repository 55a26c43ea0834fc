#!/usr/bin/env node
// Runs the compiled command line (dist/, made by `npm run build`; a package or a git install
// carries it). From a checkout without a build, say how to get one instead of a stack trace.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/entry.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('nasorch: not built yet (no dist/): run `npm run build`, or `npm run dev -- <command>` to run the sources\n');
  process.exit(1);
}
await import(entry.href);
