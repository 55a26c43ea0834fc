// Selector matching (issue #10: no policy × volume product beyond what selectors need).
// 10,000 volumes × 10,000 policies: 45 % select by names, 45 % by ids, 10 % by nameContains.
// Reference in the same run: the plain filter (selectVolumes) over every volume per policy.
// Run: npx tsx bench/selection.ts [volumes] [policies]   (BENCH_RUNS default 3)
import { VolumeIndex } from '../src/orchestrator/selector-index.ts';
import { selectVolumes } from '../src/orchestrator/volume-selection.ts';
import type { VolumeSelector } from '../src/policy/policy.ts';
import { minMedian, volumeName } from './support/world.ts';

const volumeCount = Number(process.argv[2] ?? 10_000);
const policyCount = Number(process.argv[3] ?? 10_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const volumes = Array.from({ length: volumeCount }, (_, i) => ({ id: `id-${i}`, name: volumeName(i) }));
const selectors: VolumeSelector[] = Array.from({ length: policyCount }, (_, p) => {
  const v = p % volumeCount;
  if (p % 10 === 0) return { names: [], ids: [], nameContains: [volumeName(v).slice(0, -1)] };
  if (p % 2 === 0) return { names: [volumeName(v)], ids: [], nameContains: [] };
  return { names: [], ids: [`id-${v}`], nameContains: [] };
});

const timed = (fn: () => number) => {
  const t0 = performance.now();
  const matched = fn();
  return { ms: performance.now() - t0, matched };
};
const plain: number[] = [];
const indexed: number[] = [];
let matches = [0, 0];
for (let run = 0; run < runs; run++) {
  const a = timed(() => selectors.reduce((n, s) => n + selectVolumes(volumes, s).length, 0));
  const b = timed(() => {
    const index = new VolumeIndex(volumes);
    return selectors.reduce((n, s) => n + index.select(s).length, 0);
  });
  plain.push(a.ms);
  indexed.push(b.ms);
  matches = [a.matched, b.matched];
}
if (matches[0] !== matches[1]) throw new Error(`index matched ${matches[1]}, plain filter ${matches[0]}`);
const f = (v: number[]) => `min ${minMedian(v).min.toFixed(0)} ms, median ${minMedian(v).median.toFixed(0)} ms`;
console.log(`selection: ${volumeCount} volumes × ${policyCount} policies (${matches[0]} matches), ${runs} runs`);
console.log(`  reference: plain filter per policy: ${f(plain)}`);
console.log(`  index (build included): ${f(indexed)}; ${(minMedian(plain).median / minMedian(indexed).median).toFixed(0)}× faster`);
