// `nasorch failover plan|start|status|approve|resume|abort`: runbooks from the command line, all
// through FailoverService. Refusals are one line (and `{"error":{code,message}}` with --json);
// exit 0 only on success (with --wait: only when the run succeeded).
import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { QUEUE_NAME } from '../daemon/daemon.ts';
import { loadFailoverGroups, type FailoverGroup } from '../failover/group.ts';
import type { Plan } from '../failover/plan.ts';
import { QueueStepScheduler } from '../failover/queue.ts';
import { FailoverRefusal, FailoverService, type RunStatus } from '../failover/service.ts';
import { daemonTuning, serviceSettings } from '../settings/settings.ts';
import { CommandError, withServices } from './command-context.ts';
import { printJson, printRecord, printSection, printTable, processIo, type CliIo } from './output.ts';

export interface FailoverCliDeps {
  databaseSchema?: string;
}

async function loadGroupsOrFail(dir: string, io: CliIo): Promise<FailoverGroup[]> {
  const set = await loadFailoverGroups([dir], io.env.NHN_REGION?.trim() || 'KR1');
  if (set.errors.length > 0) {
    const more = set.errors.length > 1 ? ` (and ${set.errors.length - 1} more; run \`nasorch validate ${dir}\`)` : '';
    throw new CommandError(`invalid failover group config: ${set.errors[0]!.format()}${more}`);
  }
  return set.groups;
}

/** Opens services and a FailoverService for one command (with the daemons' queue to schedule on). */
export async function withFailoverService<T>(io: CliIo, configDir: string, deps: FailoverCliDeps, fn: (service: FailoverService) => Promise<T>): Promise<T> {
  const groups = await loadGroupsOrFail(configDir, io);
  return withServices(io, { nas: true, ...deps }, async (services, log) => {
    const prefix = daemonTuning(io.env).redisPrefix;
    const queue = new Queue(QUEUE_NAME, { connection: { url: serviceSettings(io.env).redisUrl, maxRetriesPerRequest: null }, prefix });
    try {
      const service = new FailoverService({ prisma: services.prisma, nas: services.nas!, groups: () => groups, log, scheduler: new QueueStepScheduler(queue), redis: services.redis, redisPrefix: prefix });
      return await fn(service);
    } finally {
      await queue.close();
    }
  });
}

/** Refusals as the command's answer: one line on stderr, JSON on stdout with --json. */
async function answer(io: CliIo, json: boolean | undefined, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof FailoverRefusal)) throw err;
    if (json) printJson(io.stdout, { error: err.toJSON() });
    throw new CommandError(err.message);
  }
}

export function printPlan(io: CliIo, plan: Plan): void {
  printTable(io.stdout, [
    { header: 'ORIGINAL', value: (p: Plan['pairs'][number]) => `${p.volume.name} (${p.volume.region})` },
    { header: 'REPLICA', value: (p: Plan['pairs'][number]) => `${p.replica.name} (${p.replica.region})` },
    { header: 'DIRECTION', value: (p: Plan['pairs'][number]) => p.direction },
    { header: 'STATE', value: (p: Plan['pairs'][number]) => p.state },
    { header: 'LAG', value: (p: Plan['pairs'][number]) => (p.lagSeconds === null ? null : `${p.lagSeconds}s`), align: 'right' },
  ], plan.pairs, '(no pairs)');
  printSection(io.stdout, 'PRE-CHECKS');
  printTable(io.stdout, [
    { header: 'CHECK', value: (c: Plan['prechecks'][number]) => c.name },
    { header: 'OK', value: (c: Plan['prechecks'][number]) => c.ok },
    { header: 'DETAIL', value: (c: Plan['prechecks'][number]) => c.detail },
  ], plan.prechecks);
  printSection(io.stdout, 'STEPS');
  printTable(io.stdout, [
    { header: '#', value: (s: Plan['steps'][number] & { n: number }) => s.n, align: 'right' },
    { header: 'STEP', value: (s: Plan['steps'][number]) => s.name },
    { header: 'CALL', value: (s: Plan['steps'][number]) => (s.call ? `${s.call.method} ${s.call.region} ${s.call.path}` : null) },
    { header: 'WIPES', value: (s: Plan['steps'][number]) => (s.wipes ? `${s.wipes.name} (${s.wipes.id})` : null) },
  ], plan.steps.map((s, n) => ({ ...s, n: n + 1 })));
  if (plan.wipes.length > 0) io.stdout.write(`\nWIPES: ${plan.wipes.map((w) => `${w.name} (${w.id}, ${w.region})`).join(', ')} — confirm each with --confirm NAME\n`);
  if (plan.dataLossWindowSeconds !== undefined) io.stdout.write(`\nDATA-LOSS WINDOW: ${plan.dataLossWindowSeconds === null ? 'unknown (no stored stat sample)' : `${plan.dataLossWindowSeconds}s since the last successful transfer nasorch recorded`}\n`);
  io.stdout.write(`\nplanHash ${plan.planHash}\n`);
}

