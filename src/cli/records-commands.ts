// `nasorch history [show RUN_ID]` and `nasorch alerts [ack KEY]`: what nasorch did and what it
// is alarmed about. Read-only (ack sets a flag): no Redis, no migration, no database creation.
// Tables show times in the policy's time zone; JSON is ISO-8601 UTC with Z; kinds are spelled
// as in the CLI (mirror-start).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { AlertBook, isAcked } from '../alerts/alert-book.ts';
import { deliveryCounts, undeliveredFor } from '../notify/outbox.ts';
import { jobKindFromDb } from '../schedule/job-kinds.ts';
import { CommandError } from './command-context.ts';
import { DEFAULT_CONFIG_DIR } from './config-option.ts';
import { withDatabase, type DatabaseDeps } from './database-context.ts';
import { formatLocalTime, policyTimeZones } from './local-time.ts';
import { skipReason } from './run-summary.ts';
import { printJson, printRecord, printSection, printTable, processIo, type CliIo } from './output.ts';

export interface HistoryArgs {
  policy?: string;
  volume?: string;
  limit: number;
  json?: boolean;
  /** For the policies' time zones in tables. */
  config?: string;
}

export async function historyCommand(args: HistoryArgs, io: CliIo, deps: DatabaseDeps = {}): Promise<number> {
  const rows = await withDatabase(io, deps, (prisma) =>
    prisma.jobRun.findMany({
      where: { ...(args.policy ? { policy: args.policy } : {}), ...(args.volume ? { volumeId: args.volume } : {}) },
      orderBy: { startedAt: 'desc' },
      take: args.limit,
    }),
  );
  const runs = rows.map((r) => ({ ...r, kind: jobKindFromDb(r.kind) }));
  if (args.json) {
    printJson(io.stdout, runs);
    return 0;
  }
  const zone = await policyTimeZones(args.config);
  type Run = (typeof runs)[number];
  printTable(io.stdout, [
    { header: 'STARTED', value: (r: Run) => formatLocalTime(r.startedAt, zone(r.policy)) },
    { header: 'KIND', value: (r: Run) => r.kind },
    { header: 'POLICY', value: (r: Run) => r.policy },
    { header: 'VOLUME', value: (r: Run) => r.volumeName ?? r.volumeId },
    { header: 'SLOT', value: (r: Run) => formatLocalTime(r.scheduledAt, zone(r.policy)) },
    { header: 'TRIGGER', value: (r: Run) => r.trigger },
    { header: 'STATUS', value: (r: Run) => r.status },
    { header: 'ATTEMPTS', value: (r: Run) => r.attempts, align: 'right' },
    { header: 'ERROR', value: (r: Run) => r.error ?? skipReasonOf(r) },
    { header: 'RUN', value: (r: Run) => r.id },
  ], runs, '(no runs recorded)');
  return 0;
}

