// The daemon end to end on a seconds-level schedule: snapshots appear per slot, pruning follows
// retention, history and alerts are recorded; a second daemon on the same Redis and database
// never runs a slot twice.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import type { Snapshot } from '../../src/nas/schemas.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let prodDbId: string;
const PREFIX = 'nasorch-e2e-';

async function snapshotsOf(volumeId: string): Promise<Snapshot[]> {
  return new NasConnection(stack.identity).client('KR1').listSnapshots(volumeId);
}

beforeAll(async () => {
  stack = await createTestStack();
  const volumes = await new NasConnection(stack.identity).client('KR1').listAllVolumes();
  prodDbId = volumes.find((v) => v.name === 'prod-db')!.id;
  await stack.writePolicy(
    'e2e.yaml',
    policyYaml(
      'e2e',
      `timezone: Asia/Seoul
volumes:
  names: [prod-db]
snapshot:
  schedule: "* * * * * *"
  prefix: "${PREFIX}"
  retention:
    keepLast: 2
usage:
  schedule: "*/2 * * * * *"
  warnPercent: 1
  criticalPercent: 100`,
    ),
  );
});
afterAll(() => stack.close());

describe('daemon end to end', () => {
  it('takes one snapshot per slot, prunes to retention, records runs, samples and alerts — once per slot with two daemons', async () => {
    const [a, b] = [await stack.startDaemon(), await stack.startDaemon()];
    const { prisma } = stack.db;

    await vi.waitFor(
      async () => {
        const created = await prisma.snapshotRecord.count({ where: { action: 'created', volumeId: prodDbId } });
        const deleted = await prisma.snapshotRecord.count({ where: { action: 'deleted', volumeId: prodDbId } });
        expect(created).toBeGreaterThanOrEqual(6);
        expect(deleted).toBeGreaterThanOrEqual(3);
      },
      { timeout: 25_000, interval: 250 },
    );
    await Promise.all([a.stop(), b.stop()]);

    // Every snapshot run is one slot, recorded once, with the slot in its snapshot's name. A slot
    // whose job ran after the next slot's (busy volume) is skipped, not back-filled, and says so.
    const runs = await prisma.jobRun.findMany({ where: { kind: 'snapshot', volumeId: prodDbId } });
    expect(runs.length).toBeGreaterThanOrEqual(6);
    const slots = runs.map((r) => r.scheduledAt.toISOString());
    expect(new Set(slots).size).toBe(runs.length);
    const made = runs.filter((r) => r.status === 'succeeded');
    for (const run of runs) {
      expect(run.trigger).toBe('schedule');
      expect(run.attempts).toBe(1);
      const details = run.details as { snapshot: { name: string; created: boolean; reason: string } };
      const stamp = run.scheduledAt.toISOString().slice(0, 19).replace(/[-:]/g, '');
      if (run.status === 'skipped') {
        expect(details.snapshot).toMatchObject({ name: `${PREFIX}${stamp}Z`, created: false });
        expect(details.snapshot.reason).toMatch(/missed slot/);
        continue;
      }
      expect(run.status).toBe('succeeded');
      expect(details.snapshot).toMatchObject({ name: `${PREFIX}${stamp}Z`, created: true });
    }

    // No slot was created twice: one POST per snapshot made, and every created name is unique.
    const posts = stack.sim.requests().filter((r) => r.route === 'POST /v1/volumes/:volumeId/snapshots' && r.path.includes(prodDbId));
    expect(posts).toHaveLength(made.length);
    const created = await prisma.snapshotRecord.findMany({ where: { action: 'created', volumeId: prodDbId } });
    expect(new Set(created.map((c) => c.snapshotName)).size).toBe(created.length);
    expect(created).toHaveLength(made.length);

    // Pruning followed keepLast 2 and touched nothing it does not own.
    const remaining = await snapshotsOf(prodDbId);
    const ours = remaining.filter((s) => s.name.startsWith(PREFIX));
    expect(ours.length).toBeLessThanOrEqual(2);
    expect(remaining.some((s) => s.name === 'prod-db-before-upgrade')).toBe(true);
    expect(remaining.some((s) => s.type === 'SCHEDULED')).toBe(true);
    const deleted = await prisma.snapshotRecord.findMany({ where: { action: 'deleted', volumeId: prodDbId } });
    for (const d of deleted) expect(d.snapshotName.startsWith(PREFIX)).toBe(true);
    expect(deleted.length).toBe(created.length - ours.length);

    // Usage was sampled and the warning alert opened (warnPercent 1).
    expect(await prisma.usageSample.count({ where: { volumeId: prodDbId } })).toBeGreaterThan(0);
    const usageAlert = await prisma.alert.findUnique({ where: { key: `usage:${prodDbId}` } });
    expect(usageAlert).toMatchObject({ status: 'open', severity: 'warning', policy: 'e2e' });
    expect(usageAlert!.count).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
