// The done-criterion: the real executable lists the simulator's volumes.
// The child process must run asynchronously: the simulator answers from this process.
import { NASORCH } from '../support/cli.ts';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { startTestSimulator, VOL_APP, VOL_HOME, VOL_LOGS } from '../nas/support.ts';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim?.close();
});

function run(args: string[], overrides: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // Only what the CLI needs: no NHN_* / NAS_API_URL from the developer's shell.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NHN_IDENTITY_URL: sim.identityUrl,
    NHN_TENANT_ID: sim.credentials.tenantId,
    NHN_USERNAME: sim.credentials.username,
    NHN_API_PASSWORD: sim.credentials.password,
    ...overrides,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [...NASORCH, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

it.concurrent('`nasorch nas volumes list --json` prints the volumes', async () => {
  const { code, stdout, stderr } = await run(['nas', 'volumes', 'list', '--json']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const volumes = JSON.parse(stdout) as { id: string; name: string }[];
  expect(volumes.map((v) => v.id).sort()).toEqual([VOL_APP, VOL_LOGS, VOL_HOME].sort());
}, 60_000);

it.concurrent('fails with exit code 1 and one line naming the cause, without the password', async () => {
  const { code, stdout, stderr } = await run(['nas', 'volumes', 'list'], { NHN_API_PASSWORD: 'definitely-wrong-pw' });
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(stderr).toBe(
    `nasorch: authentication failed for user ${sim.credentials.username} in tenant ${sim.credentials.tenantId} (check NHN_USERNAME / NHN_API_PASSWORD)\n`,
  );
}, 60_000);
