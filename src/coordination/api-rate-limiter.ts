// One NAS API request budget (requests per second) shared by every worker of every daemon on
// the same Redis. Plugged into the NAS client's `beforeRequest` hook.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Whole-second windows of `points` requests; fractional rates become a longer window. */
function windowOf(perSecond: number): { points: number; duration: number } {
  const points = Math.max(1, Math.floor(perSecond));
  return { points, duration: Math.max(1, Math.round(points / perSecond)) };
}

export class ApiRateLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(redis: Redis | null, options: { prefix: string; requestsPerSecond: number }) {
    const window = windowOf(options.requestsPerSecond);
    // Without Redis (one-shot commands such as `plan`) the budget is this process's alone.
    this.limiter = redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${options.prefix}:ratelimit`, ...window })
      : new RateLimiterMemory({ keyPrefix: options.prefix, ...window });
  }

  /** Takes one request's budget if there is any left now; never waits. */
  async tryTake(): Promise<boolean> {
    try {
      await this.limiter.consume('nas-api', 1);
      return true;
    } catch (err) {
      if (err instanceof RateLimiterRes) return false;
      throw err;
    }
  }

  /** Resolves when this process may send one request. */
  async take(): Promise<void> {
    for (;;) {
      try {
        await this.limiter.consume('nas-api', 1);
        return;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        await new Promise((r) => setTimeout(r, Math.max(10, err.msBeforeNext)));
      }
    }
  }
}
