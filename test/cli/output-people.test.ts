// Output people can read (issue §5): log lines with volume names, one line per event on a
// terminal, a reload that says what changed, one spelling of job kinds, ISO-8601 Z in JSON,
// --config / NASORCH_CONFIG everywhere, read-only history/alerts, HTTP_PORT in use named before
// any scheduler exists, an Identity error naming the URL.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { prettyFactory } from 'pino-pretty';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/output.ts';
import { planCommand } from '../../src/cli/plan-command.ts';
import { alertsCommand, historyCommand } from '../../src/cli/records-commands.ts';
import { QUEUE_NAME } from '../../src/daemon/daemon.ts';
import { PRETTY_OPTIONS } from '../../src/log/logger.ts';
import { NASORCH } from '../support/cli.ts';
import { createTestDatabase, withPg } from '../support/db.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;

function io(env: Record<string, string> = {}): CliIo & { out: () => string } {
  let out = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, env: { ...stack.env, ...env }, out: () => out };
}

beforeAll(async () => {
  stack = await createTestStack();
  await stack.writePolicy('a.yaml', policyYaml('alpha', 'volumes:\n  names: [prod-db]\nusage:\n  schedule: "* * * * * *"'));
});
afterAll(() => stack.close());

describe('the daemon', () => {
  it('names HTTP_PORT when the port is in use, before it creates any scheduler', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(stack.startDaemon({ httpPort: port })).rejects.toThrow(
        `HTTP_PORT ${port} is already in use (another nasorch daemon on this host?): set HTTP_PORT to a free port`,
      );
      const queue = new Queue(QUEUE_NAME, { connection: { url: stack.redis.url }, prefix: stack.redis.prefix });
      expect(await queue.getJobSchedulersCount()).toBe(0);
      await queue.close();
    } finally {
      blocker.close();
    }
  });

  it('logs volume names beside ids, and what a successful reload changed', async () => {
    const daemon = await stack.startDaemon();
    await vi.waitFor(() => expect(stack.logs.some((l) => l.msg === 'job finished' && l.volumeId)).toBe(true), { timeout: 10_000 });
    const jobLines = stack.logs.filter((l) => l.runKey && l.volumeId);
    expect(jobLines.length).toBeGreaterThan(0);
    for (const line of jobLines) expect(line.volumeName).toBe('prod-db');

    await stack.writePolicy('a.yaml', policyYaml('alpha', 'volumes:\n  names: [prod-db]\nusage:\n  schedule: "*/2 * * * * *"'));
    await stack.writePolicy('b.yaml', policyYaml('beta', 'volumes:\n  names: [prod-web]\nusage:\n  schedule: "0 * * * *"'));
    expect((await daemon.reload('SIGHUP')).ok).toBe(true);
    expect(stack.logs.map((l) => l.msg)).toContain('config reloaded (SIGHUP): policies added: beta; changed: alpha');
    await daemon.reload('SIGHUP');
    expect(stack.logs.map((l) => l.msg)).toContain('config reloaded (SIGHUP): no change');
    await daemon.stop();
  });

  it('prints one line per event on a terminal', () => {
    const pretty = prettyFactory({ ...PRETTY_OPTIONS, colorize: false });
    const line = pretty({ level: 30, time: 0, msg: 'job finished', policy: 'alpha', volumeId: 'v', volumeName: 'prod-db', details: { a: [1, 2] } });
    expect(line.trimEnd().split('\n')).toHaveLength(1);
    expect(line).toContain('volumeName');
  });
});

