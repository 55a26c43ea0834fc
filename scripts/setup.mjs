#!/usr/bin/env node
// One-time set-up shared by `npm start` and `npm test`: installs dependencies when missing,
// generates the Prisma client, builds dist/ when older than the sources (--build), and checks
// that Redis and PostgreSQL answer (saying how to start them if not). Uses only Node built-ins:
// it runs before dependencies exist. Not shipped: an installed package carries the built client.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const quiet = process.argv.includes('--quiet');
// --generate-only: from the build and scripts/dev.mjs; no install, no build, no service checks.
// --build: also compile dist/ when older than the sources (`npm start` runs the built bin; the
// tests run the sources and pack their own build).
const generateOnly = process.argv.includes('--generate-only');
const build = process.argv.includes('--build');
const say = (m) => quiet || console.error(`setup: ${m}`);

function run(cmd, args, env = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', env: { ...process.env, ...env } });
}

if (!generateOnly && !existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  say('installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// `prisma generate` never runs the schema engine, but refuses to start unless it can find one;
// pointing it at any existing file is enough (the engine cannot be downloaded here).
const generated = path.join(root, 'src', 'generated', 'prisma', 'client.ts');
const schema = path.join(root, 'prisma', 'schema.prisma');
if (!existsSync(generated) || statSync(generated).mtimeMs < statSync(schema).mtimeMs) {
  say('generating the Prisma client…');
  run(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate'], {
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  });
}

if (generateOnly) process.exit(0);

if (build) run(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--if-stale', ...(quiet ? ['--quiet'] : [])]);

function probe(url, fallbackPort) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || fallbackPort) });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/nasorch';
const missing = [];
if (!(await probe(redisUrl, 6379))) {
  missing.push(`Redis is not answering at ${new URL(redisUrl).host}. Start it, e.g.:\n` +
    `  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
    `  (or: docker compose up -d redis)`);
}
if (!(await probe(databaseUrl, 5432))) {
  missing.push(`PostgreSQL is not answering at ${new URL(databaseUrl).host}. Start it, e.g.:\n` +
    `  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
    `  (or: docker compose up -d postgres)`);
}
if (missing.length > 0) {
  for (const m of missing) console.error(`setup: ${m}`);
  process.exit(1);
}
say('ready');
