// A daemon refuses to start on a broken config or unreachable services, with a clear one-line cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(() => stack.close());

describe('daemon start', () => {
  it('names the first error (file:line:col) of an invalid config and starts nothing', async () => {
    await stack.writePolicy('bad.yaml', policyYaml('bad', 'volumes:\n  names: [prod-db]\nusage:\n  warnPercent: 120'));
    const err = await stack.startDaemon().catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^invalid policy config, not starting: .*bad\.yaml:\d+:\d+: spec\.usage\.warnPercent: /);
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });

  it('says which service it cannot reach', async () => {
    await stack.writePolicy('bad.yaml', policyYaml('ok', 'volumes:\n  names: [prod-db]\nusage: {}'));
    const err = await stack.startDaemon({ service: { ...stack.service, redisUrl: 'redis://:hunter2@127.0.0.1:1' } }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/cannot connect to Redis at 127\.0\.0\.1:1/);
    expect((err as Error).message).not.toContain('hunter2');
  });
});