describe('records commands', () => {
  it('spell kinds as the CLI does and print times as ISO-8601 UTC with Z', async () => {
    await stack.db.prisma.jobRun.create({
      data: { runKey: 'manual-kinds', kind: 'mirror_start', policy: 'alpha', volumeId: 'v9', region: 'KR1', scheduledAt: new Date('2026-12-01T00:00:00Z'), trigger: 'manual', status: 'succeeded' },
    });
    const json = io();
    await historyCommand({ volume: 'v9', limit: 5, json: true }, json);
    const [run] = JSON.parse(json.out());
    expect(run.kind).toBe('mirror-start');
    expect(run.scheduledAt).toBe('2026-12-01T00:00:00.000Z');
    expect(run.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const table = io();
    await historyCommand({ volume: 'v9', limit: 5 }, table);
    expect(table.out()).toMatch(/mirror-start\s+alpha/);
    expect(table.out()).not.toMatch(/mirror_start/);
  });

  it('history and alerts read only: a missing database is named and not created, Redis is not needed', async () => {
    const missing = `nasorch_missing_${Date.now().toString(36)}`;
    const env = { DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${missing}`, REDIS_URL: 'redis://127.0.0.1:1' };
    const message = `database "${missing}" does not exist on 127.0.0.1:5432 (DATABASE_URL); create it with \`nasorch db migrate\``;
    await expect(historyCommand({ limit: 5 }, io(env))).rejects.toThrow(message);
    await expect(alertsCommand({ limit: 5 }, io(env))).rejects.toThrow(message);
    const exists = await withPg((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [missing]));
    expect(exists.rowCount).toBe(0);

    const empty = await createTestDatabase({ migrate: false });
    try {
      const url = `${empty.databaseUrl}?schema=${empty.schema}`;
      await expect(historyCommand({ limit: 5 }, io({ DATABASE_URL: url }))).rejects.toThrow(
        `database "${new URL(empty.databaseUrl).pathname.slice(1)}" (schema ${empty.schema}) holds no nasorch records yet; run \`nasorch db migrate\` (or start the daemon)`,
      );
      const schemas = await withPg((c) => c.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [empty.schema]));
      expect(schemas.rowCount).toBe(0);
    } finally {
      await empty.drop();
    }
    // Redis down: history still answers.
    const ok = io({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await historyCommand({ limit: 1 }, ok)).toBe(0);
  });
});

describe('command line', () => {
  it('takes --config and NASORCH_CONFIG on every command that reads policies', async () => {
    const program = await buildProgram();
    const readers = ['daemon', 'demo', 'validate', 'plan', 'run', 'pause', 'resume', 'check', 'history', 'alerts'];
    for (const name of readers) {
      const command = program.commands.find((c) => c.name() === name)!;
      const option = command.options.find((o) => o.long === '--config');
      expect(option, name).toBeDefined();
      expect(option!.envVar, name).toBe('NASORCH_CONFIG');
    }
    const result = spawnSync(process.execPath, [...NASORCH, 'validate'], { env: { ...process.env, NASORCH_CONFIG: stack.configDir }, encoding: 'utf8' });
    expect([result.status, result.stdout]).toEqual([0, '2 policies in 2 files are valid\n']);
  });

  it('an Identity connection error names the URL and its setting', async () => {
    await expect(planCommand({ config: stack.configDir }, io({ NHN_IDENTITY_URL: 'http://127.0.0.1:1' }))).rejects.toThrow(
      /^cannot list the volumes of region\(s\) KR1: cannot reach Identity at http:\/\/127\.0\.0\.1:1 \(NHN_IDENTITY_URL\): /,
    );
  });
});

describe('what run and history say', () => {
  it('a skipped run always says why', async () => {
    const { summariseRun } = await import('../../src/cli/run-summary.ts');
    expect(summariseRun('snapshot', 'skipped', { snapshot: { name: 'n', created: false, slot: 'skip', reason: 'a newer snapshot exists' } })).toBe(
      'skipped: snapshot slot skipped: a newer snapshot exists',
    );
    expect(summariseRun('prune', 'skipped', { blocked: 'deletion budget exceeded', wouldDelete: 12, budget: 10, kept: [] })).toBe(
      'skipped: deletion budget exceeded: retention would delete 12 snapshots, maxDeletionsPerRun is 10; deleted nothing',
    );
    expect(summariseRun('usage', 'skipped', { reason: 'policy frozen is suspended (spec.suspend: true)' })).toBe('skipped: policy frozen is suspended (spec.suspend: true)');
    expect(summariseRun('usage', 'succeeded', { usedGb: 120, sizeGb: 500, usedPercent: 24, severity: 'ok' })).toBe('used 120 GB of 500 GB (24.0%)');
    expect(summariseRun('mirror-start', 'succeeded', { mirrorId: 'm1', before: 'HALT', action: 'start' })).toBe('mirror m1: start (was HALT)');
  });
});
