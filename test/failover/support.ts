// A simulator, a migrated schema and a FailoverService over them, for the failover tests.
import { createLogger } from '../../src/log/logger.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { parseGroupText, type FailoverGroup } from '../../src/failover/group.ts';
import { FailoverService, type FailoverServiceDeps } from '../../src/failover/service.ts';
import type { IdentitySettings } from '../../src/settings/settings.ts';
import { startSimulator, type RunningSimulator, type SimulatorStartOptions } from '../../src/simulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

export const FAST_SIM_TIMING = {
  finalSyncSeconds: 1,
  mirrorUpdateSeconds: 1,
  volumeUpdateSeconds: 1,
  replicationIntervalSeconds: 3,
};

export function groupYaml(spec: Record<string, string> = {}): string {
  const lines = {
    region: 'KR1',
    volumes: '{ names: [prod-web] }',
    rpoMax: '15m',
    settle: '{ reads: 2, interval: 1s, timeout: 40s }',
    ...spec,
  };
  return `apiVersion: nasorch/v1\nkind: FailoverGroup\nmetadata:\n  name: web-dr\nspec:\n${Object.entries(lines)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n')}\n`;
}

export function parseGroup(yaml: string): FailoverGroup {
  const { groups, errors } = parseGroupText(yaml, 'groups.yaml', 'KR1');
  if (errors.length > 0) throw new Error(errors.map((e) => e.format()).join('\n'));
  return groups[0]!;
}

export interface FailoverStack {
  sim: RunningSimulator;
  db: TestDatabase;
  nas: NasConnection;
  identity: IdentitySettings;
  groups: FailoverGroup[];
  service(extra?: Partial<FailoverServiceDeps>): FailoverService;
  /** The simulator's mirror calls (stop/start/invert/create-snapshot…) counted by route. */
  count(route: RegExp): number;
  close(): Promise<void>;
}

export async function createFailoverStack(options: { sim?: SimulatorStartOptions; group?: string } = {}): Promise<FailoverStack> {
  const sim = await startSimulator({ clock: 'real', timing: FAST_SIM_TIMING, ...options.sim });
  const db = await createTestDatabase();
  const identity: IdentitySettings = { identityUrl: sim.identityUrl, tenantId: sim.credentials.tenantId, username: sim.credentials.username, password: sim.credentials.password, region: 'KR1' };
  const log = createLogger({ level: 'silent' });
  const nas = new NasConnection(identity, { logger: log, client: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 }, timeoutMs: 5000 } });
  const groups = [parseGroup(options.group ?? groupYaml())];
  return {
    sim,
    db,
    nas,
    identity,
    groups,
    service: (extra = {}) => new FailoverService({ prisma: db.prisma, nas, groups: () => groups, log, ...extra }),
    count: (route) => sim.requests().filter((r) => route.test(`${r.method} ${r.route}`) && r.status < 400).length,
    async close() {
      await sim.close();
      await db.drop();
    },
  };
}
