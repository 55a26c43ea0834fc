// `nasorch check`: the verdict (pure, table-tested) and the command over a real database,
// including exit codes through the real CLI process and UNKNOWN when the database is missing.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/check-command.ts';
import type { CliIo } from '../../src/cli/output.ts';
import { evaluateCheck, formatAge, scheduleIntervalMs, type CheckInput } from '../../src/monitoring/check.ts';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';
import { pauseSchedule } from '../../src/schedule/schedule-pauses.ts';
import { NASORCH } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const POLICIES = `apiVersion: nasorch/v1
kind: Policy
metadata: { name: daily }
spec:
  volumes: { names: [prod-db] }
  snapshot: { schedule: "0 */4 * * *", retention: { keepLast: 3 } }
  replication: { rpo: 2h }
`;
const policies = parsePolicyText(POLICIES, 'p.yaml', { defaultRegion: 'KR1' }).policies;
const NOW = new Date('2026-12-03T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000);

function input(overrides: Partial<CheckInput> = {}): CheckInput {
  return {
    now: NOW,
    policies,
    openAlerts: [],
    snapshotRuns: [{ policy: 'daily', volumeId: 'v1', volumeName: 'prod-db', lastSuccessAt: hoursAgo(3), firstRunAt: hoursAgo(100) }],
    mirrorSamples: [{ policy: 'daily', volumeId: 'v1', lastSuccessTransferEndTime: hoursAgo(1), sampledAt: hoursAgo(0.1) }],
    pauses: [],
    volumeNames: new Map([['v1', 'prod-db']]),
    ...overrides,
  };
}

describe('evaluateCheck', () => {
  it.each([
    ['everything fresh', {}, 'OK', 0, 'NASORCH OK - 1 policies, 1 volumes, no open alerts'],
    ['a warning alert', { openAlerts: [{ key: 'usage:v1', severity: 'warning', message: 'usage 85%', policy: 'daily', volumeId: 'v1', volumeName: 'prod-db' }] }, 'WARNING', 1, 'NASORCH WARNING - warning alert usage:v1: usage 85%'],
    ['a critical alert', { openAlerts: [{ key: 'rpo:v1', severity: 'critical', message: 'behind', policy: null, volumeId: null, volumeName: null }] }, 'CRITICAL', 2, 'NASORCH CRITICAL - critical alert rpo:v1: behind'],
    ['snapshot over 2x the 4h interval', { snapshotRuns: [{ policy: 'daily', volumeId: 'v1', volumeName: 'prod-db', lastSuccessAt: hoursAgo(9), firstRunAt: hoursAgo(100) }] }, 'WARNING', 1,
      'NASORCH WARNING - snapshot of prod-db overdue (policy daily): last successful snapshot 9h ago, schedule every 4h'],
    ['snapshot over 4x', { snapshotRuns: [{ policy: 'daily', volumeId: 'v1', volumeName: 'prod-db', lastSuccessAt: hoursAgo(17), firstRunAt: hoursAgo(100) }] }, 'CRITICAL', 2,
      'NASORCH CRITICAL - snapshot of prod-db overdue (policy daily): last successful snapshot 17h ago, schedule every 4h'],
    ['never succeeded for long', { snapshotRuns: [{ policy: 'daily', volumeId: 'v1', volumeName: 'prod-db', lastSuccessAt: null, firstRunAt: hoursAgo(10) }] }, 'WARNING', 1,
      'NASORCH WARNING - snapshot of prod-db overdue (policy daily): no successful snapshot in 10h, schedule every 4h'],
    ['replication over its RPO', { mirrorSamples: [{ policy: 'daily', volumeId: 'v1', lastSuccessTransferEndTime: hoursAgo(2.5), sampledAt: hoursAgo(0.1) }] }, 'CRITICAL', 2,
      'NASORCH CRITICAL - replication of prod-db is 2h30m behind, over its RPO of 2h (policy daily)'],
  ] as const)('%s', (_name, overrides, status, exitCode, summary) => {
    const result = evaluateCheck(input(overrides as Partial<CheckInput>));
    expect([result.status, result.exitCode, result.summary]).toEqual([status, exitCode, summary]);
  });

  it('leaves paused volumes out of the overdue check and says how many are paused', () => {
    const pause = { id: 'x', policy: 'daily', volumeId: '*', until: null, reason: 'maintenance', createdAt: NOW, createdBy: null };
    const result = evaluateCheck(input({ pauses: [pause], snapshotRuns: [{ policy: 'daily', volumeId: 'v1', volumeName: 'prod-db', lastSuccessAt: hoursAgo(50), firstRunAt: hoursAgo(100) }] }));
    expect(result.summary).toBe('NASORCH OK - 1 policies, 1 volumes, 1 paused, no open alerts');
  });

  it('puts critical problems first and stays on one line', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ key: `w${i}`, severity: 'warning', message: `line one\nline two`, policy: null, volumeId: null, volumeName: null }));
    const result = evaluateCheck(input({ openAlerts: [...many, { key: 'c', severity: 'critical', message: 'boom', policy: null, volumeId: null, volumeName: null }] }));
    expect(result.summary).toBe('NASORCH CRITICAL - critical alert c: boom; warning alert w0: line one line two; warning alert w1: line one line two (+3 more)');
  });

  it('measures irregular schedules by their longest gap', () => {
    expect(scheduleIntervalMs('0 3 * * 1-5', 'UTC', new Date('2026-12-03T12:00:00Z'))).toBe(3 * 24 * 3600_000);
    expect(formatAge(93_784_000)).toBe('1d2h');
  });
});

