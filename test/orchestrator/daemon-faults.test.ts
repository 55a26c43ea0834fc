// Injected API faults: transient ones are retried until the slot succeeds (without creating
// twice); a 400 is not retried, fails the run at once and opens an alert.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import { snapshotName } from '../../src/schedule/slots.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function stackFor(volume: string, schedule = '*/2 * * * * *'): Promise<{ stack: TestStack; volumeId: string }> {
  stack = await createTestStack();
  const volumes = await new NasConnection(stack.identity).client('KR1').listAllVolumes();
  await stack.writePolicy(
    'faults.yaml',
    policyYaml('faults', `volumes:\n  names: [${volume}]\nsnapshot:\n  schedule: "${schedule}"\n  retention:\n    keepLast: 50`),
  );
  return { stack, volumeId: volumes.find((v) => v.name === volume)!.id };
}

const CREATE = 'POST /v1/volumes/:volumeId/snapshots';

describe('daemon under injected API faults', () => {
  it('retries a transient error until the slot succeeds, creating one snapshot', async () => {
    // Slots 5 s apart: the retries finish before the next slot (a slot overtaken by the next
    // one is skipped, not back-filled; see slot-decision.ts).
    const { stack, volumeId } = await stackFor('prod-db', '*/5 * * * * *');
    // The first two creations fail with a 500: outcome unknown, so the client does not repeat
    // the create itself; the queue retries the job, which looks the name up first.
    stack.sim.setFaults({ rules: [{ route: CREATE, status: 500, times: 2 }] });
    const daemon = await stack.startDaemon();
    const run = await vi.waitFor(
      async () => {
        const first = await stack.db.prisma.jobRun.findFirst({ where: { volumeId, kind: 'snapshot' }, orderBy: { scheduledAt: 'asc' } });
        expect(first?.status).toBe('succeeded');
        return first!;
      },
      { timeout: 20_000, interval: 200 },
    );
    await daemon.stop();

    expect(run.attempts).toBe(3);
    const name = snapshotName('nasorch-faults-', run.scheduledAt);
    const snapshots = await new NasConnection(stack.identity).client('KR1').listSnapshots(volumeId);
    expect(snapshots.filter((s) => s.name === name)).toHaveLength(1);
    const failedPosts = stack.sim.requests().filter((r) => r.route === CREATE && r.status === 500);
    expect(failedPosts).toHaveLength(2);
  }, 60_000);

  it('does not retry a 400: the run fails at once and an alert opens', async () => {
    const { stack, volumeId } = await stackFor('prod-web');
    stack.sim.setFaults({ rules: [{ route: CREATE, status: 400 }] });
    const daemon = await stack.startDaemon();
    const { prisma } = stack.db;
    await vi.waitFor(
      async () => expect(await prisma.jobRun.count({ where: { volumeId, kind: 'snapshot', status: 'failed' } })).toBeGreaterThanOrEqual(2),
      { timeout: 20_000, interval: 200 },
    );
    await daemon.stop();

    const runs = await prisma.jobRun.findMany({ where: { volumeId, kind: 'snapshot' } });
    for (const run of runs) {
      expect(run.status).toBe('failed');
      expect(run.attempts).toBe(1);
      expect(run.error).toMatch(/400/);
    }
    // One create request per slot: nothing was repeated.
    expect(stack.sim.requests().filter((r) => r.route === CREATE)).toHaveLength(runs.length);
    const alert = await prisma.alert.findUnique({ where: { key: `job-failed:snapshot:faults:${volumeId}` } });
    expect(alert).toMatchObject({ status: 'open', severity: 'critical', policy: 'faults', volumeId });
    expect(alert!.message).toMatch(/prod-web/);
    expect(alert!.count).toBe(runs.length);
  }, 60_000);
});
