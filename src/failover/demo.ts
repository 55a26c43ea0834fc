// The failover part of `nasorch demo`: on the simulator's replicated volume (prod-web, KR1 → KR2)
// a planned failover, then a failback, through the same FailoverService and steps as production
// (run in this process, like `failover start --local`), each plan and run printed as it goes.
import { openServices } from '../daemon/services.ts';
import type { Logger } from '../log/logger.ts';
import type { IdentitySettings, ServiceSettings } from '../settings/settings.ts';
import { parseGroupText } from './group.ts';
import { FailoverService, type RunStatus } from './service.ts';

const DEMO_GROUP = `apiVersion: nasorch/v1
kind: FailoverGroup
metadata: { name: demo-web }
spec:
  region: KR1
  volumes: { names: [prod-web] }
  rpoMax: 15m
  settle: { reads: 2, interval: 1s, timeout: 5m }
`;

export interface FailoverDemoOptions {
  simUrl: string;
  service: ServiceSettings;
  identity: IdentitySettings;
  databaseSchema: string;
  redisPrefix: string;
  log: Logger;
  write(line: string): void;
}

export async function runFailoverDemo(o: FailoverDemoOptions): Promise<void> {
  // Short mirror timings so the demo takes seconds, not minutes (simulator admin API).
  await fetch(`${o.simUrl}/_admin/timing`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ finalSyncSeconds: 2, mirrorUpdateSeconds: 2, replicationIntervalSeconds: 5 }) });
  const groups = parseGroupText(DEMO_GROUP, 'demo', 'KR1').groups;
  const services = await openServices({ service: o.service, identity: o.identity, log: o.log, redisPrefix: o.redisPrefix, databaseSchema: o.databaseSchema, migrate: true });
  try {
    const service = new FailoverService({ prisma: services.prisma, nas: services.nas!, groups: () => groups, log: o.log });
    const show = (run: RunStatus) => {
      o.write(`failover demo: run ${run.id} (${run.kind}) ${run.state}${run.error ? `: ${run.error}` : ''}`);
      for (const s of run.steps) o.write(`  ${s.state.padEnd(9)} ${s.name.padEnd(17)} ${s.detail ?? ''}`);
    };
    const pairs = async () => {
      for (const p of (await service.pairs('demo-web')).pairs) o.write(`failover demo: pair ${p.original.name} → ${p.replica.name}: ${p.state}, writer ${p.writer?.name ?? '?'}, lag ${p.lagSeconds ?? '?'}s`);
    };
    // A demo stopped half-way earlier left its run active in the demo schema: close it.
    for (const run of await services.prisma.failoverRun.findMany({ where: { activeGroup: 'demo-web' } })) await service.abort(run.id, 'an earlier demo did not finish');
    await pairs();
    const planned = await service.plan('demo-web', 'planned');
    o.write(`failover demo: planned failover, planHash ${planned.planHash.slice(0, 12)}…, steps ${planned.steps.map((s) => s.name).join(' → ')}`);
    show(await service.start({ group: 'demo-web', kind: 'planned', planHash: planned.planHash, local: true, trigger: 'local', reason: 'nasorch demo' }));
    await pairs();
    const failback = await service.plan('demo-web', 'failback', { ackInvertOnHalt: true });
    o.write(`failover demo: failback wipes ${failback.wipes.map((w) => w.name).join(', ')} (confirmed by name), steps ${failback.steps.map((s) => s.name).join(' → ')}`);
    show(await service.start({ group: 'demo-web', kind: 'failback', planHash: failback.planHash, confirm: failback.wipes.map((w) => w.name), ackInvertOnHalt: true, local: true, trigger: 'local', reason: 'nasorch demo' }));
    await pairs();
    o.write('failover demo: done (see `nasorch failover status` with the history command\'s environment)');
  } finally {
    await services.close();
  }
}
