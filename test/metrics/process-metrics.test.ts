// Per-process metrics from real failures: the NAS client's request hook (status codes, an
// observer that throws changes nothing) and job attempts counted as retried / failed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NasClient, type NasRequestEvent } from '../../src/nas/client.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { find, parsePrometheusText } from '../support/prometheus-text.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(() => stack.close());

describe('NAS request observer', () => {
  it('reports every HTTP exchange with operation, region, status and duration; a throwing observer is ignored', async () => {
    const events: NasRequestEvent[] = [];
    const connection = new NasConnection(stack.identity, {
      client: {
        retry: { maxAttempts: 1 },
        onRequest: (e) => {
          events.push(e);
          throw new Error('observer bug');
        },
      },
    });
    const client: NasClient = connection.client('KR1');
    const volumes = await client.listAllVolumes();
    await expect(client.getVolume('00000000-0000-4000-8000-000000000000')).rejects.toThrow();
    expect(events[0]).toMatchObject({ operation: 'listVolumes', region: 'KR1', outcome: 200 });
    expect(events.at(-1)).toMatchObject({ operation: 'getVolume', region: 'KR1', outcome: 404 });
    for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0);
    expect(volumes.length).toBeGreaterThan(0);
  });
});

describe('job attempt metrics', () => {
  it('counts a retried attempt, a failure for good and the NAS error codes behind them', async () => {
    stack.sim.setFaults({
      rules: [
        { route: 'POST /v1/volumes/:volumeId/snapshots', status: 503, times: 1 },
        { route: 'GET /v1/volumes/:volumeId/usage', status: 400 },
      ],
    });
    await stack.writePolicy(
      'faults.yaml',
      policyYaml(
        'pm',
        `timezone: UTC
volumes:
  names: [prod-db]
snapshot:
  schedule: "* * * * * *"
  prefix: "nasorch-pm-"
  retention:
    keepLast: 2
usage:
  schedule: "* * * * * *"`,
      ),
    );
    const daemon = await stack.startDaemon({ clusterFactsTtlMs: 0, nas: { client: { retry: { maxAttempts: 1 } } } });
    const scrape = async () => parsePrometheusText(await (await fetch(`${daemon.httpUrl}/metrics`)).text());
    const total = (samples: ReturnType<typeof parsePrometheusText>, name: string, labels: Record<string, string>) =>
      find(samples, name, labels).reduce((n, s) => n + s.value, 0);
    await vi.waitFor(
      async () => {
        const s = await scrape();
        expect(total(s, 'nasorch_job_runs_total', { kind: 'snapshot', policy: 'pm', status: 'retried' })).toBeGreaterThanOrEqual(1);
        expect(total(s, 'nasorch_job_runs_total', { kind: 'snapshot', policy: 'pm', status: 'succeeded' })).toBeGreaterThanOrEqual(1);
        expect(total(s, 'nasorch_job_runs_total', { kind: 'usage', policy: 'pm', status: 'failed' })).toBeGreaterThanOrEqual(1);
        expect(total(s, 'nasorch_nas_requests_total', { operation: 'createSnapshot', code: '503' })).toBe(1);
        expect(total(s, 'nasorch_nas_requests_total', { operation: 'getUsage', code: '400' })).toBeGreaterThanOrEqual(1);
      },
      { timeout: 20_000, interval: 250 },
    );
    // A permanent failure is 'failed' at once, never 'retried'.
    expect(total(await scrape(), 'nasorch_job_runs_total', { kind: 'usage', policy: 'pm', status: 'retried' })).toBe(0);
    await daemon.stop();
  });
});
