// The API password and issued tokens never reach logs, errors, JSON or inspect output.
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import { createNasConnection } from '../../src/nas/connection.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { FAST_RETRY, PASSWORD, startTestSimulator } from './support.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim?.close();
});

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', pretty: false, destination }), text: () => lines.join('') };
}

function exposed(value: unknown): string {
  return [JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: true }), String(value)].join('\n');
}

it('keeps the password and tokens out of everything observable', async () => {
  const log = capture();
  const settings = { identityUrl: sim.identityUrl, ...sim.credentials, region: 'KR1' };
  expect(settings.password).toBe(PASSWORD);
  const connection = createNasConnection(settings, {
    logger: log.logger,
    identity: { clock: () => sim.now(), retry: FAST_RETRY },
    client: { retry: FAST_RETRY },
  });
  const client = connection.client();
  const tokens: string[] = [];

  await client.listVolumes();
  tokens.push(await connection.identity.getToken());
  sim.revokeTokens();
  await client.listVolumes(); // 401 → re-authentication
  tokens.push(await connection.identity.getToken());
  expect(new Set(tokens).size).toBe(2);

  const errors: unknown[] = [];
  sim.setFaults({ rules: [{ route: 'GET /v1/volumes/:volumeId', status: 503 }] });
  errors.push(await client.getVolume('vol-app-0001').catch((e: unknown) => e));
  sim.setFaults({ rules: [] });
  errors.push(await client.getVolume('missing').catch((e: unknown) => e));
  errors.push(await connection.client('KR9').listVolumes().catch((e: unknown) => e));
  const wrong = createNasConnection({ ...settings, password: `${PASSWORD}-wrong` }, { logger: log.logger, identity: { retry: FAST_RETRY } });
  errors.push(await wrong.client().listVolumes().catch((e: unknown) => e));
  expect(errors.every((e) => e instanceof Error)).toBe(true);

  const observable = [log.text(), ...errors.map(exposed), exposed(connection), exposed(connection.identity), exposed(client), exposed(wrong)].join('\n');
  expect(log.text()).toContain('nas request'); // the logger did log
  expect(observable).not.toContain(PASSWORD);
  for (const token of tokens) expect(observable).not.toContain(token);
});
