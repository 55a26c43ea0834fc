// Worker-thread entry: loads policy directories off the daemon's main thread, so a large file
// cannot stop jobs, lock renewals and /healthz. Driven by load-in-worker.ts.
import { parentPort } from 'node:worker_threads';
import { loadPolicyDir, type LoadOptions } from './load-policies.ts';

export interface LoadRequest {
  id: number;
  dir: string;
  options: LoadOptions;
}

parentPort!.on('message', async ({ id, dir, options }: LoadRequest) => {
  try {
    const set = await loadPolicyDir(dir, { ...options, onParse: (file) => parentPort!.postMessage({ id, parsing: file }) });
    // PolicyError is a class: send its fields, the caller rebuilds it.
    parentPort!.postMessage({ id, set: { ...set, errors: set.errors.map((e) => ({ ...e })) } });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