describe('nasorch check over the database', () => {
  let db: TestDatabase;
  let configDir: string;
  const out = { text: '' };
  const io = (env: Record<string, string> = {}): CliIo => ({
    stdout: { write: (t: string) => (out.text += t) },
    stderr: { write: () => true },
    env: { DATABASE_URL: `${db.databaseUrl}?schema=${db.schema}`, ...env },
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    configDir = await mkdtemp(path.join(tmpdir(), 'nasorch-check-'));
    await writeFile(path.join(configDir, 'p.yaml'), POLICIES);
  });
  afterAll(async () => {
    await db.drop();
    await rm(configDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    out.text = '';
    await db.prisma.alert.deleteMany();
    await db.prisma.jobRun.deleteMany();
    await db.prisma.schedulePause.deleteMany();
  });

  const seedSnapshot = (finishedAt: Date) =>
    db.prisma.jobRun.create({
      data: { runKey: `k-${finishedAt.getTime()}`, kind: 'snapshot', policy: 'daily', volumeId: 'v1', volumeName: 'prod-db', region: 'KR1', scheduledAt: finishedAt, trigger: 'schedule', status: 'succeeded', startedAt: finishedAt, finishedAt },
    });

  it('OK, WARNING and CRITICAL from the records', async () => {
    await seedSnapshot(hoursAgo(1));
    expect(await checkCommand({ config: configDir }, io(), { now: NOW })).toBe(0);
    expect(out.text).toBe('NASORCH OK - 1 policies, 1 volumes, no open alerts\n');

    await db.prisma.jobRun.deleteMany();
    await seedSnapshot(hoursAgo(9));
    out.text = '';
    expect(await checkCommand({ config: configDir }, io(), { now: NOW })).toBe(1);
    expect(out.text).toMatch(/^NASORCH WARNING - snapshot of prod-db overdue/);

    await pauseSchedule(db.prisma, { policy: 'daily', reason: 'maintenance' });
    out.text = '';
    expect(await checkCommand({ config: configDir }, io(), { now: NOW })).toBe(0);

    await db.prisma.alert.create({ data: { key: 'mirror-halt:v1', severity: 'critical', status: 'open', message: 'replication halted', volumeId: 'v1' } });
    out.text = '';
    expect(await checkCommand({ config: configDir, json: true }, io(), { now: NOW })).toBe(2);
    const json = JSON.parse(out.text);
    expect(json).toMatchObject({ status: 'CRITICAL', exitCode: 2, checkedAt: '2026-12-03T12:00:00.000Z', problems: [{ kind: 'alert', severity: 'critical' }] });
  });

  it('UNKNOWN (3) when the database cannot be reached or does not exist, naming it', async () => {
    expect(await checkCommand({ config: configDir }, io({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nasorch' }))).toBe(3);
    expect(out.text).toMatch(/^NASORCH UNKNOWN - cannot use PostgreSQL at 127\.0\.0\.1:1\/nasorch: .+\n$/);
    out.text = '';
    expect(await checkCommand({ config: configDir }, io({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/nasorch_no_such_db' }))).toBe(3);
    expect(out.text).toBe('NASORCH UNKNOWN - database "nasorch_no_such_db" does not exist on 127.0.0.1:5432 (DATABASE_URL); create it with `nasorch db migrate`\n');
  });

  it('exits with the status code through the real CLI; `alerts --open` still exits 0', async () => {
    await db.prisma.alert.create({ data: { key: 'job-failed:snapshot:daily:v1', severity: 'critical', status: 'open', message: 'snapshot failed' } });
    const env = { ...process.env, DATABASE_URL: `${db.databaseUrl}?schema=${db.schema}`, NASORCH_CONFIG: configDir, REDIS_URL: 'redis://127.0.0.1:1' };
    const check = spawnSync(process.execPath, [...NASORCH, 'check'], { env, encoding: 'utf8' });
    expect([check.status, check.stdout]).toEqual([2, 'NASORCH CRITICAL - critical alert job-failed:snapshot:daily:v1: snapshot failed\n']);
    const alerts = spawnSync(process.execPath, [...NASORCH, 'alerts', '--open'], { env, encoding: 'utf8' });
    expect(alerts.status).toBe(0);
    expect(alerts.stdout).toMatch(/job-failed:snapshot:daily:v1/);
  });
});
