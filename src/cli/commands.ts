// The table of `nasorch` commands. Each command's module is imported only when that command
// runs (or its help is asked for): `nasorch --help` lists the summaries below without loading
// any of them, and `nasorch validate` never loads BullMQ, Prisma or fastify.
// A new command: one row here; its module exports a function adding it to a commander program.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => unknown;

export interface CommandEntry {
  name: string;
  /** The line `nasorch --help` shows. */
  summary: string;
  /** Imports the command's module; resolves to the function that adds the full command. */
  load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'daemon',
    summary: 'run the scheduler, the workers and the health server (SIGHUP reloads the policies)',
    load: async () => (await import('./daemon-command.ts')).registerDaemonCommand,
  },
  {
    name: 'demo',
    summary: 'run a daemon against the built-in NAS simulator with the policies in ./config',
    load: async () => (await import('./demo-command.ts')).registerDemoCommand,
  },
  {
    name: 'validate',
    summary: 'check policy files (default: ./config) and report every error as file:line:col',
    load: async () => (await import('./validate-command.ts')).registerValidateCommand,
  },
  {
    name: 'plan',
    summary: 'show next run times and what retention would keep and delete (changes nothing)',
    load: async () => (await import('./plan-command.ts')).registerPlanCommand,
  },
  {
    name: 'run',
    summary: 'run a job now, in this process (snapshot, prune, usage, mirror-start, mirror-stop, mirror-stat)',
    load: async () => (await import('./run-command.ts')).registerRunCommand,
  },
  {
    name: 'history',
    summary: 'job runs, newest first; history show RUN_ID for one run',
    load: async () => (await import('./records-commands.ts')).registerRecordsCommands,
  },
  {
    name: 'alerts',
    summary: 'alerts and undelivered notifications; alerts ack KEY',
    load: async () => (await import('./records-commands.ts')).registerRecordsCommands,
  },
  {
    name: 'pause',
    summary: 'pause the schedules of a policy (or one volume of it) on every daemon',
    load: async () => (await import('./schedule-control-command.ts')).registerScheduleControlCommands,
  },
  {
    name: 'resume',
    summary: 'undo `nasorch pause` for a policy or one volume',
    load: async () => (await import('./schedule-control-command.ts')).registerScheduleControlCommands,
  },
  {
    name: 'check',
    summary: 'monitoring check: one line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN',
    load: async () => (await import('./check-command.ts')).registerCheckCommand,
  },
  {
    name: 'db',
    summary: 'database maintenance (db migrate)',
    load: async () => (await import('./db-command.ts')).registerDbCommands,
  },
  {
    name: 'nas',
    summary: 'call the NHN Cloud NAS API directly (raw operator commands)',
    load: async () => (await import('./nas-commands.ts')).registerNasCommands,
  },
  {
    name: 'simulator',
    summary: 'run the NHN Cloud Identity + NAS API simulator (for tests and demos) until interrupted',
    load: async () => (await import('./simulator-command.ts')).registerSimulatorCommand,
  },
  {
    name: 'completion',
    summary: 'print a shell completion script: nasorch completion bash|zsh',
    load: async () => (await import('./completion-command.ts')).registerCompletionCommand,
  },
  {
    name: 'pairs',
    summary: 'mirror pairs of the failover groups: direction, writer, lag and derived state',
    load: async () => (await import('./pairs-command.ts')).registerPairsCommand,
  },
  {
    name: 'failover',
    summary: 'failover runbooks: plan, start, status, approve, resume, abort',
    load: async () => (await import('./failover-command.ts')).registerFailoverCommands,
  },
];

/**
 * The command an argument list runs (`nasorch help X` and `nasorch X --help` both name X), or
 * undefined for none or an unknown one. The program's own options are all flags without values,
 * so the first non-option argument is the command.
 */
export function commandNamed(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

/**
 * Adds the commands to `program`: the ones in `load` fully (their modules imported), the rest as
 * stubs with their summary, enough for the help listing and for commander to know the names.
 */
export async function addCommands(program: Command, load: readonly CommandEntry[]): Promise<void> {
  for (const register of new Set(await Promise.all(load.map((c) => c.load())))) register(program);
  const present = new Set(program.commands.map((c) => c.name()));
  for (const entry of COMMANDS) {
    if (present.has(entry.name)) continue;
    program.command(entry.name).description(entry.summary).allowUnknownOption().allowExcessArguments();
  }
}
