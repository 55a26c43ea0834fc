// `nasorch pause|resume POLICY [--volume ID] [--until ISO] [--reason TEXT]`: stops scheduled
// runs without editing files. Stored in PostgreSQL, so every daemon of the cluster honours it
// at the next slot; paused slots are recorded as skipped runs with the reason.
import { userInfo, hostname } from 'node:os';
import type { Command } from 'commander';
import { ALL_VOLUMES, listPauses, pauseSchedule, resumeSchedule, describePause } from '../schedule/schedule-pauses.ts';
import { CommandError, findPolicy, loadPoliciesOrFail } from './command-context.ts';
import { configOption } from './config-option.ts';
import { withDatabase, type DatabaseDeps } from './database-context.ts';
import { printJson, processIo, type CliIo } from './output.ts';
import { parseIsoTime, UUID } from './records-commands.ts';

export interface PauseArgs {
  config: string;
  volume?: string;
  until?: string;
  reason?: string;
  json?: boolean;
}

function checkVolume(volume: string | undefined): void {
  if (volume !== undefined && !UUID.test(volume)) throw new CommandError(`--volume: expected a volume id (UUID), got "${volume}"`);
}

function who(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
}

export async function pauseCommand(policyName: string, args: PauseArgs, io: CliIo, deps: DatabaseDeps = {}): Promise<number> {
  checkVolume(args.volume);
  const until = args.until === undefined ? undefined : parseIsoTime(args.until, '--until');
  if (until && until.getTime() <= Date.now()) throw new CommandError(`--until: ${args.until} is in the past`);
  const policy = findPolicy(await loadPoliciesOrFail(args.config, io.env.NHN_REGION?.trim() || 'KR1'), policyName, args.config);
  const pause = await withDatabase(io, deps, (prisma) =>
    pauseSchedule(prisma, {
      policy: policy.name,
      ...(args.volume ? { volumeId: args.volume } : {}),
      ...(until ? { until } : {}),
      ...(args.reason ? { reason: args.reason } : {}),
      by: who(),
    }),
  );
  if (args.json) printJson(io.stdout, { policy: pause.policy, volumeId: pause.volumeId === ALL_VOLUMES ? null : pause.volumeId, until: pause.until, reason: pause.reason, by: pause.createdBy });
  else io.stdout.write(`${describePause(pause)}; scheduled slots are recorded as skipped until \`nasorch resume ${policy.name}${args.volume ? ` --volume ${args.volume}` : ''}\`${pause.until ? ' or the end time' : ''}\n`);
  return 0;
}

export async function resumeCommand(policyName: string, args: Pick<PauseArgs, 'config' | 'volume' | 'json'>, io: CliIo, deps: DatabaseDeps = {}): Promise<number> {
  checkVolume(args.volume);
  const policy = findPolicy(await loadPoliciesOrFail(args.config, io.env.NHN_REGION?.trim() || 'KR1'), policyName, args.config);
  const { removed, remaining } = await withDatabase(io, deps, async (prisma) => {
    const removed = await resumeSchedule(prisma, policy.name, args.volume);
    return { removed, remaining: (await listPauses(prisma)).filter((p) => p.policy === policy.name) };
  });
  if (args.json) {
    printJson(io.stdout, { policy: policy.name, volumeId: args.volume ?? null, removed, stillPaused: remaining.map(describePause), suspended: policy.suspend === true });
    return 0;
  }
  const target = args.volume ? `volume ${args.volume} of policy ${policy.name}` : `policy ${policy.name}`;
  io.stdout.write(removed > 0 ? `resumed ${target}\n` : `${target} was not paused\n`);
  for (const p of remaining) io.stdout.write(`note: ${describePause(p)}\n`);
  if (policy.suspend) io.stdout.write(`note: policy ${policy.name} is still suspended by spec.suspend: true in ${policy.source.file}\n`);
  return 0;
}

export function registerScheduleControlCommands(program: Command): void {
  program
    .command('pause')
    .description('pause the schedules of a policy (or one volume of it) on every daemon; slots are recorded as skipped')
    .argument('<policy>', 'policy name')
    .option('-v, --volume <id>', 'only this volume')
    .option('--until <iso>', 'resume by itself at this time, e.g. 2026-12-24T09:00:00Z')
    .option('--reason <text>', 'why (recorded with every skipped run)')
    .option('--json', 'print JSON')
    .addOption(configOption())
    .action(async (policy: string, opts: PauseArgs) => {
      process.exitCode = await pauseCommand(policy, opts, processIo());
    });
  program
    .command('resume')
    .description('undo `nasorch pause` for a policy (every pause of it) or one volume')
    .argument('<policy>', 'policy name')
    .option('-v, --volume <id>', 'only this volume')
    .option('--json', 'print JSON')
    .addOption(configOption())
    .action(async (policy: string, opts: PauseArgs) => {
      process.exitCode = await resumeCommand(policy, opts, processIo());
    });
}
