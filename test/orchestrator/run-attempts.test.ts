// `attempts` on a run row counts every execution, also those that could not reach PostgreSQL:
// the queue (BullMQ attemptsMade, stalls) knows them, and the row takes the larger count.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import { onceAt } from '../support/one-slot.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

let stack: TestStack;
let proxy: TcpProxy;
let volumeId: string;

beforeAll(async () => {
  stack = await createTestStack();
  const pg = new URL(stack.db.databaseUrl);
  proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  volumeId = (await new NasConnection(stack.identity).client('KR1').listAllVolumes()).find((v) => v.name === 'staging-files')!.id;
});
afterAll(async () => {
  await stack.close();
  await proxy.close();
});

const failuresOf = (runKey: string) => stack.logs.filter((l) => l.msg === 'job failed' && l.runKey === runKey);

describe('run attempts during a PostgreSQL outage', () => {
  it('the row counts the executions that could not record themselves', async () => {
    const { pattern, slot } = onceAt(new Date(Date.now() + 4000));
    await stack.writePolicy('pg.yaml', policyYaml('pg', `volumes:\n  names: [staging-files]\nsnapshot:\n  schedule: "${pattern}"\n  retention:\n    keepLast: 5`));
    const daemon = await stack.startDaemon({
      service: { ...stack.service, databaseUrl: proxy.urlFor(stack.db.databaseUrl) },
      jobAttempts: 5,
      jobBackoffMs: 700,
    });
    proxy.cut();

    // Two executions fail before they can write the run row…
    const runKey = await vi.waitFor(
      () => {
        const keys = stack.logs.filter((l) => l.msg === 'job failed' && l.job === 'snapshot').map((l) => l.runKey as string);
        const key = keys.find((k) => failuresOf(k).length >= 2);
        expect(key).toBeDefined();
        return key!;
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(failuresOf(runKey).every((l) => l.retryable === true)).toBe(true);
    proxy.restore();

    // …the third writes it, counting all three.
    const run = await vi.waitFor(
      async () => {
        const row = await stack.db.prisma.jobRun.findUnique({ where: { runKey } });
        expect(row?.status).toBe('succeeded');
        return row!;
      },
      { timeout: 20_000, interval: 100 },
    );
    await daemon.stop();
    expect(run.scheduledAt).toEqual(slot);
    expect(run.attempts).toBe(failuresOf(runKey).length + 1);
    expect(run.attempts).toBeGreaterThanOrEqual(3);
    expect(await stack.db.prisma.snapshotSlot.findMany({ where: { volumeId } })).toMatchObject([{ state: 'created', attempts: 1 }]);
  }, 60_000);
});
