// The NAS calls a failover run makes, each one recorded (method, region, path, status,
// resultCode, Date header — never a token or body) and each one's server time kept, because
// runbook decisions use the API's clock, not ours (failover-research.md A9).
import type { NasResponseInfo } from '../nas/client.ts';
import { isNasApiError } from '../nas/errors.ts';
import type { MirrorStat, Snapshot, Volume } from '../nas/schemas.ts';
import type { MirrorCallTarget } from '../replication/pair.ts';
import { fillPath, NAS_OPERATIONS } from '../nas/operations.ts';

export interface NasClients {
  client(region: string): import('../nas/client.ts').NasClient;
}

export type MirrorAction = 'stop' | 'start' | 'invert';
const ACTION_OPERATION = { stop: 'stopMirror', start: 'startMirror', invert: 'invertMirrorDirection' } as const;

/** The call a step would make, as the plan prints it. */
export function mirrorCallOf(action: MirrorAction, target: MirrorCallTarget): { method: string; region: string; path: string } {
  const spec = NAS_OPERATIONS[ACTION_OPERATION[action]];
  return { method: spec.method, region: target.region, path: fillPath(spec.path, { volumeId: target.volumeId, mirrorId: target.mirrorId }) };
}

/** A1: a refusal that may mean "this side does not take the call" (then the peer is tried). */
export function isSideRejection(err: unknown): boolean {
  return isNasApiError(err) && (err.httpStatus === 404 || err.httpStatus === 400);
}

export class RecordedNas {
  /** The newest `Date` header seen. */
  serverTime: Date | null = null;
  readonly responses: NasResponseInfo[] = [];

  constructor(
    private readonly nas: NasClients,
    private readonly onResponse: (info: NasResponseInfo) => void = () => {},
    private readonly timeoutMs?: number,
  ) {}

  private options() {
    const signal = this.timeoutMs ? AbortSignal.timeout(this.timeoutMs) : undefined;
    return {
      ...(signal ? { signal } : {}),
      onResponse: (info: NasResponseInfo) => {
        this.responses.push(info);
        if (info.date && (!this.serverTime || info.date > this.serverTime)) this.serverTime = info.date;
        this.onResponse(info);
      },
    };
  }

  /** Server time now: the newest Date header, or the local clock when none was seen. */
  now(): Date {
    return this.serverTime ?? new Date();
  }

  listVolumes(region: string): Promise<Volume[]> {
    return this.nas.client(region).listAllVolumes({}, this.options());
  }

  getVolume(region: string, volumeId: string): Promise<Volume> {
    return this.nas.client(region).getVolume(volumeId, this.options());
  }

  async setAcl(region: string, volumeId: string, acl: string[]): Promise<void> {
    await this.nas.client(region).updateVolume(volumeId, { acl }, this.options());
  }

  usage(region: string, volumeId: string): Promise<import('../nas/schemas.ts').Usage> {
    return this.nas.client(region).getUsage(volumeId, this.options());
  }

  listSnapshots(region: string, volumeId: string): Promise<Snapshot[]> {
    return this.nas.client(region).listSnapshots(volumeId, this.options());
  }

  createSnapshot(region: string, volumeId: string, name: string): Promise<Snapshot> {
    return this.nas.client(region).createSnapshot(volumeId, { name }, this.options());
  }

  /** `/stat` through the targets in order; the next only when one refuses the side (A1). */
  async stat(targets: MirrorCallTarget[]): Promise<{ stat: MirrorStat; target: MirrorCallTarget }> {
    return this.withFallback(targets, async (t) => ({ stat: await this.nas.client(t.region).getMirrorStat(t.volumeId, t.mirrorId, this.options()), target: t }));
  }

  /** stop/start/invert through the targets (A1 fallback only on 404/400); returns the one that took it. */
  async mirrorAction(action: MirrorAction, targets: MirrorCallTarget[]): Promise<MirrorCallTarget> {
    return this.withFallback(targets, async (t) => {
      const client = this.nas.client(t.region);
      const opts = this.options();
      if (action === 'stop') await client.stopMirror(t.volumeId, t.mirrorId, opts);
      else if (action === 'start') await client.startMirror(t.volumeId, t.mirrorId, opts);
      else await client.invertMirrorDirection(t.volumeId, t.mirrorId, opts);
      return t;
    });
  }

  private async withFallback<T>(targets: MirrorCallTarget[], call: (t: MirrorCallTarget) => Promise<T>): Promise<T> {
    if (targets.length === 0) throw new Error('no mirror call target: the pair direction is unknown');
    let last: unknown;
    for (const [index, target] of targets.entries()) {
      try {
        return await call(target);
      } catch (err) {
        last = err;
        if (index === targets.length - 1 || !isSideRejection(err)) throw err;
      }
    }
    throw last;
  }
}
