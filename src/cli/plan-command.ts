// `nasorch plan`: next run times and the retention decision per volume; changes nothing.
import { configOption } from './config-option.ts';
import type { Command } from 'commander';
import { createNasConnection } from '../nas/connection.ts';
import type { NasConnectionOptions } from '../nas/connection.ts';
import type { Snapshot } from '../nas/schemas.ts';
import { planPolicy, type PolicyPlan } from '../orchestrator/plan.ts';
import { resolveSelectedVolumes } from '../orchestrator/volume-selection.ts';
import { identitySettings } from '../settings/settings.ts';
import { commandLogger, CommandError, loadPoliciesOrFail } from './command-context.ts';
import { listPauses } from '../schedule/schedule-pauses.ts';
import { withDatabase } from './database-context.ts';
import { describeError } from './errors.ts';
import { formatLocalTime } from './local-time.ts';
import { printJson, printTable, processIo, type CliIo } from './output.ts';

export interface PlanArgs {
  config: string;
  at?: string;
  json?: boolean;
}

export async function planCommand(args: PlanArgs, io: CliIo, deps: { nasOptions?: NasConnectionOptions; databaseSchema?: string } = {}): Promise<number> {
  const at = args.at === undefined ? new Date() : new Date(args.at);
  if (Number.isNaN(at.getTime())) throw new CommandError(`--at: expected an ISO-8601 time such as 2026-11-27T03:00:00Z, got "${args.at}"`);
  const identity = identitySettings(io.env);
  const policies = await loadPoliciesOrFail(args.config, identity.region);
  const log = commandLogger(io);
  const nas = createNasConnection(identity, { logger: log, ...deps.nasOptions });

  const { selected, unresolvedRegions, regionErrors } = await resolveSelectedVolumes(policies, (r) => nas.client(r), log);
  if (unresolvedRegions.length > 0) {
    throw new CommandError(`cannot list the volumes of region(s) ${unresolvedRegions.join(', ')}: ${regionErrors.get(unresolvedRegions[0]!)}`);
  }
  const snapshots = new Map<string, Snapshot[]>();
  for (const policy of policies.filter((p) => p.snapshot)) {
    for (const volume of selected.get(policy.name) ?? []) {
      if (!snapshots.has(volume.id)) snapshots.set(volume.id, await nas.client(policy.region).listSnapshots(volume.id));
    }
  }
  // Pauses live in PostgreSQL; plan still works without it, saying the pause state is unknown.
  let pauseNote: string | undefined;
  const pauses = await withDatabase(io, deps, (prisma) => listPauses(prisma, at)).catch((err: unknown) => {
    pauseNote = `pause state unknown (${describeError(err)})`;
    return [];
  });
  const plans: PolicyPlan[] = policies.map((p) => planPolicy(p, selected.get(p.name) ?? [], (id) => snapshots.get(id) ?? [], at, pauses));

  if (args.json) {
    printJson(io.stdout, { at: at.toISOString(), policies: plans, ...(pauseNote ? { warning: pauseNote } : {}) });
    return 0;
  }
  if (pauseNote) io.stderr.write(`warning: ${pauseNote}\n`);
  for (const plan of plans) {
    const policy = policies.find((p) => p.name === plan.name);
    const suspended = policy?.suspend ? ', suspended by spec.suspend' : '';
    const zone = policy?.timezone ?? 'UTC';
    io.stdout.write(`policy ${plan.name} (${plan.region}${suspended})\n`);
    if (plan.volumes.length === 0) io.stdout.write('  selects no volume\n');
    for (const volume of plan.volumes) {
      io.stdout.write(`\n  volume ${volume.name} (${volume.id})\n`);
      if (volume.paused) io.stdout.write(`    PAUSED: ${volume.paused.reason} (scheduled runs are skipped)\n`);
      for (const [kind, when] of Object.entries(volume.next)) io.stdout.write(`    next ${kind.padEnd(12)} ${formatLocalTime(new Date(when), zone)}\n`);
      if (volume.retention) {
        const rows = [
          ...volume.retention.keep.map((k) => ({ action: 'keep', ...k })),
          ...volume.retention.delete.map((d) => ({ action: 'delete', ...d, reasons: [] as string[] })),
        ];
        io.stdout.write('\n');
        printTable(io.stdout, [
          { header: '    ACTION', value: (r: (typeof rows)[number]) => `    ${r.action}` },
          { header: 'SNAPSHOT', value: (r: (typeof rows)[number]) => r.name },
          { header: 'CREATED', value: (r: (typeof rows)[number]) => formatLocalTime(new Date(r.createdAt), zone) },
          { header: 'REASONS', value: (r: (typeof rows)[number]) => r.reasons },
        ], rows, '    (no snapshots managed by this policy yet)');
      }
    }
    io.stdout.write('\n');
  }
  return 0;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('show next run times and what retention would keep and delete (changes nothing)')
    .addOption(configOption())
    .option('--at <iso>', 'take this time as "now" for next-run times')
    .option('--json', 'print JSON')
    .action(async (opts: PlanArgs) => {
      process.exitCode = await planCommand(opts, processIo());
    });
}
