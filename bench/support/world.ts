// The scale benchmarks' world: N simulator volumes named vol-00000…, and P policies that each
// select N/P of them (even policies by `names`, odd ones by `nameContains`), with a snapshot and a
// usage schedule each (2 schedulers per selected volume).
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CREDENTIALS } from '../../src/simulator/index.ts';

export const volumeName = (i: number) => `vol-${String(i).padStart(5, '0')}`;

/** A simulator state object with `count` NFS volumes in KR1 (and `snapshots` snapshots each). */
export function manyVolumesState(count: number, snapshots = 0, snapshotPrefix = 'nasorch-p0-'): Record<string, unknown> {
  const start = Date.now() - snapshots * 3_600_000;
  return {
    credentials: DEFAULT_CREDENTIALS,
    regions: {
      KR1: {
        volumes: Array.from({ length: count }, (_, i) => ({
          name: volumeName(i),
          sizeGb: 300,
          mountProtocol: { protocol: 'nfs' },
          ...(snapshots > 0
            ? {
                snapshots: Array.from({ length: snapshots }, (_, s) => ({
                  name: `${snapshotPrefix}${s}`,
                  type: 'NORMAL',
                  createdAt: new Date(start + s * 3_600_000).toISOString(),
                })),
              }
            : {}),
        })),
      },
    },
  };
}

/** Policy YAML documents, `perFile` to a file, written to `dir`. */
export async function writePolicies(dir: string, volumes: number, policies: number, perFile = 100, usageSchedule = '*/15 * * * *'): Promise<void> {
  const each = Math.floor(volumes / policies);
  const docs: string[] = [];
  for (let p = 0; p < policies; p++) {
    const first = p * each;
    const selector =
      p % 2 === 0 || each !== 10
        ? `  names: [${Array.from({ length: each }, (_, k) => volumeName(first + k)).join(', ')}]`
        : `  nameContains: [${volumeName(first).slice(0, -1)}]`;
    docs.push(
      `apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: p${p}\nspec:\n  timezone: Asia/Seoul\n  volumes:\n  ${selector}\n` +
        `  snapshot:\n    schedule: "0 3 * * *"\n    retention:\n      keepDaily: 7\n  usage:\n    schedule: "${usageSchedule}"\n`,
    );
  }
  for (let f = 0; f * perFile < docs.length; f++) {
    await writeFile(path.join(dir, `policies-${f}.yaml`), docs.slice(f * perFile, (f + 1) * perFile).join('---\n'));
  }
}

export function minMedian(values: number[]): { min: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Peak and last VmRSS (MB) of a running process, read from /proc every `everyMs` until it exits. */
export function watchMemory(pid: number, everyMs = 20): { peakMb: () => number; stop: () => void } {
  let peak = 0;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // exited
    }
  };
  const timer = setInterval(read, everyMs);
  return { peakMb: () => peak, stop: () => clearInterval(timer) };
}

/** VmRSS (MB) of a running process now. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}
