// A reconcile pass that fails says in one log line what failed: which alert could not be
// written and why, not Prisma's multi-line message with its code frame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let daemon: Daemon;

beforeAll(async () => {
  stack = await createTestStack();
  await stack.writePolicy('usage.yaml', policyYaml('usage', 'volumes: { names: [prod-web] }\nusage: {}'));
  daemon = await stack.startDaemon();
});
afterAll(async () => {
  await stack?.close();
});

describe('a reconcile whose alert write fails', () => {
  it('logs one line naming the pass, the alert and the cause', async () => {
    const table = `"${stack.db.schema}"."alerts"`;
    stack.sim.setFaults({ rules: [{ route: 'GET /v1/volumes', status: 503 }] });
    // The alert table is gone (in this test's own schema): the region-unreachable alert cannot be written.
    await stack.db.prisma.$executeRawUnsafe(`ALTER TABLE ${table} RENAME TO "alerts_gone"`);
    try {
      await expect(daemon.reconcile('tick')).rejects.toThrow(/^recording alert region-unreachable:KR1: /);
    } finally {
      await stack.db.prisma.$executeRawUnsafe(`ALTER TABLE "${stack.db.schema}"."alerts_gone" RENAME TO "alerts"`);
      stack.sim.setFaults({ rules: [] });
    }
    const failed = stack.logs.filter((l) => String(l.msg).startsWith('reconcile (tick) failed'));
    expect(failed).toHaveLength(1);
    const msg = String(failed[0]!.msg);
    expect(msg).toMatch(/^reconcile \(tick\) failed: recording alert region-unreachable:KR1: [\w.]+\.alert\.\w+\(\): The table `[^`]+\.alerts` does not exist in the current database\.$/);
    expect(msg).not.toContain('\n');
  });
});
