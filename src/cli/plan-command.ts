// `nasorch plan`: next run times and the retention decision per volume; changes nothing.
// Scales to thousands of volumes: snapshots are listed several volumes at a time within
// NAS_API_RATE_LIMIT (this process's own budget: plan has no Redis), and each volume's plan is
// written as soon as it is decided, so memory holds a few volumes' snapshots, not all of them.
import { configOption } from './config-option.ts';
import type { Command } from 'commander';
import { ApiRateLimiter } from '../coordination/api-rate-limiter.ts';
import { createNasConnection } from '../nas/connection.ts';
import type { NasConnectionOptions } from '../nas/connection.ts';
import type { Snapshot } from '../nas/schemas.ts';
import { nextRuns, planVolume, type VolumePlan } from '../orchestrator/plan.ts';
import { resolveSelectedVolumes } from '../orchestrator/volume-selection.ts';
import type { Policy } from '../policy/policy.ts';
import { identitySettings, serviceSettings } from '../settings/settings.ts';
import { commandLogger, CommandError, loadPoliciesOrFail } from './command-context.ts';
import { listPauses } from '../schedule/schedule-pauses.ts';
import { withDatabase } from './database-context.ts';
import { describeError } from './errors.ts';
import { formatLocalTime } from './local-time.ts';
import { printTable, processIo, type CliIo, type TextSink } from './output.ts';
import { pausedOf } from '../orchestrator/plan.ts';

export interface PlanArgs {
  config: string;
  at?: string;
  json?: boolean;
}

/** Snapshot listings in flight at once (the rate limiter still paces them). */
const LISTING_CONCURRENCY = 16;

export async function planCommand(args: PlanArgs, io: CliIo, deps: { nasOptions?: NasConnectionOptions; databaseSchema?: string } = {}): Promise<number> {
  const at = args.at === undefined ? new Date() : new Date(args.at);
  if (Number.isNaN(at.getTime())) throw new CommandError(`--at: expected an ISO-8601 time such as 2026-11-27T03:00:00Z, got "${args.at}"`);
  const identity = identitySettings(io.env);
  const policies = await loadPoliciesOrFail(args.config, identity.region);
  const log = commandLogger(io);
  const limiter = new ApiRateLimiter(null, { prefix: 'plan', requestsPerSecond: serviceSettings(io.env).apiRateLimitPerSecond });
  const nas = createNasConnection(identity, {
    logger: log,
    ...deps.nasOptions,
    client: { ...deps.nasOptions?.client, beforeRequest: () => limiter.take() },
  });

  const { selected, unresolvedRegions, regionErrors } = await resolveSelectedVolumes(policies, (r) => nas.client(r), log);
  if (unresolvedRegions.length > 0) {
    throw new CommandError(`cannot list the volumes of region(s) ${unresolvedRegions.join(', ')}: ${regionErrors.get(unresolvedRegions[0]!)}`);
  }
  // Pauses live in PostgreSQL; plan still works without it, saying the pause state is unknown.
  let pauseNote: string | undefined;
  const pauses = await withDatabase(io, deps, (prisma) => listPauses(prisma, at)).catch((err: unknown) => {
    pauseNote = `pause state unknown (${describeError(err)})`;
    return [];
  });
  if (pauseNote && !args.json) io.stderr.write(`warning: ${pauseNote}\n`);

  // Every (policy, volume) in output order; snapshots are listed ahead, a bounded window at a time.
  const work = policies.flatMap((policy) => (selected.get(policy.name) ?? []).map((volume) => ({ policy, volume })));
  const nextByPolicy = new Map(policies.map((p) => [p.name, nextRuns(p, at)]));
  const plans = mapInOrder(work, LISTING_CONCURRENCY, async ({ policy, volume }) => {
    const snapshots: readonly Snapshot[] = policy.snapshot ? await nas.client(policy.region).listSnapshots(volume.id) : [];
    return planVolume(policy, volume, snapshots, nextByPolicy.get(policy.name)!, pausedOf(policy, volume.id, pauses, at));
  });
  const out = args.json ? new JsonPlanWriter(io.stdout, at, pauseNote) : new TextPlanWriter(io.stdout);
  const results = plans[Symbol.asyncIterator]();
  for (const policy of policies) {
    out.startPolicy(policy);
    for (let i = 0; i < (selected.get(policy.name)?.length ?? 0); i++) {
      const next = await results.next();
      if (!next.done) out.volume(next.value);
    }
    out.endPolicy();
  }
  out.end();
  return 0;
}

