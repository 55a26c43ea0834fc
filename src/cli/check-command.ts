// `nasorch check [--json]`: the monitoring entry point (Nagios/Icinga/sanoid style). One line on
// stdout, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (database unreachable, config invalid).
import type { Command } from 'commander';
import { evaluateCheck, CHECK_EXIT_CODES, type CheckResult } from '../monitoring/check.ts';
import type { Policy } from '../policy/policy.ts';
import { listPauses } from '../schedule/schedule-pauses.ts';
import { loadPoliciesOrFail } from './command-context.ts';
import { configOption } from './config-option.ts';
import { withDatabase, type DatabaseDeps } from './database-context.ts';
import { describeError } from './errors.ts';
import { printJson, processIo, type CliIo } from './output.ts';

export interface CheckArgs {
  config: string;
  json?: boolean;
}

export async function checkCommand(args: CheckArgs, io: CliIo, deps: DatabaseDeps & { now?: Date } = {}): Promise<number> {
  const now = deps.now ?? new Date();
  let result: CheckResult;
  try {
    const policies = await loadPoliciesOrFail(args.config, io.env.NHN_REGION?.trim() || 'KR1');
    result = await withDatabase(io, deps, (prisma) => gather(prisma, policies, now));
  } catch (err) {
    const summary = `NASORCH UNKNOWN - ${describeError(err)}`;
    result = { status: 'UNKNOWN', exitCode: CHECK_EXIT_CODES.UNKNOWN, summary, problems: [], checked: { policies: 0, volumes: 0, paused: 0, openAlerts: 0 } };
  }
  if (args.json) printJson(io.stdout, { checkedAt: now.toISOString(), ...result });
  else io.stdout.write(`${result.summary}\n`);
  return result.exitCode;
}

async function gather(prisma: Parameters<Parameters<typeof withDatabase>[2]>[0], policies: Policy[], now: Date): Promise<CheckResult> {
  const names = policies.map((p) => p.name);
  const [openAlerts, successes, firsts, samples, pauses] = await Promise.all([
    prisma.alert.findMany({ where: { status: 'open' }, orderBy: { lastSeenAt: 'desc' } }),
    prisma.jobRun.groupBy({ by: ['policy', 'volumeId'], where: { kind: 'snapshot', status: 'succeeded', policy: { in: names } }, _max: { finishedAt: true } }),
    prisma.jobRun.groupBy({ by: ['policy', 'volumeId'], where: { kind: 'snapshot', policy: { in: names } }, _min: { startedAt: true }, _max: { volumeName: true } }),
    prisma.mirrorStatSample.findMany({ where: { policy: { in: names } }, distinct: ['policy', 'volumeId'], orderBy: { sampledAt: 'desc' } }),
    listPauses(prisma, now),
  ]);
  const volumeNames = new Map(firsts.filter((f) => f._max.volumeName).map((f) => [f.volumeId, f._max.volumeName!]));
  const runNames = await prisma.jobRun.findMany({ where: { volumeId: { in: samples.map((s) => s.volumeId) }, volumeName: { not: null } }, distinct: ['volumeId'], select: { volumeId: true, volumeName: true } });
  for (const r of runNames) volumeNames.set(r.volumeId, r.volumeName!);
  return evaluateCheck({
    now,
    policies,
    openAlerts,
    snapshotRuns: firsts.map((f) => ({
      policy: f.policy,
      volumeId: f.volumeId,
      volumeName: f._max.volumeName,
      firstRunAt: f._min.startedAt!,
      lastSuccessAt: successes.find((s) => s.policy === f.policy && s.volumeId === f.volumeId)?._max.finishedAt ?? null,
    })),
    mirrorSamples: samples,
    pauses,
    volumeNames,
  });
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('monitoring check: one line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (open alerts, overdue snapshots, replication over RPO)')
    .option('--json', 'print JSON')
    .addOption(configOption())
    .action(async (opts: CheckArgs) => {
      process.exitCode = await checkCommand(opts, processIo());
    });
}
