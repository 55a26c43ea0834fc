// Schedule control over a real daemon: `nasorch pause` (stored in PostgreSQL) and spec.suspend
// make scheduled slots skipped runs with the reason, `resume` lets them run again, `plan` shows
// the pause; `history show`, `alerts ack` and what `run` prints.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import type { CliIo } from '../../src/cli/output.ts';
import { planCommand } from '../../src/cli/plan-command.ts';
import { alertsAckCommand, alertsCommand, historyCommand, historyShowCommand } from '../../src/cli/records-commands.ts';
import { runJobCommand } from '../../src/cli/run-command.ts';
import { pauseCommand, resumeCommand } from '../../src/cli/schedule-control-command.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { listPauses } from '../../src/schedule/schedule-pauses.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const ids: Record<string, string> = {};

function io(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: { ...stack.env }, out: () => out, err: () => err };
}

beforeAll(async () => {
  stack = await createTestStack();
  for (const v of await new NasConnection(stack.identity).client('KR1').listAllVolumes()) ids[v.name] = v.id;
  await stack.writePolicy(
    'usage.yaml',
    policyYaml('fast', `timezone: Asia/Seoul\nvolumes:\n  names: [prod-db, prod-web]\nusage:\n  schedule: "* * * * * *"`) +
      `---\n` +
      policyYaml('frozen', `suspend: true\nvolumes:\n  names: [staging-files]\nusage:\n  schedule: "* * * * * *"`) +
      `---\n` +
      policyYaml('snaps', `volumes:\n  names: [staging-files]\nsnapshot:\n  schedule: "0 3 * * *"\n  retention:\n    keepLast: 1`),
  );
});
afterAll(() => stack.close());

const runsOf = (policy: string, volumeId: string, status: 'skipped' | 'succeeded') =>
  stack.db.prisma.jobRun.findMany({ where: { policy, volumeId, status, trigger: 'schedule' }, orderBy: { startedAt: 'desc' } });

