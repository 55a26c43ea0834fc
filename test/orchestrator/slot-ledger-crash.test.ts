// kill -9 between a snapshot's create and its record, then the next slot's prune deletes that
// snapshot, then the killed job is recovered: the slot ledger (written before the create)
// tells the recovered job that the slot was most likely created and pruned, so it skips,
// saying why. One creation of the slot in the simulator's request log, ever.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NasConnection } from '../../src/nas/connection.ts';
import { snapshotName } from '../../src/schedule/slots.ts';
import { NASORCH } from '../support/cli.ts';
import { onceAt } from '../support/one-slot.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

const CREATE = 'POST /v1/volumes/:volumeId/snapshots';
const PREFIX = 'nasorch-once-';

let stack: TestStack;
let volumeId: string;
const children: ChildProcess[] = [];

function nasorch(args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [...NASORCH, ...args], {
    env: { ...process.env, ...stack.env, LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.stderr.write(`[${args[0]} ${child.pid}] ${d}`));
  child.stdout!.resume(); // `run --json` prints its report there
  children.push(child);
  return child;
}
const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

function writeOncePolicy(pattern: string) {
  return stack.writePolicy('once.yaml', policyYaml('once', `volumes:\n  names: [staging-files]\nsnapshot:\n  schedule: "${pattern}"\n  retention:\n    keepLast: 1`));
}

beforeAll(async () => {
  stack = await createTestStack();
  volumeId = (await new NasConnection(stack.identity).client('KR1').listAllVolumes()).find((v) => v.name === 'staging-files')!.id;
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await stack.close();
});

describe('kill -9 between create and record, prune, recovery', () => {
  it('creates the slot once; the recovered job skips it and says why', async () => {
    const { prisma } = stack.db;
    const nas = new NasConnection(stack.identity).client('KR1');
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    // An empty config first, so the slot is scheduled only once the daemon is surely up.
    await writeOncePolicy('0 0 1 1 *');
    const first = nasorch(['daemon', '--config', stack.configDir], { HTTP_PORT: String(port) });
    await vi.waitFor(async () => expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200), { timeout: 30_000, interval: 200 });

    // The slot's create is applied, and its reply held: the daemon dies before it can record it.
    stack.sim.setFaults({ rules: [{ route: CREATE, loseReply: 'hang', times: 1 }] });
    const { pattern, slot } = onceAt(new Date(Date.now() + 3000));
    await writeOncePolicy(pattern);
    first.kill('SIGHUP');
    await vi.waitFor(() => expect(stack.sim.requests().filter((r) => r.route === CREATE)).toMatchObject([{ status: 201, replyLost: 'hang' }]), {
      timeout: 30_000,
      interval: 50,
    });
    first.kill('SIGKILL');
    await exitOf(first);
    stack.sim.setFaults({ rules: [] });

    const name = snapshotName(PREFIX, slot);
    expect((await nas.listSnapshots(volumeId)).filter((s) => s.name === name)).toHaveLength(1);
    const killed = await prisma.jobRun.findFirstOrThrow({ where: { kind: 'snapshot', volumeId, scheduledAt: slot } });
    expect(killed.status).toBe('running');
    const key = { policy: 'once', volumeId, slot };
    expect(await prisma.snapshotSlot.findUnique({ where: { policy_volumeId_slot: key } })).toMatchObject({ state: 'pending', snapshotName: name });
    expect(await prisma.snapshotRecord.count({ where: { snapshotName: name } })).toBe(0);

    // The next slot (run now, by hand) creates its snapshot and prunes the slot's (keepLast 1).
    const next = nasorch(['run', 'snapshot', '--policy', 'once', '--config', stack.configDir, '--json']);
    expect(await exitOf(next)).toBe(0);
    expect((await nas.listSnapshots(volumeId)).filter((s) => s.name.startsWith(PREFIX)).map((s) => s.name)).not.toContain(name);
    expect(await prisma.snapshotRecord.findFirst({ where: { snapshotName: name, action: 'deleted' } })).not.toBeNull();

    // Recovery: a new daemon picks up the stalled job of the slot.
    nasorch(['daemon', '--config', stack.configDir]);
    const recovered = await vi.waitFor(
      async () => {
        const run = await prisma.jobRun.findUnique({ where: { id: killed.id } });
        expect(run?.status).toBe('skipped');
        return run!;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(recovered.attempts).toBe(2);
    const details = recovered.details as { snapshot: { name: string; created: boolean; slot: string; reason: string } };
    expect(details.snapshot).toMatchObject({ name, created: false, slot: 'skip' });
    expect(details.snapshot.reason).toMatch(/created and pruned since; not creating it again/);
    expect(await prisma.snapshotSlot.findUnique({ where: { policy_volumeId_slot: key } })).toMatchObject({ state: 'skipped', attempts: 2 });

    // Exactly one creation of the slot: the held one; the only other create is the next slot's.
    const creates = stack.sim.requests().filter((r) => r.route === CREATE);
    expect(creates.map((r) => [r.status, r.replyLost])).toEqual([
      [201, 'hang'],
      [201, undefined],
    ]);
    expect((await nas.listSnapshots(volumeId)).filter((s) => s.name === name)).toHaveLength(0);
  }, 120_000);
});
