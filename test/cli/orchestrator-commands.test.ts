// `nasorch run`, `plan`, `history`, `alerts`, `db migrate`, called in-process with a captured io.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbMigrateCommand } from '../../src/cli/db-command.ts';
import type { CliIo } from '../../src/cli/output.ts';
import { planCommand } from '../../src/cli/plan-command.ts';
import { alertsCommand, historyCommand } from '../../src/cli/records-commands.ts';
import { runJobCommand } from '../../src/cli/run-command.ts';
import { main } from '../../src/cli/main.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const ids: Record<string, string> = {};

function io(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: { ...stack.env },
    out: () => out,
    err: () => err,
  };
}

beforeAll(async () => {
  stack = await createTestStack({ clock: 'manual', startTime: '2026-11-27T00:00:00Z' });
  for (const v of await new NasConnection(stack.identity).client('KR1').listAllVolumes()) ids[v.name] = v.id;
  await stack.writePolicy(
    'daily.yaml',
    policyYaml(
      'daily',
      `timezone: Asia/Seoul
volumes:
  nameContains: prod-
snapshot:
  schedule: "0 3 * * *"
  retention:
    keepLast: 1
usage:
  schedule: "*/15 * * * *"`,
    ),
  );
});
afterAll(() => stack.close());

describe('nasorch run', () => {
  it('runs a snapshot now for every selected volume and records manual runs', async () => {
    const cli = io();
    const code = await runJobCommand({ kind: 'snapshot', policy: 'daily', config: stack.configDir, json: true }, cli);
    expect(code).toBe(0);
    const report = JSON.parse(cli.out());
    expect(report.runs.map((r: { volumeName: string }) => r.volumeName).sort()).toEqual(['prod-db', 'prod-web']);
    for (const r of report.runs) expect(r.status).toBe('succeeded');
    const runs = await stack.db.prisma.jobRun.findMany({ where: { policy: 'daily' } });
    expect(runs).toHaveLength(2);
    for (const r of runs) expect(r).toMatchObject({ trigger: 'manual', status: 'succeeded', kind: 'snapshot', attempts: 1 });
  });

  it('limits to one volume with --volume, and names a volume the policy does not select', async () => {
    const cli = io();
    expect(await runJobCommand({ kind: 'usage', policy: 'daily', volume: ids['prod-db'], config: stack.configDir }, cli)).toBe(0);
    expect(cli.out()).toMatch(/prod-db/);
    expect(cli.out()).not.toMatch(/prod-web/);
    await expect(runJobCommand({ kind: 'usage', policy: 'daily', volume: ids['staging-files'], config: stack.configDir }, io())).rejects.toThrow(
      `volume ${ids['staging-files']} is not selected by policy daily in KR1`,
    );
  });

  it('rejects an unknown kind or policy with a one-line cause', async () => {
    await expect(runJobCommand({ kind: 'snapshots', policy: 'daily', config: stack.configDir }, io())).rejects.toThrow(/unknown job kind "snapshots"/);
    await expect(runJobCommand({ kind: 'snapshot', policy: 'nope', config: stack.configDir }, io())).rejects.toThrow(/no policy named "nope" .*\(policies: daily\)/);
  });
});

describe('nasorch plan', () => {
  it('prints next run times at --at and the retention decision, changing nothing', async () => {
    const before = mutatingRequests();
    const cli = io();
    await planCommand({ config: stack.configDir, at: '2026-11-27T10:00:00Z', json: true }, cli);
    const plan = JSON.parse(cli.out());
    expect(plan.policies).toHaveLength(1);
    const daily = plan.policies[0];
    expect(daily.name).toBe('daily');
    const db = daily.volumes.find((v: { name: string }) => v.name === 'prod-db');
    expect(db.id).toBe(ids['prod-db']);
    // 03:00 Asia/Seoul is 18:00 UTC; after 10:00 UTC the next one is that day's.
    expect(db.next).toEqual({ snapshot: '2026-11-27T18:00:00.000Z', usage: '2026-11-27T10:15:00.000Z' });
    expect(db.retention.keep).toHaveLength(1);
    expect(db.retention.keep[0]).toMatchObject({ reasons: expect.arrayContaining(['last snapshot']) });
    expect(Object.keys(db.retention.keep[0]).sort()).toEqual(['createdAt', 'id', 'name', 'reasons']);
    expect(db.retention.delete).toEqual([]);
    expect(mutatingRequests()).toBe(before);
  });

  it('reads without --json as a table and rejects a bad --at', async () => {
    const cli = io();
    await planCommand({ config: stack.configDir, at: '2026-11-27T10:00:00Z' }, cli);
    expect(cli.out()).toMatch(/policy daily \(KR1\)/);
    expect(cli.out()).toMatch(/next snapshot\s+2026-11-28 03:00:00\+09:00/);
    await expect(planCommand({ config: stack.configDir, at: 'tomorrow' }, io())).rejects.toThrow(/--at: expected an ISO-8601 time/);
  });
});

/** Requests that could change something (token requests do not). */
function mutatingRequests(): number {
  return stack.sim.requests().filter((r) => r.method !== 'GET' && r.route !== 'POST /v2.0/tokens').length;
}

describe('nasorch history / alerts / db migrate', () => {
  it('lists runs as a table and JSON, filtered by policy and volume', async () => {
    const table = io();
    await historyCommand({ policy: 'daily', limit: 50 }, table);
    expect(table.out().split('\n')[0]).toMatch(/STARTED\s+KIND\s+POLICY\s+VOLUME\s+SLOT\s+TRIGGER\s+STATUS\s+ATTEMPTS\s+ERROR/);
    expect(table.out()).toMatch(/snapshot\s+daily\s+prod-db/);
    const json = io();
    await historyCommand({ volume: ids['prod-db'], limit: 50, json: true }, json);
    const rows = JSON.parse(json.out());
    expect(rows.length).toBe(2); // snapshot + usage
    for (const r of rows) expect(r.volumeId).toBe(ids['prod-db']);
  });

  it('lists alerts, and only open ones with --open', async () => {
    await stack.db.prisma.alert.createMany({
      data: [
        { key: 'test-open', severity: 'warning', status: 'open', message: 'still broken' },
        { key: 'test-closed', severity: 'critical', status: 'resolved', message: 'fixed' },
      ],
    });
    const all = io();
    await alertsCommand({ limit: 100 }, all);
    expect(all.out()).toMatch(/test-open/);
    expect(all.out()).toMatch(/test-closed/);
    const open = io();
    await alertsCommand({ open: true, limit: 100, json: true }, open);
    expect(JSON.parse(open.out()).map((a: { key: string }) => a.key)).toEqual(['test-open']);
  });

  it('db migrate reports an up-to-date database', async () => {
    const cli = io();
    expect(await dbMigrateCommand(cli)).toBe(0);
    expect(cli.out()).toMatch(/database is up to date \(\d+ migration\(s\) applied earlier\)/);
  });

  it('main() turns a bad setting into one line and exit code 1', async () => {
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((t: string) => (writes.push(String(t)), true)) as typeof process.stderr.write;
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'not a url';
    try {
      expect(await main(['node', 'nasorch', 'history'])).toBe(1);
    } finally {
      process.env.DATABASE_URL = saved;
      process.stderr.write = original;
    }
    expect(writes.join('')).toBe('nasorch: setting DATABASE_URL is not a valid URL\n');
  });
});