function skipReasonOf(run: { status: string; details: unknown }): string | undefined {
  return run.status === 'skipped' ? skipReason(run.details as Record<string, unknown> | null) : undefined;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `nasorch history show RUN_ID`: everything recorded about one run. */
export async function historyShowCommand(runId: string, args: { json?: boolean; config?: string }, io: CliIo, deps: DatabaseDeps = {}): Promise<number> {
  if (!UUID.test(runId)) throw new CommandError(`not a run id: "${runId}" (run ids are UUIDs; see the RUN column of \`nasorch history\`)`);
  const found = await withDatabase(io, deps, async (prisma) => {
    const run = await prisma.jobRun.findUnique({ where: { id: runId }, include: { snapshots: { orderBy: { at: 'asc' } } } });
    if (!run) return null;
    const alerts = await prisma.alert.findMany({
      where: { key: `job-failed:${jobKindFromDb(run.kind)}:${run.policy}:${run.volumeId}` },
    });
    return { run, alerts };
  });
  if (!found) throw new CommandError(`no run with id ${runId}`);
  const { run, alerts } = found;
  const snapshots = run.snapshots.map((s) => ({ action: s.action, id: s.snapshotId, name: s.snapshotName, createdAt: s.snapshotCreatedAt, reasons: s.reasons, at: s.at }));
  const view = {
    id: run.id,
    runKey: run.runKey,
    kind: jobKindFromDb(run.kind),
    policy: run.policy,
    volume: { id: run.volumeId, name: run.volumeName },
    region: run.region,
    trigger: run.trigger,
    status: run.status,
    scheduledAt: run.scheduledAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    attempts: run.attempts,
    worker: run.worker,
    error: run.error,
    details: run.details,
    snapshots,
    alerts: alerts.map((a) => ({ key: a.key, status: a.status, severity: a.severity, message: a.message, lastSeenAt: a.lastSeenAt })),
  };
  if (args.json) {
    printJson(io.stdout, view);
    return 0;
  }
  const zone = (await policyTimeZones(args.config))(run.policy);
  printRecord(io.stdout, [
    ['Run', view.id],
    ['Key', view.runKey],
    ['Kind', view.kind],
    ['Policy', view.policy],
    ['Volume', `${view.volume.name ?? '?'} (${view.volume.id})`],
    ['Region', view.region],
    ['Trigger', view.trigger],
    ['Status', view.status === 'skipped' ? `skipped: ${skipReasonOf(run)}` : view.status],
    ['Slot', formatLocalTime(view.scheduledAt, zone)],
    ['Started', formatLocalTime(view.startedAt, zone)],
    ['Finished', formatLocalTime(view.finishedAt, zone)],
    ['Duration', view.durationMs === null ? null : `${(view.durationMs / 1000).toFixed(1)} s`],
    ['Attempts', view.attempts],
    ['Worker', view.worker],
    ['Error', view.error],
  ]);
  if (view.details !== null && view.details !== undefined) {
    printSection(io.stdout, 'Details');
    io.stdout.write(`${JSON.stringify(view.details, null, 2).replace(/^/gm, '  ')}\n`);
  }
  if (snapshots.length > 0) {
    printSection(io.stdout, 'Snapshots');
    type Row = (typeof snapshots)[number];
    printTable(io.stdout, [
      { header: 'ACTION', value: (s: Row) => s.action },
      { header: 'SNAPSHOT', value: (s: Row) => s.name },
      { header: 'CREATED', value: (s: Row) => formatLocalTime(s.createdAt, zone) },
      { header: 'REASONS', value: (s: Row) => s.reasons },
    ], snapshots);
  }
  if (view.alerts.length > 0) {
    printSection(io.stdout, 'Alerts');
    for (const a of view.alerts) io.stdout.write(`${a.status} ${a.severity} ${a.key}: ${a.message}\n`);
  }
  return 0;
}

export interface AlertsArgs {
  open?: boolean;
  limit: number;
  json?: boolean;
  config?: string;
}

/** Lists alerts (exit 0 even with open ones: `nasorch check` is the monitoring entry point). */
export async function alertsCommand(args: AlertsArgs, io: CliIo, deps: DatabaseDeps = {}): Promise<number> {
  const now = new Date();
  const { alerts, undelivered, counts } = await withDatabase(io, deps, async (prisma) => {
    const alerts = await new AlertBook(prisma).list({ openOnly: args.open === true, limit: args.limit });
    return { alerts, undelivered: await undeliveredFor(prisma, alerts.map((a) => a.key)), counts: await deliveryCounts(prisma) };
  });
  const rows = alerts.map((a) => ({
    ...a,
    acked: a.status === 'open' && isAcked(a, now),
    undeliveredNotifications: undelivered
      .filter((d) => d.alertKey === a.key)
      .map(({ alertKey: _k, ...d }) => d),
  }));
  if (args.json) {
    printJson(io.stdout, rows);
    return 0;
  }
  const zone = await policyTimeZones(args.config);
  type Row = (typeof rows)[number];
  printTable(io.stdout, [
    { header: 'STATUS', value: (a: Row) => (a.acked ? `open, acked${a.ackedUntil ? ` until ${formatLocalTime(a.ackedUntil, zone(a.policy))}` : ''}` : a.status) },
    { header: 'SEVERITY', value: (a: Row) => a.severity },
    { header: 'KEY', value: (a: Row) => a.key },
    { header: 'VOLUME', value: (a: Row) => a.volumeName ?? a.volumeId },
    { header: 'COUNT', value: (a: Row) => a.count, align: 'right' },
    { header: 'LAST SEEN', value: (a: Row) => formatLocalTime(a.lastSeenAt, zone(a.policy)) },
    { header: 'MESSAGE', value: (a: Row) => a.message },
  ], rows, args.open ? '(no open alerts)' : '(no alerts)');
  const troubled = counts.filter((c) => c.failed > 0 || c.retrying > 0);
  if (troubled.length > 0) {
    printSection(io.stdout, 'Notifications not delivered');
    printTable(io.stdout, [
      { header: 'SINK', value: (c: (typeof troubled)[number]) => c.sink },
      { header: 'FAILED', value: (c: (typeof troubled)[number]) => c.failed, align: 'right' },
      { header: 'RETRYING', value: (c: (typeof troubled)[number]) => c.retrying, align: 'right' },
      { header: 'PENDING', value: (c: (typeof troubled)[number]) => c.pending, align: 'right' },
      { header: 'LAST ERROR', value: (c: (typeof troubled)[number]) => c.lastError },
    ], troubled);
  }
  return 0;
}

/** `nasorch alerts ack KEY [--until ISO] [--reason TEXT]`. */
export async function alertsAckCommand(key: string, args: { until?: string; reason?: string; json?: boolean }, io: CliIo, deps: DatabaseDeps = {}): Promise<number> {
  const until = args.until === undefined ? undefined : parseIsoTime(args.until, '--until');
  if (until && until.getTime() <= Date.now()) throw new CommandError(`--until: ${args.until} is in the past`);
  const alert = await withDatabase(io, deps, (prisma) =>
    new AlertBook(prisma).ack(key, { ...(until ? { until } : {}), ...(args.reason ? { reason: args.reason } : {}) }).catch((err: Error) => {
      throw err.name === 'AlertNotFoundError' ? new CommandError(err.message) : err;
    }),
  );
  if (args.json) printJson(io.stdout, { key: alert.key, ackedAt: alert.ackedAt, ackedUntil: alert.ackedUntil, reason: alert.ackReason });
  else io.stdout.write(`acknowledged ${alert.key} ${alert.ackedUntil ? `until ${alert.ackedUntil.toISOString()}` : 'until it resolves'}: no re-notification until then\n`);
  return 0;
}

/** An ISO-8601 time with a zone (Z or ±hh:mm), or a one-line error naming the flag. */
export function parseIsoTime(text: string, flag: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(text.trim()) || Number.isNaN(date.getTime())) {
    throw new CommandError(`${flag}: expected an ISO-8601 time with a zone such as 2026-12-24T09:00:00Z, got "${text}"`);
  }
  return date;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

const zoneOption = () =>
  new Option('-c, --config <dir>', 'policy directory (for the policies\' time zones in tables)').env('NASORCH_CONFIG').default(DEFAULT_CONFIG_DIR);

export function registerRecordsCommands(program: Command): void {
  const history = program
    .command('history')
    .description('job runs, newest first; `history show RUN_ID` for one run')
    .option('-p, --policy <name>', 'only this policy')
    .option('-v, --volume <id>', 'only this volume')
    .option('-n, --limit <n>', 'how many', positiveInt, 50)
    .option('--json', 'print JSON')
    .addOption(zoneOption())
    .action(async (opts: HistoryArgs) => {
      process.exitCode = await historyCommand(opts, processIo());
    });
  history
    .command('show')
    .description('everything recorded about one run')
    .argument('<run-id>', 'the run id (RUN column of `nasorch history`)')
    .option('--json', 'print JSON')
    .addOption(zoneOption())
    .action(async (runId: string, opts: { json?: boolean; config?: string }) => {
      process.exitCode = await historyShowCommand(runId, opts, processIo());
    });
  const alerts = program
    .command('alerts')
    .description('alerts, most recently seen first, and notifications not delivered (exit 0; see `nasorch check`)')
    .option('--open', 'only open alerts')
    .option('-n, --limit <n>', 'how many', positiveInt, 100)
    .option('--json', 'print JSON')
    .addOption(zoneOption())
    .action(async (opts: AlertsArgs) => {
      process.exitCode = await alertsCommand(opts, processIo());
    });
  alerts
    .command('ack')
    .description('acknowledge an open alert: no re-notification until --until (default: until it resolves)')
    .argument('<key>', 'the alert key (KEY column of `nasorch alerts`)')
    .option('--until <iso>', 'end of the acknowledgement, e.g. 2026-12-24T09:00:00Z')
    .option('--reason <text>', 'why (shown with the alert)')
    .option('--json', 'print JSON')
    .action(async (key: string, opts: { until?: string; reason?: string; json?: boolean }) => {
      process.exitCode = await alertsAckCommand(key, opts, processIo());
    });
}