/** `fn` over `items` with at most `limit` running; results in input order, as they become available. */
async function* mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  let next = 0;
  const fill = () => {
    while (next < items.length && pending.length < limit) {
      const p = fn(items[next++]!);
      p.catch(() => {}); // awaited in order below; avoids an unhandled rejection meanwhile
      pending.push(p);
    }
  };
  fill();
  while (pending.length > 0) {
    const result = await pending.shift()!;
    fill();
    yield result;
  }
}

interface PlanWriter {
  startPolicy(policy: Pick<Policy, 'name' | 'region' | 'suspend' | 'timezone'>): void;
  volume(plan: VolumePlan): void;
  endPolicy(): void;
  end(): void;
}

/** The `{ at, policies: [{ name, region, volumes: [...] }] }` document, written piece by piece. */
class JsonPlanWriter implements PlanWriter {
  private policies = 0;
  private volumes = 0;

  constructor(private readonly out: TextSink, at: Date, warning?: string) {
    const note = warning ? `\n  "warning": ${JSON.stringify(warning)},` : '';
    out.write(`{\n  "at": ${JSON.stringify(at.toISOString())},${note}\n  "policies": [`);
  }

  startPolicy(policy: Pick<Policy, 'name' | 'region'>): void {
    this.out.write(`${this.policies++ > 0 ? ',' : ''}\n    {\n      "name": ${JSON.stringify(policy.name)},\n      "region": ${JSON.stringify(policy.region)},\n      "volumes": [`);
    this.volumes = 0;
  }

  volume(plan: VolumePlan): void {
    const text = JSON.stringify(plan, null, 2).replace(/\n/g, '\n        ');
    this.out.write(`${this.volumes++ > 0 ? ',' : ''}\n        ${text}`);
  }

  endPolicy(): void {
    this.out.write(this.volumes > 0 ? '\n      ]\n    }' : ']\n    }');
  }

  end(): void {
    this.out.write(this.policies > 0 ? '\n  ]\n}\n' : ']\n}\n');
  }
}

class TextPlanWriter implements PlanWriter {
  private volumes = 0;
  private zone = 'UTC';

  constructor(private readonly out: TextSink) {}

  startPolicy(policy: Pick<Policy, 'name' | 'region' | 'suspend' | 'timezone'>): void {
    const suspended = policy.suspend ? ', suspended by spec.suspend' : '';
    this.out.write(`policy ${policy.name} (${policy.region}${suspended})\n`);
    this.volumes = 0;
    this.zone = policy.timezone;
  }

  volume(volume: VolumePlan): void {
    this.volumes++;
    const out = this.out;
    const zone = this.zone;
    out.write(`\n  volume ${volume.name} (${volume.id})\n`);
    if (volume.paused) out.write(`    PAUSED: ${volume.paused.reason} (scheduled runs are skipped)\n`);
    for (const [kind, when] of Object.entries(volume.next)) out.write(`    next ${kind.padEnd(12)} ${formatLocalTime(new Date(when), zone)}\n`);
    if (!volume.retention) return;
    const rows = [
      ...volume.retention.keep.map((k) => ({ action: 'keep', ...k })),
      ...volume.retention.delete.map((d) => ({ action: 'delete', ...d, reasons: [] as string[] })),
    ];
    out.write('\n');
    printTable(out, [
      { header: '    ACTION', value: (r: (typeof rows)[number]) => `    ${r.action}` },
      { header: 'SNAPSHOT', value: (r: (typeof rows)[number]) => r.name },
      { header: 'CREATED', value: (r: (typeof rows)[number]) => formatLocalTime(new Date(r.createdAt), zone) },
      { header: 'REASONS', value: (r: (typeof rows)[number]) => r.reasons },
    ], rows, '    (no snapshots managed by this policy yet)');
  }

  endPolicy(): void {
    if (this.volumes === 0) this.out.write('  selects no volume\n');
    this.out.write('\n');
  }

  end(): void {}
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
