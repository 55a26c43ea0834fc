// Shared setup for tests that talk HTTP to an in-process simulator on a manual clock.
import { createServer, type AddressInfo } from 'node:net';
import type { RunningSimulator, SimulatorStartOptions } from '../../src/simulator/contract.ts';
import { NasClient, type NasClientOptions } from '../../src/nas/client.ts';
import { IdentityClient, type IdentityClientOptions } from '../../src/nas/identity.ts';
import { NasApiError } from '../../src/nas/errors.ts';
import { expect } from 'vitest';

export const PASSWORD = 'S3cret-Pa55word!xyz';
export const CREDENTIALS = { tenantId: 'tenant-0001', username: 'ops@example.com', password: PASSWORD };

/** Tiny delays so retry tests take milliseconds. */
export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

export const VOL_APP = 'vol-app-0001';
export const VOL_LOGS = 'vol-logs-0002';
export const VOL_HOME = 'vol-home-0003';
export const MIRROR_APP = 'mirror-app-0001';

/** KR1: app-data (2 snapshots, replicated to KR2), logs, home (2 snapshots); tokens live one hour. */
export function baseState(): Record<string, unknown> {
  return {
    credentials: CREDENTIALS,
    tokenTtlSeconds: 3600,
    regions: {
      KR1: {
        volumes: [
          {
            id: VOL_APP,
            name: 'app-data',
            sizeGb: 300,
            usedGb: 120,
            snapshots: [
              { id: 'app-old', name: 'nightly-1', createdAt: '-2d' },
              { id: 'app-new', name: 'nightly-2', createdAt: '-1d' },
            ],
            mirrors: [{ id: MIRROR_APP, dstRegion: 'KR2', dstVolumeName: 'app-data-replica' }],
          },
          { id: VOL_LOGS, name: 'logs', sizeGb: 500, usedGb: 10 },
          {
            id: VOL_HOME,
            name: 'home',
            sizeGb: 300,
            usedGb: 50,
            snapshots: [
              { id: 'home-old', name: 'home-1', createdAt: '-2d' },
              { id: 'home-new', name: 'home-2', createdAt: '-1d' },
            ],
          },
        ],
      },
    },
  };
}

export async function startTestSimulator(options: Partial<SimulatorStartOptions> = {}): Promise<RunningSimulator> {
  const { startSimulator } = await import('../../src/simulator/index.ts');
  return startSimulator({ clock: 'manual', state: baseState(), seed: 1, ...options });
}

export function identityFor(sim: RunningSimulator, options: IdentityClientOptions = {}, credentials = sim.credentials): IdentityClient {
  return new IdentityClient({ identityUrl: sim.identityUrl, ...credentials }, { clock: () => sim.now(), retry: FAST_RETRY, ...options });
}

export function clientFor(
  sim: RunningSimulator,
  identity: IdentityClient,
  options: Partial<Omit<NasClientOptions, 'identity'>> = {},
): NasClient {
  return new NasClient({ identity, region: 'KR1', retry: FAST_RETRY, timeoutMs: 5_000, ...options });
}

export function tokenRequests(sim: RunningSimulator): number {
  return sim.requests().filter((r) => r.route === 'POST /v2.0/tokens').length;
}

export function requestsTo(sim: RunningSimulator, route: string) {
  return sim.requests().filter((r) => r.route === route);
}

/** Wraps fetch to count the HTTP requests a client makes (hung ones included). */
export function countingFetch(): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls++;
      return globalThis.fetch(input, init);
    },
    calls: () => calls,
  };
}

/** A local port nobody listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The NasApiError a call fails with (the test fails if it succeeds or throws something else). */
export async function failure(promise: Promise<unknown>): Promise<NasApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NasApiError);
  return err as NasApiError;
}
