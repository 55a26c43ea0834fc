#!/usr/bin/env node
// `npm run build` (also `prepare`/`prepack`, and `npm start`/`npm test` through setup.mjs):
// generates the Prisma client when missing or older than the schema, then compiles src/ and
// jobs/ (generated client included) to dist/ with tsc. The SQL migrations are read from
// prisma/migrations at run time, so nothing else needs copying.
// --if-stale: do nothing when dist/ is newer than every input (directories included, so a deleted
// source counts as a change); otherwise the same clean build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
// Outside dist/ so it is never packed.
const stamp = path.join(root, 'node_modules', '.cache', 'nasorch', 'build-stamp');
const inputs = ['src', 'jobs', 'prisma/schema.prisma', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const e of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

function isFresh() {
  if (!existsSync(path.join(dist, 'src', 'cli', 'entry.js')) || !existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return inputs.every((i) => newestMtime(path.join(root, i)) <= built);
}

if (process.argv.includes('--if-stale') && isFresh()) process.exit(0);

const quiet = process.argv.includes('--quiet');
const stdio = quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit';
execFileSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs'), '--quiet', '--generate-only'], { cwd: root, stdio });
if (!quiet) console.error('build: compiling to dist/…');
const started = Date.now();
rmSync(dist, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('build: tsc failed (errors above)');
  process.exit(1);
}
mkdirSync(path.dirname(stamp), { recursive: true });
writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
// Dated at the start: a source saved while tsc ran makes the next --if-stale build again.
utimesSync(stamp, started / 1000, started / 1000);
if (!quiet) console.error(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
