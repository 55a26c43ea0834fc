// `nasorch history` and `nasorch alerts`: what nasorch did and what it is alarmed about.
import { type Command, InvalidArgumentError } from 'commander';
import { withServices } from './command-context.ts';
import { printJson, printTable, processIo, type CliIo } from './output.ts';

export interface HistoryArgs {
  policy?: string;
  volume?: string;
  limit: number;
  json?: boolean;
}

export async function historyCommand(args: HistoryArgs, io: CliIo, deps: { databaseSchema?: string } = {}): Promise<number> {
  const runs = await withServices(io, { nas: false, ...deps }, (s) =>
    s.recorder.list({ ...(args.policy ? { policy: args.policy } : {}), ...(args.volume ? { volumeId: args.volume } : {}), limit: args.limit }),
  );
  if (args.json) {
    printJson(io.stdout, runs);
    return 0;
  }
  type Run = (typeof runs)[number];
  printTable(io.stdout, [
    { header: 'STARTED', value: (r: Run) => r.startedAt },
    { header: 'KIND', value: (r: Run) => r.kind.replace('_', '-') },
    { header: 'POLICY', value: (r: Run) => r.policy },
    { header: 'VOLUME', value: (r: Run) => r.volumeName ?? r.volumeId },
    { header: 'SLOT', value: (r: Run) => r.scheduledAt },
    { header: 'TRIGGER', value: (r: Run) => r.trigger },
    { header: 'STATUS', value: (r: Run) => r.status },
    { header: 'ATTEMPTS', value: (r: Run) => r.attempts, align: 'right' },
    { header: 'ERROR', value: (r: Run) => r.error },
  ], runs, '(no runs recorded)');
  return 0;
}

export interface AlertsArgs {
  open?: boolean;
  limit: number;
  json?: boolean;
}

export async function alertsCommand(args: AlertsArgs, io: CliIo, deps: { databaseSchema?: string } = {}): Promise<number> {
  const alerts = await withServices(io, { nas: false, ...deps }, (s) => s.alerts.list({ openOnly: args.open === true, limit: args.limit }));
  if (args.json) {
    printJson(io.stdout, alerts);
    return 0;
  }
  type Alert = (typeof alerts)[number];
  printTable(io.stdout, [
    { header: 'STATUS', value: (a: Alert) => a.status },
    { header: 'SEVERITY', value: (a: Alert) => a.severity },
    { header: 'KEY', value: (a: Alert) => a.key },
    { header: 'COUNT', value: (a: Alert) => a.count, align: 'right' },
    { header: 'LAST SEEN', value: (a: Alert) => a.lastSeenAt },
    { header: 'MESSAGE', value: (a: Alert) => a.message },
  ], alerts, args.open ? '(no open alerts)' : '(no alerts)');
  return 0;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function registerRecordsCommands(program: Command): void {
  program
    .command('history')
    .description('job runs, newest first')
    .option('-p, --policy <name>', 'only this policy')
    .option('-v, --volume <id>', 'only this volume')
    .option('-n, --limit <n>', 'how many', positiveInt, 50)
    .option('--json', 'print JSON')
    .action(async (opts: HistoryArgs) => {
      process.exitCode = await historyCommand(opts, processIo());
    });
  program
    .command('alerts')
    .description('alerts, most recently seen first')
    .option('--open', 'only open alerts')
    .option('-n, --limit <n>', 'how many', positiveInt, 100)
    .option('--json', 'print JSON')
    .action(async (opts: AlertsArgs) => {
      process.exitCode = await alertsCommand(opts, processIo());
    });
}
