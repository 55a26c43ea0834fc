// A daemon process killed (SIGKILL) while a notification request is in flight: after a restart
// the notification is delivered (at-least-once), with the same delivery id so receivers can
// drop the repeat; and sinks are read from the config directory like policies.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import { NASORCH } from '../support/cli.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { eventually, startReceiver, type Receiver } from './support.ts';

let stack: TestStack;
let hook: Receiver;
const children: ChildProcess[] = [];

function startDaemonProcess(): ChildProcess {
  const child = spawn(process.execPath, [...NASORCH, 'daemon', '--config', stack.configDir], {
    env: {
      ...process.env,
      ...stack.env,
      LOG_LEVEL: 'warn',
      ONCALL_SECRET: 'kill-test-secret',
      NASORCH_NOTIFY_TIMEOUT_MS: '1000',
      NASORCH_NOTIFY_POLL_MS: '100',
      NASORCH_NOTIFY_BACKOFF_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.stderr.write(`[daemon ${child.pid}] ${d}`));
  children.push(child);
  return child;
}

beforeAll(async () => {
  stack = await createTestStack();
  hook = await startReceiver('hang');
  await stack.writePolicy('usage.yaml', policyYaml('quiet', 'volumes:\n  names: [staging-files]\nusage:\n  schedule: "0 0 1 1 *"'));
  await stack.writePolicy(
    'sinks.yaml',
    `apiVersion: nasorch/v1
kind: AlertSink
metadata:
  name: oncall
spec:
  type: webhook
  url: ${hook.url}/hook
  secretEnv: ONCALL_SECRET
  match: { severity: [critical] }
`,
  );
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await hook.close();
  await stack.close();
});

describe('a daemon killed mid-delivery', () => {
  it('delivers after restart', async () => {
    await new AlertBook(stack.db.prisma).raise({ key: 'rpo:v1', severity: 'critical', message: 'replication 3h behind', volumeId: 'v1', volumeName: 'prod-db' });
    const first = startDaemonProcess();
    const [inFlight] = await hook.waitFor(1, 30_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await stack.db.prisma.alertDelivery.findFirstOrThrow()).status).toBe('pending');

    hook.fallback = 200;
    startDaemonProcess();
    const [, redelivered] = await hook.waitFor(2, 30_000);
    expect(redelivered!.raw).toBe(inFlight!.raw);
    expect(redelivered!.headers['x-nasorch-delivery']).toBe(inFlight!.headers['x-nasorch-delivery']);
    const delivery = await eventually(async () => {
      const d = await stack.db.prisma.alertDelivery.findFirstOrThrow();
      return d.status === 'delivered' && d;
    });
    expect(delivery.attempts).toBe(2);
    expect(hook.requests).toHaveLength(2);
  });
});
