// Retention decision for one volume's snapshots (issue #10 target: 100,000 snapshots ≤ 100 ms).
// Input as the API gives it: UUID ids, names with the policy prefix, createdAt strings with an
// offset, parsed from JSON. Prints min / median of the runs. Run: npx tsx bench/retention.ts [count]
import { randomUUID } from 'node:crypto';
import { applyRetention } from '../src/retention/apply-retention.ts';
import type { RetentionSnapshot } from '../src/retention/types.ts';

const count = Number(process.argv[2] ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const start = Date.parse('2025-01-01T00:00:00Z');
const rows = Array.from({ length: count }, (_, i) => {
  const at = new Date(start + i * 10 * 60_000);
  return {
    id: randomUUID(),
    name: `nasorch-prod-daily-${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}`,
    type: i % 50 === 0 ? 'SCHEDULED' : 'NORMAL',
    preserved: false,
    createdAt: at.toISOString().replace('Z', '+00:00'),
  };
});
const json = JSON.stringify({ snapshots: rows });
const policy = {
  prefix: 'nasorch-prod-daily-',
  timeZone: 'Asia/Seoul',
  rules: { keepLast: 3, keepHourly: 24, keepDaily: 7, keepWeekly: 4, keepMonthly: 12, keepYearly: 3 },
};

const times: number[] = [];
let kept = 0;
for (let i = 0; i < runs; i++) {
  const snapshots = (JSON.parse(json) as { snapshots: RetentionSnapshot[] }).snapshots;
  const t0 = performance.now();
  const plan = applyRetention(snapshots, policy);
  times.push(performance.now() - t0);
  kept = plan.keep.length;
}
times.sort((a, b) => a - b);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(
  `retention: ${count} snapshots, kept ${kept}: min ${fmt(times[0]!)}, median ${fmt(times[Math.floor(times.length / 2)]!)} (target ≤ 100 ms at 100,000)`,
);