export function printRun(io: CliIo, run: RunStatus): void {
  printRecord(io.stdout, [
    ['Run', run.id],
    ['Group', run.group],
    ['Kind', run.kind],
    ['State', run.state],
    ['Current step', run.currentStep],
    ['Error', run.error],
    ['RPO', run.rpoSeconds === null ? null : `${run.rpoSeconds}s`],
    ['RTO', run.rtoSeconds === null ? null : `${run.rtoSeconds}s`],
  ]);
  printSection(io.stdout, 'STEPS');
  printTable(io.stdout, [
    { header: 'STEP', value: (s: RunStatus['steps'][number]) => s.name },
    { header: 'STATE', value: (s: RunStatus['steps'][number]) => s.state },
    { header: 'STARTED', value: (s: RunStatus['steps'][number]) => s.startedAt },
    { header: 'FINISHED', value: (s: RunStatus['steps'][number]) => s.finishedAt },
    { header: 'DETAIL', value: (s: RunStatus['steps'][number]) => s.detail },
  ], run.steps);
}

/** The answer of start/approve/resume: the run, and with --wait its end (exit 0 only on success). */
async function reportRun(io: CliIo, service: FailoverService, run: RunStatus, opts: { json?: boolean; wait?: boolean }): Promise<number> {
  const final = opts.wait && run.state === 'running' ? await service.wait(run.id) : run;
  if (opts.json) printJson(io.stdout, final);
  else printRun(io, final);
  if (!opts.wait) return final.state === 'failed' || final.state === 'aborted' ? 1 : 0;
  if (final.state === 'succeeded') return 0;
  io.stderr.write(`nasorch: run ${final.id} ended ${final.state}${final.error ? `: ${final.error}` : ''}\n`);
  return 1;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface CommonOpts {
  config: string;
  json?: boolean;
}

export function registerFailoverCommands(program: Command, io: CliIo = processIo(), deps: FailoverCliDeps = {}): void {
  const failover = program.command('failover').description('failover runbooks: plan, start, status, approve, resume, abort');
  const setExit = (code: number) => {
    process.exitCode = code;
  };

  failover
    .command('plan')
    .description('what a runbook would do now (no mutating call), with its planHash')
    .argument('<group>', 'failover group name')
    .requiredOption('--kind <kind>', 'planned, switchover, emergency, failback or drill')
    .option('-c, --config <dir>', 'config directory', './config')
    .option('--ack-invert-on-halt', 'failback: acknowledge invert on a HALT mirror (A4)')
    .option('--declare', 'emergency: declare the source region down')
    .option('--json', 'print JSON')
    .action(async (group: string, opts: CommonOpts & { kind: string; ackInvertOnHalt?: boolean; declare?: boolean }) => {
      setExit(
        await answer(io, opts.json, () =>
          withFailoverService(io, opts.config, deps, async (service) => {
            const plan = await service.plan(group, opts.kind, { ...(opts.ackInvertOnHalt ? { ackInvertOnHalt: true } : {}), ...(opts.declare ? { declare: true } : {}) });
            if (opts.json) printJson(io.stdout, plan);
            else printPlan(io, plan);
            return 0;
          }),
        ),
      );
    });

  failover
    .command('start')
    .description('start a runbook; refuses unless the fresh plan has the given hash and every wiped volume is confirmed')
    .argument('<group>', 'failover group name')
    .requiredOption('--kind <kind>', 'planned, switchover, emergency, failback or drill')
    .requiredOption('--plan-hash <hash>', 'the planHash of `nasorch failover plan`')
    .option('--confirm <volume>', 'name of a volume the run wipes (repeat for each)', collect, [])
    .option('--reason <text>', 'why (recorded on the run)')
    .option('--wait', 'follow the run to its end; exit 0 only if it succeeded')
    .option('--local', 'run the steps in this process (no daemon needed)')
    .option('--ack-invert-on-halt', 'failback: acknowledge invert on a HALT mirror (A4)')
    .option('--declare', 'emergency: declare the source region down')
    .option('-c, --config <dir>', 'config directory', './config')
    .option('--json', 'print JSON')
    .action(async (group: string, opts: CommonOpts & { kind: string; planHash: string; confirm: string[]; reason?: string; wait?: boolean; local?: boolean; ackInvertOnHalt?: boolean; declare?: boolean }) => {
      setExit(
        await answer(io, opts.json, () =>
          withFailoverService(io, opts.config, deps, async (service) => {
            const run = await service.start({
              group,
              kind: opts.kind,
              planHash: opts.planHash,
              confirm: opts.confirm,
              ...(opts.reason ? { reason: opts.reason } : {}),
              trigger: opts.local ? 'local' : 'cli',
              ...(opts.local ? { local: true } : {}),
              ...(opts.ackInvertOnHalt ? { ackInvertOnHalt: true } : {}),
              ...(opts.declare ? { declare: true } : {}),
            });
            return reportRun(io, service, run, { ...opts, wait: opts.wait || opts.local });
          }),
        ),
      );
    });

  failover
    .command('status')
    .description('runs, newest first (or one run) with their steps')
    .argument('[runId]', 'one run')
    .option('-c, --config <dir>', 'config directory', './config')
    .option('--json', 'print JSON')
    .action(async (runId: string | undefined, opts: CommonOpts) => {
      setExit(
        await answer(io, opts.json, () =>
          withFailoverService(io, opts.config, deps, async (service) => {
            const status = await service.status(runId);
            if (opts.json) printJson(io.stdout, status);
            else if (runId) printRun(io, status.runs[0]!);
            else
              printTable(io.stdout, [
                { header: 'RUN', value: (r: RunStatus) => r.id },
                { header: 'GROUP', value: (r: RunStatus) => r.group },
                { header: 'KIND', value: (r: RunStatus) => r.kind },
                { header: 'STATE', value: (r: RunStatus) => r.state },
                { header: 'STEP', value: (r: RunStatus) => r.currentStep },
                { header: 'CREATED', value: (r: RunStatus) => r.createdAt },
                { header: 'ERROR', value: (r: RunStatus) => r.error },
              ], status.runs, '(no failover runs)');
            return 0;
          }),
        ),
      );
    });

  failover
    .command('approve')
    .description('approve a run awaiting approval (re-plans and compares the hash)')
    .argument('<runId>')
    .requiredOption('--plan-hash <hash>', 'the run\'s planHash')
    .option('--confirm <volume>', 'name of a volume the run wipes (repeat for each)', collect, [])
    .option('--wait', 'follow the run to its end; exit 0 only if it succeeded')
    .option('--local', 'run the steps in this process')
    .option('-c, --config <dir>', 'config directory', './config')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: CommonOpts & { planHash: string; confirm: string[]; wait?: boolean; local?: boolean }) => {
      setExit(
        await answer(io, opts.json, () =>
          withFailoverService(io, opts.config, deps, async (service) => {
            const run = await service.approve(runId, { planHash: opts.planHash, confirm: opts.confirm }, { ...(opts.local ? { local: true } : {}) });
            return reportRun(io, service, run, opts);
          }),
        ),
      );
    });

  failover
    .command('resume')
    .description('continue a run waiting for a person from its current step')
    .argument('<runId>')
    .option('--wait', 'follow the run to its end; exit 0 only if it succeeded')
    .option('--local', 'run the steps in this process')
    .option('-c, --config <dir>', 'config directory', './config')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: CommonOpts & { wait?: boolean; local?: boolean }) => {
      setExit(
        await answer(io, opts.json, () =>
          withFailoverService(io, opts.config, deps, async (service) => reportRun(io, service, await service.resume(runId, { ...(opts.local ? { local: true } : {}) }), opts)),
        ),
      );
    });

  failover
    .command('abort')
    .description('stop a run (no further step acts; what was done stays done)')
    .argument('<runId>')
    .option('--reason <text>', 'why', 'aborted by the operator')
    .option('-c, --config <dir>', 'config directory', './config')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: CommonOpts & { reason: string }) => {
      setExit(
        await answer(io, opts.json, () =>
          withFailoverService(io, opts.config, deps, async (service) => {
            const run = await service.abort(runId, opts.reason);
            if (opts.json) printJson(io.stdout, run);
            else printRun(io, run);
            return 0;
          }),
        ),
      );
    });
}
