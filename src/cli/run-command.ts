// `nasorch run KIND --policy NAME [--volume ID]`: runs a job now, in this process, through the
// same JobRunner the daemon uses (same volume lock, same history rows, trigger "manual").
import { configOption } from './config-option.ts';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { recordedWriterOverride } from '../failover/pair-record.ts';
import { runnerFor } from '../orchestrator/job-runner.ts';
import { resolveSelectedVolumes } from '../orchestrator/volume-selection.ts';
import { isJobKind, JOB_KINDS, type JobKind } from '../schedule/job-kinds.ts';
import { identitySettings } from '../settings/settings.ts';
import { CommandError, findPolicy, loadPoliciesOrFail, withServices } from './command-context.ts';
import { summariseRun } from './run-summary.ts';
import { printJson, printTable, processIo, type CliIo } from './output.ts';

export interface RunCommandArgs {
  kind: string;
  policy: string;
  volume?: string;
  config: string;
  json?: boolean;
}

interface RunReport {
  volumeId: string;
  volumeName: string;
  runId?: string;
  status: string;
  error?: string;
  details?: unknown;
}

/** Returns the exit code: 0 when every run succeeded or was skipped. */
export async function runJobCommand(args: RunCommandArgs, io: CliIo, deps: { databaseSchema?: string; nasOptions?: Parameters<typeof withServices>[1]['nasOptions'] } = {}): Promise<number> {
  if (!isJobKind(args.kind)) throw new CommandError(`unknown job kind "${args.kind}" (one of: ${JOB_KINDS.join(', ')})`);
  const kind: JobKind = args.kind;
  const region = identitySettings(io.env).region;
  const policies = await loadPoliciesOrFail(args.config, region);
  const policy = findPolicy(policies, args.policy, args.config);

  const reports = await withServices(io, { nas: true, ...deps }, async (services, log) => {
    const nas = services.nas!;
    const { selected, unresolvedRegions, regionErrors } = await resolveSelectedVolumes([policy], (r) => nas.client(r), log);
    if (unresolvedRegions.length > 0) throw new CommandError(`cannot list the volumes of region ${policy.region}: ${regionErrors.get(policy.region)}`);
    let volumes = selected.get(policy.name) ?? [];
    if (args.volume) {
      volumes = volumes.filter((v) => v.id === args.volume);
      if (volumes.length === 0) throw new CommandError(`volume ${args.volume} is not selected by policy ${policy.name} in ${policy.region}`);
    }
    if (volumes.length === 0) throw new CommandError(`policy ${policy.name} selects no volume in ${policy.region}`);

    const runner = runnerFor(services, (name) => (name === policy.name ? policy : undefined), log, { writerOverride: recordedWriterOverride(services.prisma) });
    const slot = new Date(Math.floor(Date.now() / 1000) * 1000);
    const out: RunReport[] = [];
    for (const volume of volumes) {
      const result = await runner.run({
        data: { kind, policy: policy.name, volumeId: volume.id, volumeName: volume.name, region: policy.region },
        runKey: `manual-${randomUUID()}`,
        slot,
        trigger: 'manual',
        finalAttempt: true,
        lockMode: 'wait',
      });
      if (result.kind === 'done') out.push({ volumeId: volume.id, volumeName: volume.name, runId: result.runId, status: result.outcome.status, details: result.outcome.details });
      else if (result.kind === 'failed') out.push({ volumeId: volume.id, volumeName: volume.name, ...(result.runId ? { runId: result.runId } : {}), status: 'failed', error: result.error.message });
    }
    return out;
  });

  const summary = (r: RunReport) => summariseRun(kind, r.status, r.details as Record<string, unknown> | undefined, r.error);
  if (args.json) printJson(io.stdout, { kind, policy: policy.name, runs: reports.map((r) => ({ ...r, summary: summary(r) })) });
  else
    printTable(io.stdout, [
      { header: 'VOLUME', value: (r: RunReport) => r.volumeName },
      { header: 'ID', value: (r: RunReport) => r.volumeId },
      { header: 'STATUS', value: (r: RunReport) => r.status },
      { header: 'RUN', value: (r: RunReport) => r.runId },
      { header: 'WHAT HAPPENED', value: summary },
    ], reports);
  return reports.some((r) => r.status === 'failed') ? 1 : 0;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(`run a job now, in this process (${JOB_KINDS.join('|')})`)
    .argument('<kind>', `job kind: ${JOB_KINDS.join(', ')}`)
    .requiredOption('-p, --policy <name>', 'policy name')
    .option('-v, --volume <id>', 'only this volume (must be selected by the policy)')
    .addOption(configOption())
    .option('--json', 'print JSON')
    .action(async (kind: string, opts: Omit<RunCommandArgs, 'kind'>) => {
      process.exitCode = await runJobCommand({ kind, ...opts }, processIo());
    });
}
