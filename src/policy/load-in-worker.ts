// Loads policy directories in a worker thread. Parsing YAML is CPU work that cannot be split
// into small steps; in a worker the main thread keeps answering while a large file is parsed,
// and a load that runs away can be cut off (the worker is replaced on the next load).
import { Worker } from 'node:worker_threads';
import type { LoadOptions, PolicySet } from './load-policies.ts';
import { PolicyError, type PolicyErrorInit } from './policy-error.ts';
import type { LoadRequest } from './policy-load-worker.ts';

type LoadReply = { id: number; set: PolicySet } | { id: number; error: string } | { id: number; parsing: string };

export class WorkerPolicyLoader {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(set: PolicySet): void; reject(err: Error): void; onParse?: (file: string) => void }>();

  /** @param timeoutMs a load that takes longer fails and its worker is terminated. */
  constructor(private readonly timeoutMs = 60_000) {}

  async load(dir: string, { onParse, ...options }: LoadOptions): Promise<PolicySet> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    worker.ref();
    let timer: NodeJS.Timeout | undefined;
    try {
      const set = await new Promise<PolicySet>((resolve, reject) => {
        this.pending.set(id, { resolve, reject, ...(onParse ? { onParse } : {}) });
        timer = setTimeout(() => {
          reject(new Error(`loading the policy files of ${dir} took longer than ${this.timeoutMs} ms`));
          void this.discard(worker);
        }, this.timeoutMs);
        worker.postMessage({ id, dir, options } satisfies LoadRequest);
      });
      return { ...set, errors: set.errors.map((e) => new PolicyError(e as PolicyErrorInit)) };
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker?.unref();
    }
  }

  async close(): Promise<void> {
    if (this.worker) await this.discard(this.worker);
  }

  private start(): Worker {
    const worker = startWorker();
    worker.unref(); // an idle loader must not keep the process alive
    worker.on('message', (reply: LoadReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      if ('parsing' in reply) waiting.onParse?.(reply.parsing);
      else if ('error' in reply) waiting.reject(new Error(`loading the policy files failed: ${reply.error}`));
      else waiting.resolve(reply.set);
    });
    const failAll = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(new Error(`loading the policy files failed: ${why}`));
    };
    worker.on('error', (err) => failAll(err.message.split('\n')[0] ?? err.name));
    worker.on('exit', (code) => failAll(`the policy loader thread exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private async discard(worker: Worker): Promise<void> {
    if (this.worker === worker) this.worker = undefined;
    await worker.terminate();
  }
}

// Run from sources (tsx, vitest) the entry is a .ts file that plain Node cannot load: a tiny
// bootstrap registers tsx in the worker first. tsx is resolved here, from this file, as the
// worker's own resolution would start from the working directory. A compiled build loads the
// .js entry directly.
function startWorker(): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./policy-load-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}
