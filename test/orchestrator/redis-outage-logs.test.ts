// The daemon as a process during a Redis outage: stdout stays a JSON log (no raw stack traces
// from BullMQ or ioredis), and the outage is one "unreachable" line and one "reachable again"
// line, however many reconnect attempts fail in between.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { NASORCH } from '../support/cli.ts';

let stack: TestStack;
let redis: PrivateRedis;

beforeAll(async () => {
  stack = await createTestStack();
  redis = await startPrivateRedis();
  await stack.writePolicy('nightly.yaml', policyYaml('nightly', 'volumes: { names: [staging-files] }\nsnapshot:\n  schedule: "0 3 * * *"\n  retention: { keepLast: 7 }'));
});
afterAll(async () => {
  await stack?.close();
  await redis?.close();
});

describe('a daemon process while Redis is down', () => {
  it('logs the outage as one JSON line when it starts and one when it ends, and nothing outside the JSON log', async () => {
    const child = spawn(process.execPath, [...NASORCH, 'daemon', '--config', stack.configDir], {
      env: { ...process.env, ...stack.env, REDIS_URL: redis.url, LOG_LEVEL: 'info', NASORCH_REDIS_DOWN_LOG_MS: '2500' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Not the project directory: the reload's worker thread must find tsx from its own files.
      cwd: tmpdir(),
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => void (stdout += String(chunk)));
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += String(chunk)));
    const lines = () => stdout.split('\n').filter((line) => line.trim() !== '');
    const logged = (text: string) => lines().filter((line) => line.includes(text));

    try {
      await vi.waitFor(() => expect(logged('"daemon started"')).toHaveLength(1), { timeout: 30_000, interval: 100 });
      await redis.kill();
      await vi.waitFor(() => expect(logged('redis unreachable')).toHaveLength(1), { timeout: 10_000, interval: 50 });
      // A few seconds of failing reconnect attempts by every client (ours, the queue's, the worker's).
      await new Promise((resolve) => setTimeout(resolve, 4000));
      await redis.start();
      await vi.waitFor(() => expect(logged('redis reachable again')).toHaveLength(1), { timeout: 10_000, interval: 50 });
      // The empty Redis gets its schedulers back.
      await vi.waitFor(() => expect(logged('"schedulers reconciled"')).toHaveLength(2), { timeout: 10_000, interval: 50 });
      // And a SIGHUP reload (parsed in the worker thread) afterwards works.
      await stack.writePolicy('usage.yaml', policyYaml('usage', 'volumes: { names: [staging-files] }\nusage: { schedule: "0 * * * *" }'));
      child.kill('SIGHUP');
      await vi.waitFor(() => expect(logged('"schedulers reconciled"')).toHaveLength(3), { timeout: 30_000, interval: 100 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    const parsed = lines().map((line) => {
      try {
        return JSON.parse(line) as { msg: string; level: number };
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    const outage = parsed.filter((l) => /^redis (unreachable|still unreachable|reachable again)/.test(l.msg)).map((l) => l.msg.split(':')[0]!.replace(/ after .*/, ''));
    // Down, then "still down" every 2.5 s (NASORCH_REDIS_DOWN_LOG_MS), then back.
    expect(outage[0]).toBe('redis unreachable');
    expect(outage.at(-1)).toBe('redis reachable again');
    expect(outage.slice(1, -1)).toEqual(expect.arrayContaining(['redis still unreachable']));
    expect(new Set(outage.slice(1, -1))).toEqual(new Set(['redis still unreachable']));
    expect(outage.length).toBeLessThanOrEqual(2 + 3);
    // Nothing else at error level: no line per failed reconnect attempt, no "worker error".
    const errors = parsed.filter((l) => l.level >= 50);
    expect(errors.map((l) => l.msg.split(':')[0]!.replace(/ after .*/, '')), errors.map((l) => l.msg).join('\n')).toEqual(outage.slice(0, -1));
    expect(stderr).not.toMatch(/ECONNREFUSED|Error/);
  }, 90_000);
});
