// Reloads coalesce: a burst of SIGHUPs or file events is one load of the policy files, and
// requests made while a load runs are one more load after it (the files may have changed since).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoadOptions, PolicySet } from '../../src/policy/load-policies.ts';
import { WorkerPolicyLoader } from '../../src/policy/load-in-worker.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const usage = (name: string) => policyYaml(name, 'volumes: { names: [prod-web] }\nusage: {}');

/** The real worker loader, counting loads; `hold()` makes the next load wait until released. */
function countingLoader() {
  const worker = new WorkerPolicyLoader();
  let gate: Promise<void> | undefined;
  const counter = {
    loads: 0,
    started: undefined as (() => void) | undefined,
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return new Promise<() => void>((resolve) => (counter.started = () => resolve(release)));
    },
    async load(dir: string, options: LoadOptions): Promise<PolicySet> {
      counter.loads++;
      counter.started?.();
      counter.started = undefined;
      const waitFor = gate;
      gate = undefined;
      await waitFor;
      return worker.load(dir, options);
    },
    close: () => worker.close(),
  };
  return counter;
}

beforeAll(async () => {
  stack = await createTestStack();
  await stack.writePolicy('a.yaml', usage('a'));
});
afterAll(async () => {
  await stack?.close();
});

describe('reload coalescing', () => {
  it('loads the files once for a burst of reload requests (e.g. SIGHUPs), and all get its result', async () => {
    const loader = countingLoader();
    const daemon = await stack.startDaemon({ reloadLoader: loader });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => daemon.reload(`SIGHUP ${i}`)));
    expect(loader.loads).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toEqual({ ok: true, errors: [] });
  });

  it('answers requests made during a load with exactly one more load', async () => {
    const loader = countingLoader();
    const daemon = await stack.startDaemon({ reloadLoader: loader });
    const running = loader.hold();
    const first = daemon.reload('first');
    const release = await running; // the first load has begun and waits
    await stack.writePolicy('b.yaml', usage('b'));
    const during = Array.from({ length: 5 }, (_, i) => daemon.reload(`during ${i}`));
    release();
    await first;
    await Promise.all(during);
    expect(loader.loads).toBe(2);
    expect(daemon.currentPolicies().map((p) => p.name).sort()).toEqual(['a', 'b']);
  });

  it('loads the files once for a burst of file events', async () => {
    const loader = countingLoader();
    const daemon = await stack.startDaemon({ reloadLoader: loader, watchConfig: true });
    await Promise.all(['c', 'd', 'e', 'f', 'g'].map((name) => stack.writePolicy(`${name}.yaml`, usage(name))));
    await vi.waitFor(() => expect(daemon.currentPolicies()).toHaveLength(7), { timeout: 20_000, interval: 50 });
    // Nothing signals "no further load is coming": give a stray one time to show up.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(loader.loads).toBe(1);
  });
});
