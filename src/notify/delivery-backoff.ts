// When a failed delivery is tried again: doubling from the base delay, capped. Pure.
export function retryDelayMs(attempts: number, baseMs: number, maxMs = 15 * 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
