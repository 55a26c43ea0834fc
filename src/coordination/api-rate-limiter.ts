// One NAS API request budget (requests per second) shared by every worker of every daemon on
// the same Redis. Plugged into the NAS client's `beforeRequest` hook.
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export class ApiRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, options: { prefix: string; requestsPerSecond: number }) {
    // Whole-second windows of `points` requests; fractional rates become a longer window.
    const perSecond = options.requestsPerSecond;
    const points = Math.max(1, Math.floor(perSecond));
    const duration = Math.max(1, Math.round(points / perSecond));
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.prefix}:ratelimit`,
      points,
      duration,
    });
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
