// The package as a user gets it: `npm pack`, then `npm install --omit=dev` of the tarball into an
// empty directory (no EBADENGINE warning), then the installed `nasorch` runs --help, validate,
// the simulator and the demo (against the real Redis and PostgreSQL, own prefix and schema).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, TEST_DATABASE_URL, uniqueName } from '../support/db.ts';
import { createTestRedis } from '../support/redis.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

let work: string;
let tarball: string;
let packedFiles: string[];
let installOutput: string;
let bin: string;
let installed: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'nasorch-tarball-'));
  // prepack builds dist/ from the sources first, exactly as for a release.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, maxBuffer: 32 * 1024 * 1024 });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info!.filename);
  packedFiles = info!.files.map((f) => f.path);

  const app = path.join(work, 'app');
  await run('mkdir', [app]);
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'nasorch-install-check', private: true }));
  const install = await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn', tarball], {
    cwd: app,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  installOutput = `${install.stdout}\n${install.stderr}`;
  bin = path.join(app, 'node_modules', '.bin', 'nasorch');
  installed = path.join(app, 'node_modules', 'nasorch');
}, 180_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

/** Starts the installed CLI; `lines` yields its stderr+stdout lines as they come. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(bin, args, { cwd: path.dirname(path.dirname(installed)), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const seen: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      seen.push(line);
      for (const w of waiters.splice(0)) (w.test(line) ? w.resolve(line) : waiters.push(w));
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    seen,
    /** The first line (already seen or coming) that passes `test`. */
    waitForLine(test: (line: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
      const found = seen.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${what} in ${timeoutMs} ms; output:\n${seen.join('\n')}`)), timeoutMs);
        waiters.push({ test, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then((code) => reject(new Error(`exited ${code} before ${what}; output:\n${seen.join('\n')}`)));
      });
    },
  };
}

const jsonLine = (line: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

describe('the packed tarball', () => {
  it('holds the build, migrations, schema, example config, README and LICENSE, and nothing of the workshop', () => {
    for (const file of ['bin/nasorch.js', 'dist/src/cli/entry.js', 'dist/src/generated/prisma/client.js', 'dist/jobs/index.js', 'prisma/schema.prisma',
      'schema/policy.schema.json', 'config/example.yaml', 'README.md', 'LICENSE', 'package.json']) {
      expect(packedFiles, file).toContain(file);
    }
    expect(packedFiles.filter((f) => f.startsWith('prisma/migrations/') && f.endsWith('/migration.sql')).length).toBeGreaterThan(0);
    const workshop = packedFiles.filter((f) => /^(test|bench|scripts|\.ci|deploy|src)\//.test(f) || f.endsWith('.ts') || f.endsWith('.map'));
    expect(workshop).toEqual([]);
  });

  it('installs with --omit=dev without EBADENGINE warnings and without tsx, prisma or pino-pretty', async () => {
    expect(installOutput).not.toMatch(/EBADENGINE/);
    const modules = await readdir(path.join(installed, '..'));
    for (const dev of ['tsx', 'prisma', 'pino-pretty', 'typescript', 'vitest']) expect(modules, dev).not.toContain(dev);
  });
});

describe('the installed nasorch', () => {
  it('prints help listing the commands', async () => {
    const { stdout } = await run(bin, ['--help']);
    expect(stdout).toMatch(/^Usage: nasorch/);
    for (const command of ['daemon', 'demo', 'validate', 'simulator', 'db', 'completion']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('validates the shipped example policies', async () => {
    const { stdout } = await run(bin, ['validate', path.join(installed, 'config')]);
    expect(stdout).toMatch(/^\d+ polic(y|ies) in 1 file (is|are) valid$/m);
  });

  it('runs the simulator: it answers, and stops on SIGTERM', async () => {
    const sim = start(['simulator', '--port', '0']);
    const line = await sim.waitForLine((l) => l.startsWith('NAS simulator listening on '), 'listening line');
    const url = /listening on (\S+)/.exec(line)![1]!;
    const res = await fetch(`${url}/_admin/clock`);
    expect(res.status).toBe(200);
    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
  });

  it('runs the demo against Redis and PostgreSQL: ready, a snapshot job succeeds, SIGTERM stops it', async () => {
    const schema = uniqueName('t_demo');
    const redis = createTestRedis();
    try {
      const demo = start(['demo', '--config', path.join(installed, 'config'), '--redis-prefix', redis.prefix, '--schema', schema], {
        DATABASE_URL: TEST_DATABASE_URL,
        REDIS_URL: redis.url,
        HTTP_PORT: '0',
        LOG_LEVEL: 'info',
      });
      const started = jsonLine(await demo.waitForLine((l) => jsonLine(l)?.msg === 'daemon started', 'daemon started', 60_000))!;
      const ready = await fetch(`${String(started.http)}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
      await demo.waitForLine((l) => {
        const j = jsonLine(l);
        return j?.msg === 'job finished' && j.status === 'succeeded';
      }, 'a succeeded job', 100_000);
      demo.child.kill('SIGTERM');
      expect(await demo.exited).toBe(0);
    } finally {
      await dropSchema(schema);
      await redis.cleanup();
    }
    // Generous: the installed daemon starts slowly when the whole suite loads both cores, and the demo
    // runs its failover and failback beside the daemon.
  }, 150_000);
});
