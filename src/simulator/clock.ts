// The simulator's own clock. Everything time-driven (BUILDING → ACTIVE, replication runs,
// scheduled snapshots) is a task queued at a simulated instant; advancing the clock runs
// the due tasks strictly in time order, so a manual-clock test sees exactly what a
// wall-clock run would have seen, only faster.

export type ClockMode = 'real' | 'manual';

export interface TaskHandle {
  cancel(): void;
}

interface Task {
  at: number;
  seq: number;
  label: string;
  run: () => void;
  cancelled: boolean;
}

export class SimClock {
  private current: number;
  private readonly wallStart = Date.now();
  private readonly startedAt: number;
  /** Sum of manual advances, added on top of wall time in 'real' mode. */
  private advanced = 0;
  private readonly queue: Task[] = [];
  private seq = 0;
  private running = false;

  constructor(
    readonly mode: ClockMode,
    start: Date,
  ) {
    this.startedAt = start.getTime();
    this.current = this.startedAt;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    // While tasks run, "now" is the due task's instant, not the wall clock.
    if (this.mode === 'manual' || this.running) return this.current;
    return Math.max(this.current, this.wallTarget());
  }

  /** Runs `run` when simulated time reaches `at` (ms since epoch). */
  at(at: number, label: string, run: () => void): TaskHandle {
    const task: Task = { at: Math.max(at, this.nowMs()), seq: this.seq++, label, run, cancelled: false };
    // Keep the queue sorted by (at, seq); queues are short, a linear insert is plenty.
    let i = this.queue.length;
    while (i > 0 && this.compare(this.queue[i - 1]!, task) > 0) i--;
    this.queue.splice(i, 0, task);
    return {
      cancel: () => {
        task.cancelled = true;
      },
    };
  }

  /** Runs `run` after `ms` of simulated time. */
  after(ms: number, label: string, run: () => void): TaskHandle {
    return this.at(this.nowMs() + ms, label, run);
  }

  /** Moves simulated time forward by `ms`, running every task due in between, in order. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock advance must be a non-negative number of ms, got ${ms}`);
    if (this.mode === 'real') {
      this.advanced += ms;
      this.runUntil(this.wallTarget());
    } else {
      this.runUntil(this.current + ms);
    }
  }

  /** In 'real' mode, catches simulated time up with the wall clock (a no-op in 'manual'). */
  catchUp(): void {
    if (this.mode === 'real') this.runUntil(this.wallTarget());
  }

  /** Labels of the tasks still queued, for debugging. */
  pendingTasks(): { at: Date; label: string }[] {
    return this.queue.filter((t) => !t.cancelled).map((t) => ({ at: new Date(t.at), label: t.label }));
  }

  private wallTarget(): number {
    return this.startedAt + (Date.now() - this.wallStart) + this.advanced;
  }

  private runUntil(target: number): void {
    // A task may advance nothing but may queue more tasks; re-entrancy would run tasks out
    // of order, so a nested call only moves the target.
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const next = this.queue[0];
        if (!next || next.at > target) break;
        this.queue.shift();
        if (next.cancelled) continue;
        this.current = Math.max(this.current, next.at);
        next.run();
      }
      this.current = Math.max(this.current, target);
    } finally {
      this.running = false;
    }
  }

  private compare(a: Task, b: Task): number {
    return a.at - b.at || a.seq - b.seq;
  }
}
