// At most one mutating job per volume at a time, across every daemon on the same Redis:
// a lease (SET NX PX) renewed while the job runs and released only by its holder.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface VolumeLockOptions {
  /** Key prefix (the daemon's Redis prefix). */
  prefix: string;
  /** Lease length; renewed at a third of it. A dead holder frees the volume after this. */
  leaseMs?: number;
}

export interface HeldLock {
  release(): Promise<void>;
}

export class VolumeLock {
  private readonly leaseMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: VolumeLockOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  private key(region: string, volumeId: string): string {
    return `${this.options.prefix}:lock:volume:${region}:${volumeId}`;
  }

  /** Takes the lock if free; null when another job holds it. */
  async tryAcquire(region: string, volumeId: string): Promise<HeldLock | null> {
    const key = this.key(region, volumeId);
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', this.leaseMs, 'NX');
    if (ok !== 'OK') return null;
    const timer = setInterval(() => {
      this.redis.eval(RENEW, 1, key, token, String(this.leaseMs)).catch(() => {});
    }, Math.max(1000, Math.floor(this.leaseMs / 3)));
    timer.unref();
    return {
      release: async () => {
        clearInterval(timer);
        await this.redis.eval(RELEASE, 1, key, token);
      },
    };
  }

  /** Waits for the lock (for in-process manual runs), polling with a short back-off. */
  async acquire(region: string, volumeId: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HeldLock> {
    const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      const lock = await this.tryAcquire(region, volumeId);
      if (lock) return lock;
      if (Date.now() + delay > deadline || options.signal?.aborted) {
        throw new Error(`volume ${volumeId} (${region}) is busy with another job; gave up waiting`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
