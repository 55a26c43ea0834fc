// Requests the faults hold on real timers (latency) or forever (hang). They model network
// time, so they use wall-clock timers, unref'd so they never keep the process alive; close()
// releases them all by destroying their sockets.
import type { Socket } from 'node:net';

export class HeldRequests {
  private readonly held = new Set<{ socket: Socket; timer?: NodeJS.Timeout }>();
  private closed = false;

  /** Waits `ms` of wall time; never resolves if the simulator closes first. */
  delay(ms: number, socket: Socket): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return;
      const entry: { socket: Socket; timer?: NodeJS.Timeout } = { socket };
      entry.timer = setTimeout(() => {
        this.held.delete(entry);
        resolve();
      }, ms);
      entry.timer.unref();
      this.held.add(entry);
    });
  }

  /** Keeps the request open until the client gives up or the simulator closes. */
  hang(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const entry = { socket };
    this.held.add(entry);
    socket.once('close', () => this.held.delete(entry));
  }

  get size(): number {
    return this.held.size;
  }

  releaseAll(): void {
    this.closed = true;
    for (const entry of this.held) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.socket.destroy();
    }
    this.held.clear();
  }
}

/** Thrown by a handler whose request is never answered (A3 `hangs`); the server holds it like a hang fault. */
export class HoldRequest extends Error {
  override name = 'HoldRequest';
  constructor() {
    super('request held without an answer');
  }
}