describe('pause and resume', () => {
  it('pauses one volume on every daemon: its slots are skipped runs with the reason; resume lets them run', async () => {
    const cli = io();
    expect(await pauseCommand('fast', { config: stack.configDir, volume: ids['prod-db'], reason: 'storage maintenance', until: '2099-01-01T00:00:00Z' }, cli)).toBe(0);
    expect(cli.out()).toMatch(new RegExp(`volume ${ids['prod-db']} of policy fast is paused until 2099-01-01T00:00:00.000Z \\(nasorch pause by .+\\): storage maintenance`));
    expect((await listPauses(stack.db.prisma)).map((p) => [p.policy, p.volumeId, p.reason])).toEqual([['fast', ids['prod-db'], 'storage maintenance']]);

    await stack.startDaemon();
    await stack.startDaemon();
    const skipped = await vi.waitFor(async () => {
      const runs = await runsOf('fast', ids['prod-db']!, 'skipped');
      expect(runs.length).toBeGreaterThanOrEqual(2);
      return runs;
    }, { timeout: 15_000, interval: 200 });
    expect(skipped[0]!.details).toMatchObject({ reason: expect.stringContaining('storage maintenance'), paused: { source: 'nasorch pause', until: '2099-01-01T00:00:00.000Z' } });
    // The other volume of the policy keeps running.
    await vi.waitFor(async () => expect((await runsOf('fast', ids['prod-web']!, 'succeeded')).length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(await runsOf('fast', ids['prod-db']!, 'succeeded')).toHaveLength(0);

    // plan shows it (and the suspended policy).
    const plan = io();
    expect(await planCommand({ config: stack.configDir, json: true }, plan)).toBe(0);
    const planned = JSON.parse(plan.out());
    const fast = planned.policies.find((p: { name: string }) => p.name === 'fast');
    expect(fast.volumes.find((v: { name: string }) => v.name === 'prod-db').paused).toEqual({ reason: expect.stringContaining('storage maintenance'), until: '2099-01-01T00:00:00.000Z' });
    expect(fast.volumes.find((v: { name: string }) => v.name === 'prod-web').paused).toBeNull();
    const text = io();
    await planCommand({ config: stack.configDir }, text);
    expect(text.out()).toMatch(/policy frozen \(KR1, suspended by spec.suspend\)/);
    expect(text.out()).toMatch(/PAUSED: volume .* of policy fast is paused until .*storage maintenance \(scheduled runs are skipped\)/);

    const resumed = io();
    expect(await resumeCommand('fast', { config: stack.configDir }, resumed)).toBe(0);
    expect(resumed.out()).toBe('resumed policy fast\n');
    await vi.waitFor(async () => expect((await runsOf('fast', ids['prod-db']!, 'succeeded')).length).toBeGreaterThan(0), { timeout: 10_000 });
  });

  it('spec.suspend: true skips every slot with the reason, history says why', async () => {
    const skipped = await vi.waitFor(async () => {
      const runs = await runsOf('frozen', ids['staging-files']!, 'skipped');
      expect(runs.length).toBeGreaterThan(0);
      return runs;
    }, { timeout: 10_000 });
    expect(skipped[0]!.details).toMatchObject({ reason: 'policy frozen is suspended (spec.suspend: true)' });
    const history = io();
    await historyCommand({ policy: 'frozen', limit: 1, config: stack.configDir }, history);
    expect(history.out()).toMatch(/usage\s+frozen\s+staging-files\s+.*skipped\s+1\s+policy frozen is suspended \(spec.suspend: true\)/);
    const resumed = io();
    await resumeCommand('frozen', { config: stack.configDir }, resumed);
    expect(resumed.out()).toMatch(/note: policy frozen is still suspended by spec.suspend: true in .*usage.yaml/);
  });

  it('rejects bad input with one line naming the flag or policy', async () => {
    await expect(pauseCommand('nope', { config: stack.configDir }, io())).rejects.toThrow(/no policy named "nope" in .* \(policies: fast, frozen, snaps\)/);
    await expect(pauseCommand('fast', { config: stack.configDir, until: 'tomorrow' }, io())).rejects.toThrow(
      '--until: expected an ISO-8601 time with a zone such as 2026-12-24T09:00:00Z, got "tomorrow"',
    );
    await expect(pauseCommand('fast', { config: stack.configDir, until: '2001-01-01T00:00:00Z' }, io())).rejects.toThrow('--until: 2001-01-01T00:00:00Z is in the past');
    await expect(pauseCommand('fast', { config: stack.configDir, volume: 'prod-db' }, io())).rejects.toThrow('--volume: expected a volume id (UUID), got "prod-db"');
  });
});

describe('history show, run output, alerts ack', () => {
  it('run prints what it did; history show prints everything about that run', async () => {
    const first = io();
    expect(await runJobCommand({ kind: 'snapshot', policy: 'snaps', config: stack.configDir, json: true }, first)).toBe(0);
    const report = JSON.parse(first.out());
    expect(report.runs[0].summary).toMatch(/^created snapshot nasorch-snaps-\d{8}T\d{6}Z; deleted nothing, kept 1$/);
    await new Promise((r) => setTimeout(r, 1100)); // the next manual slot is the next second: a new snapshot name
    const run = io();
    expect(await runJobCommand({ kind: 'snapshot', policy: 'snaps', config: stack.configDir }, run)).toBe(0);
    expect(run.out()).toMatch(/WHAT HAPPENED/);
    expect(run.out()).toMatch(/created snapshot nasorch-snaps-\d{8}T\d{6}Z; deleted 1 not kept by retention \(nasorch-snaps-\d{8}T\d{6}Z\), kept 1/);
    const usage = io();
    await runJobCommand({ kind: 'usage', policy: 'fast', volume: ids['prod-db'], config: stack.configDir }, usage);
    expect(usage.out()).toMatch(/used \d+ GB of 500 GB \(\d+\.\d%\)/);

    const runId = report.runs[0].runId as string;
    const shown = io();
    expect(await historyShowCommand(runId, { config: stack.configDir }, shown)).toBe(0);
    expect(shown.out()).toMatch(new RegExp(`Run\\s+${runId}`));
    expect(shown.out()).toMatch(/Kind\s+snapshot\n/);
    expect(shown.out()).toMatch(/Volume\s+staging-files \(/);
    expect(shown.out()).toMatch(/Trigger\s+manual/);
    expect(shown.out()).toMatch(/Details\n/);
    expect(shown.out()).toMatch(/Snapshots\nACTION\s+SNAPSHOT/);
    const json = io();
    await historyShowCommand(runId, { json: true }, json);
    const view = JSON.parse(json.out());
    expect(view).toMatchObject({ id: runId, kind: 'snapshot', policy: 'snaps', volume: { name: 'staging-files' }, status: 'succeeded' });
    expect(view.startedAt).toMatch(/Z$/);
    expect(view.snapshots.map((s: { action: string }) => s.action)).toContain('created');

    await expect(historyShowCommand('not-a-uuid', {}, io())).rejects.toThrow('not a run id: "not-a-uuid" (run ids are UUIDs; see the RUN column of `nasorch history`)');
    await expect(historyShowCommand('00000000-0000-4000-8000-000000000000', {}, io())).rejects.toThrow('no run with id 00000000-0000-4000-8000-000000000000');
  });

  it('alerts ack: shown as acked, until a time or until resolved; a bad key is one line', async () => {
    const book = new AlertBook(stack.db.prisma);
    await book.raise({ key: 'test:ack', severity: 'critical', message: 'needs a human', policy: 'fast' });
    const ack = io();
    expect(await alertsAckCommand('test:ack', { until: '2099-06-01T00:00:00Z', reason: 'ticket OPS-1' }, ack)).toBe(0);
    expect(ack.out()).toBe('acknowledged test:ack until 2099-06-01T00:00:00.000Z: no re-notification until then\n');
    const list = io();
    expect(await alertsCommand({ open: true, limit: 10, config: stack.configDir }, list)).toBe(0);
    // Shown in the policy's time zone (fast: Asia/Seoul).
    expect(list.out()).toMatch(/open, acked until 2099-06-01 09:00:00\+09:00\s+critical\s+test:ack/);
    const json = io();
    await alertsCommand({ open: true, limit: 10, json: true }, json);
    expect(JSON.parse(json.out()).find((a: { key: string }) => a.key === 'test:ack')).toMatchObject({ acked: true, ackedUntil: '2099-06-01T00:00:00.000Z', ackReason: 'ticket OPS-1' });
    await expect(alertsAckCommand('test:none', {}, io())).rejects.toThrow('no alert with key test:none (see `nasorch alerts`)');
    await book.resolve('test:ack');
    await expect(alertsAckCommand('test:ack', {}, io())).rejects.toThrow('alert test:ack is not open (it is resolved); only open alerts can be acknowledged');
  });
});
