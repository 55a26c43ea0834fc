// One connection (Redis) seen through several clients (ours, BullMQ's queue and worker): while
// it is unreachable every client fails several times a second. This turns those failures into
// one log line per state change: down, still down (every `repeatEveryMs`), back; and tells the
// daemon when it is back (a Redis restarted without persistence has lost every job scheduler).
import type { EventEmitter } from 'node:events';
import type { Logger } from '../log/logger.ts';
import { describeError } from '../cli/errors.ts';

export interface ConnectionHealthState {
  /** Clients failing now, with the time of their last failure. Empty when the connection is up. */
  failing: Readonly<Record<string, number>>;
  /** Start of the outage, while down. */
  downSince?: number;
  /** When the last down / still-down line was written. */
  reportedAt?: number;
  /** Failures since the outage began. */
  failures: number;
  lastError?: string;
}

export const CONNECTION_UP: ConnectionHealthState = { failing: {}, failures: 0 };

export type ConnectionEvent =
  | { type: 'failure'; source: string; error: string; at: number }
  | { type: 'ready'; source: string; at: number }
  /** Time passing (a timer while down): drives "still down" and clients that went quiet. */
  | { type: 'tick'; at: number };

export type ConnectionReport =
  | { kind: 'down'; source: string; error: string }
  | { kind: 'still-down'; downForMs: number; failures: number; error: string }
  | { kind: 'back'; downForMs: number; failures: number };

export interface ConnectionHealthRules {
  /** How often "still down" is repeated. */
  repeatEveryMs: number;
  /**
   * A failing client that has not failed for this long is taken as reconnected: a client that is
   * really down fails on every reconnect attempt (a second apart, or ioredis' 10 s connect
   * timeout), and a client whose 'ready' was missed must not keep the connection "down" for ever.
   */
  quietAfterMs: number;
}

/** The state machine: no I/O, no clock. */
export function nextConnectionHealth(
  state: ConnectionHealthState,
  event: ConnectionEvent,
  rules: ConnectionHealthRules,
): { state: ConnectionHealthState; report?: ConnectionReport } {
  const isDown = Object.keys(state.failing).length > 0;
  if (event.type === 'failure') {
    const failing = { ...state.failing, [event.source]: event.at };
    if (!isDown) {
      return {
        state: { failing, downSince: event.at, reportedAt: event.at, failures: 1, lastError: event.error },
        report: { kind: 'down', source: event.source, error: event.error },
      };
    }
    const next = { ...state, failing, failures: state.failures + 1, lastError: event.error };
    return repeatIfDue(next, event.at, rules);
  }
  if (!isDown) return { state };
  const failing =
    event.type === 'ready'
      ? withoutKey(state.failing, event.source)
      : Object.fromEntries(Object.entries(state.failing).filter(([, last]) => event.at - last < rules.quietAfterMs));
  if (Object.keys(failing).length === 0) {
    return { state: CONNECTION_UP, report: { kind: 'back', downForMs: event.at - state.downSince!, failures: state.failures } };
  }
  return repeatIfDue({ ...state, failing }, event.at, rules);
}

function repeatIfDue(state: ConnectionHealthState, at: number, rules: ConnectionHealthRules): { state: ConnectionHealthState; report?: ConnectionReport } {
  if (at - (state.reportedAt ?? 0) < rules.repeatEveryMs) return { state };
  return {
    state: { ...state, reportedAt: at },
    report: { kind: 'still-down', downForMs: at - state.downSince!, failures: state.failures, error: state.lastError ?? 'unknown error' },
  };
}

function withoutKey(record: Readonly<Record<string, number>>, key: string): Record<string, number> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
const CONNECTION_ERROR_MESSAGE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection is closed|Stream isn't writeable|^LOADING /;

/** Errors that say "cannot talk to Redis" (they are part of an outage) rather than "Redis refused this". */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  return CONNECTION_ERROR_MESSAGE.test(err instanceof Error ? err.message : String(err));
}

type Emitter = Pick<EventEmitter, 'on'>;

export interface ConnectionHealthOptions {
  /** What the connection is, for the log lines ("redis"). */
  name: string;
  log: Logger;
  repeatEveryMs?: number;
  quietAfterMs?: number;
  now?: () => number;
}

/** The wiring: feeds the clients' events into the state machine and writes its reports. */
export class ConnectionHealth {
  private state = CONNECTION_UP;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly backListeners: Array<() => void> = [];
  private readonly rules: ConnectionHealthRules;
  private readonly now: () => number;

  constructor(private readonly options: ConnectionHealthOptions) {
    this.rules = { repeatEveryMs: options.repeatEveryMs ?? 30_000, quietAfterMs: options.quietAfterMs ?? 30_000 };
    this.now = options.now ?? Date.now;
  }

  get isDown(): boolean {
    return Object.keys(this.state.failing).length > 0;
  }

  /**
   * Follows one client. `errors` emits 'error' (and, with `closes`, 'close' counts as a failure);
   * `ready` emits 'ready' when the client has (re)connected. Errors that are not about the
   * connection are logged as they come, one line each.
   */
  watch(source: string, clients: { errors: Emitter; ready: Emitter; closes?: boolean }): void {
    clients.errors.on('error', (err: Error) => {
      if (isConnectionError(err)) this.feed({ type: 'failure', source, error: describeError(err), at: this.now() });
      else if (!this.stopped) this.options.log.error({ source }, `${source} error: ${describeError(err)}`);
    });
    if (clients.closes) clients.errors.on('close', () => this.feed({ type: 'failure', source, error: 'connection closed', at: this.now() }));
    clients.ready.on('ready', () => this.feed({ type: 'ready', source, at: this.now() }));
  }

  /** Called once per outage, when every client is connected again. */
  onBack(listener: () => void): void {
    this.backListeners.push(listener);
  }

  /** Before closing the clients on purpose: their closing is not an outage. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private feed(event: ConnectionEvent): void {
    if (this.stopped) return;
    const { state, report } = nextConnectionHealth(this.state, event, this.rules);
    this.state = state;
    if (this.isDown && !this.timer) {
      this.timer = setInterval(() => this.feed({ type: 'tick', at: this.now() }), 1000);
      this.timer.unref();
    } else if (!this.isDown && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (report) this.write(report);
  }

  private write(report: ConnectionReport): void {
    const { log, name } = this.options;
    const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
    if (report.kind === 'down') {
      log.error({ source: report.source }, `${name} unreachable: ${report.error} (jobs wait; reconnecting)`);
    } else if (report.kind === 'still-down') {
      log.error({ downForMs: report.downForMs, failures: report.failures }, `${name} still unreachable after ${seconds(report.downForMs)} (${report.failures} failed attempts): ${report.error}`);
    } else {
      log.info({ downForMs: report.downForMs, failures: report.failures }, `${name} reachable again after ${seconds(report.downForMs)}`);
      for (const listener of this.backListeners) listener();
    }
  }
}
