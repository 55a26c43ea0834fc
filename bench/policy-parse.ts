// Parse time of large policy files: `npx tsx bench/policy-parse.ts [--old]`.
// Shapes: a valid policy with a long `volumes.names` list, and one mapping with many keys (the
// shape yaml's own duplicate-key check is quadratic in). Also: how long the main thread is
// blocked while a 2 MB file is loaded inline vs in the worker thread the daemon's reload uses.
// --old also times yaml's default parse (uniqueKeys: true) of the mappings; 6 MB takes minutes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { loadPolicyDir } from '../src/policy/load-policies.ts';
import { WorkerPolicyLoader } from '../src/policy/load-in-worker.ts';
import { parsePolicyText } from '../src/policy/parse-policy-text.ts';
import { largeMapping, largeValidPolicy } from '../test/support/policy-files.ts';

const MiB = 1024 * 1024;
const withOld = process.argv.includes('--old');
const options = { defaultRegion: 'KR1' };

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const ms = (value: number) => `${Math.round(value)} ms`;
console.log('| file | size | nasorch parse | yaml default (uniqueKeys: true) |');
console.log('|---|---|---|---|');
for (const mb of [1, 2, 6]) {
  const valid = largeValidPolicy('bench', mb * MiB);
  const keys = Math.round((mb * MiB) / 62); // ~62 bytes per line in largeMapping
  const mapping = largeMapping(keys);
  parsePolicyText(valid, 'warm-up.yaml', options);
  const validMs = time(() => parsePolicyText(valid, 'valid.yaml', options));
  const mappingMs = time(() => parsePolicyText(mapping, 'mapping.yaml', options));
  const oldMs = withOld && mb <= 2 ? ms(time(() => parseAllDocuments(mapping))) : withOld ? 'skipped (minutes)' : 'not run (--old)';
  console.log(`| valid policy, ${valid.split('\n').length} names | ${(valid.length / MiB).toFixed(1)} MiB | ${ms(validMs)} | |`);
  console.log(`| one mapping, ${keys} keys | ${(mapping.length / MiB).toFixed(1)} MiB | ${ms(mappingMs)} | ${oldMs} |`);
}

// Main-thread blocking during a load of a 2 MB file: longest event-loop delay seen meanwhile.
const dir = await mkdtemp(join(tmpdir(), 'nasorch-bench-'));
try {
  await writeFile(join(dir, 'large.yaml'), largeValidPolicy('large', 2 * MiB));
  const loadOptions = { ...options, maxFileBytes: 4 * MiB };
  const worker = new WorkerPolicyLoader();
  await worker.load(dir, loadOptions); // start-up of the worker (tsx in it, when run from sources)
  for (const [name, load] of [
    ['inline (main thread)', () => loadPolicyDir(dir, loadOptions)],
    ['worker thread (daemon reload)', () => worker.load(dir, loadOptions)],
  ] as const) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const start = performance.now();
    await load();
    const total = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the delayed sample be taken
    delay.disable();
    console.log(`2 MiB load, ${name}: ${ms(total)} in total, main thread blocked up to ${ms(delay.max / 1e6)}`);
  }
  await worker.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
