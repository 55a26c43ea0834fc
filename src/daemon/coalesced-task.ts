// Runs an async task so that a burst of requests costs one run: requests made before a queued
// run starts share it; requests made while a run is in progress share the one run after it
// (what they asked for may have changed after the running one began, e.g. a file rewritten).
export class CoalescedTask<T> {
  private queued?: Promise<T>;
  private previous: Promise<unknown> = Promise.resolve();

  constructor(private readonly task: () => Promise<T>) {}

  /** Resolves when no run is queued or running (whatever their outcome). */
  async settled(): Promise<void> {
    let last: Promise<unknown>;
    do {
      last = this.previous;
      await last;
    } while (last !== this.previous);
  }

  run(): Promise<T> {
    if (this.queued) return this.queued;
    const next = this.previous
      // One macrotask of grace, so that requests of the same burst (several signals, file events) join.
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        this.queued = undefined;
        return this.task();
      });
    this.queued = next;
    this.previous = next.catch(() => {});
    return next;
  }
}
