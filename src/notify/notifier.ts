// The daemon's notification delivery: one loop routes new alert events (and due re-notifications)
// into per-sink deliveries; one loop per sink sends them, so a sink that hangs or is down only
// ever delays its own notifications. Every request has a timeout; failures are retried with
// exponential back-off up to a limit, then kept as `failed` (shown by `nasorch alerts`).
import type { AlertEventKind } from '../alerts/alert-event.ts';
import type { PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../log/logger.ts';
import type { AlertSink } from './alert-sink.ts';
import { retryDelayMs } from './delivery-backoff.ts';
import { claimDelivery, markAttemptFailed, markDelivered, pruneOutbox, routeAlertEvents, scheduleRepeats } from './outbox.ts';
import { renderRequest, type DeliveryBody, type OutgoingRequest } from './sink-messages.ts';

export interface NotifierOptions {
  prisma: PrismaClient;
  log: Logger;
  /** Where `secretEnv` names are looked up. */
  env: Record<string, string | undefined>;
  /** Per request (connect + answer). */
  timeoutMs: number;
  /** How often the outbox is looked at when there is nothing to send. */
  pollMs: number;
  /** First retry delay; doubles per attempt. */
  backoffMs: number;
  /** Attempts before a delivery is given up as failed. */
  maxAttempts: number;
  now?: () => Date;
}

/** Delivered notifications and routed events are kept this long (for `nasorch alerts` and debugging). */
const OUTBOX_RETENTION_MS = 30 * 24 * 3600_000;
const CLEANUP_EVERY_MS = 3600_000;

export class DeliveryError extends Error {
  override name = 'DeliveryError';
}

export class Notifier {
  private sinks = new Map<string, AlertSink>();
  private readonly loops = new Map<string, { stop: AbortController; done: Promise<void>; wake: () => void }>();
  private router?: { stop: AbortController; done: Promise<void> };
  private readonly now: () => Date;

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Starts (or re-targets, after a reload) the loops for these sinks. */
  setSinks(sinks: readonly AlertSink[]): void {
    this.sinks = new Map(sinks.map((s) => [s.name, s]));
    for (const [name, loop] of this.loops) {
      if (!this.sinks.has(name)) {
        loop.stop.abort();
        this.loops.delete(name);
      }
    }
    for (const name of this.sinks.keys()) if (!this.loops.has(name)) this.loops.set(name, this.startSinkLoop(name));
    // Routed even without sinks: events are marked done, so a sink added later is not flooded with old ones.
    if (!this.router) {
      const stop = new AbortController();
      this.router = { stop, done: this.routeLoop(stop.signal) };
    }
    for (const sink of sinks) {
      if (sink.secretEnv && this.options.env[sink.secretEnv] === undefined) {
        this.options.log.warn({ sink: sink.name, secretEnv: sink.secretEnv }, `alert sink ${sink.name}: environment variable ${sink.secretEnv} is not set; its deliveries fail until it is`);
      }
    }
  }

  async stop(): Promise<void> {
    const all = [...this.loops.values(), ...(this.router ? [this.router] : [])];
    for (const loop of all) loop.stop.abort();
    await Promise.allSettled(all.map((l) => l.done));
    this.loops.clear();
    this.router = undefined;
  }

  private async routeLoop(signal: AbortSignal): Promise<void> {
    let lastCleanup = 0;
    while (!signal.aborted) {
      try {
        const sinks = [...this.sinks.values()];
        const added = (await routeAlertEvents(this.options.prisma, sinks)) + (await scheduleRepeats(this.options.prisma, sinks, this.now()));
        if (added > 0) for (const loop of this.loops.values()) loop.wake();
        if (this.now().getTime() - lastCleanup > CLEANUP_EVERY_MS) {
          lastCleanup = this.now().getTime();
          await pruneOutbox(this.options.prisma, new Date(lastCleanup - OUTBOX_RETENTION_MS));
        }
      } catch (err) {
        this.options.log.warn({ err: { message: (err as Error).message } }, 'could not route alert notifications; retrying');
      }
      await sleep(this.options.pollMs, signal);
    }
  }

  private startSinkLoop(name: string) {
    const stop = new AbortController();
    let wake = () => {};
    const done = (async () => {
      while (!stop.signal.aborted) {
        let sent = false;
        try {
          sent = await this.deliverOne(name, stop.signal);
        } catch (err) {
          this.options.log.warn({ sink: name, err: { message: (err as Error).message } }, 'alert delivery loop error; retrying');
        }
        if (sent) continue;
        const woken = new AbortController();
        wake = () => woken.abort();
        await sleep(this.options.pollMs, AbortSignal.any([stop.signal, woken.signal]));
      }
    })();
    return { stop, done, wake: () => wake() };
  }

  /** Sends the sink's oldest due delivery; false when there was none. */
  private async deliverOne(name: string, stopSignal: AbortSignal): Promise<boolean> {
    const sink = this.sinks.get(name);
    if (!sink) return false;
    const { prisma, timeoutMs, log } = this.options;
    // Long enough to outlive one request: a live daemon never loses its claim mid-request.
    const delivery = await claimDelivery(prisma, name, this.now(), 2 * timeoutMs + 1000);
    if (!delivery) return false;
    const context = { sink: name, alert: delivery.alertKey, event: delivery.kind, delivery: delivery.id.toString(), attempt: delivery.attempts };
    try {
      const secret = sink.secretEnv ? this.options.env[sink.secretEnv] : undefined;
      if (sink.secretEnv && secret === undefined) throw new DeliveryError(`environment variable ${sink.secretEnv} (secretEnv of sink ${name}) is not set`);
      const request = renderRequest(sink, { id: delivery.dedupKey, kind: delivery.kind as AlertEventKind, body: delivery.body as DeliveryBody }, secret);
      await post(request, timeoutMs, stopSignal);
      await markDelivered(prisma, delivery.id, this.now());
      log.info(context, `notified sink ${name}: ${delivery.kind} ${delivery.alertKey}`);
    } catch (err) {
      // Stopping mid-request: leave the claim; its lease runs out and the delivery is retried.
      if (stopSignal.aborted) return true;
      const message = err instanceof DeliveryError ? err.message : `request failed: ${(err as Error).message}`;
      const giveUp = delivery.attempts >= this.options.maxAttempts;
      const retryAt = giveUp ? null : new Date(this.now().getTime() + retryDelayMs(delivery.attempts, this.options.backoffMs));
      await markAttemptFailed(prisma, delivery.id, message, retryAt);
      log.warn({ ...context, error: message, retryAt: retryAt?.toISOString() }, giveUp ? `notification to sink ${name} failed for good: ${message}` : `notification to sink ${name} failed, will retry: ${message}`);
    }
    return true;
  }
}

/** POSTs and resolves on a 2xx answer; the error says what happened, never the URL (it may hold a secret). */
async function post(request: OutgoingRequest, timeoutMs: number, stopSignal: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.any([timeout, stopSignal]),
    });
    await response.arrayBuffer();
  } catch (err) {
    if (timeout.aborted) throw new DeliveryError(`no answer within ${timeoutMs} ms`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new DeliveryError(cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : (err as Error).message);
  }
  if (response.status < 200 || response.status >= 300) throw new DeliveryError(`HTTP ${response.status} ${response.statusText}`.trim());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
