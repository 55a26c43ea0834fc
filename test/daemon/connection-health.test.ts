// The Redis reachability state machine: one report per state change, however many clients fail
// how often. Table tests over event sequences; then the wiring with plain emitters.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  CONNECTION_UP,
  ConnectionHealth,
  isConnectionError,
  nextConnectionHealth,
  type ConnectionEvent,
  type ConnectionHealthState,
} from '../../src/daemon/connection-health.ts';
import { createLogger } from '../../src/log/logger.ts';

const rules = { repeatEveryMs: 10_000, quietAfterMs: 30_000 };
const fail = (source: string, at: number, error = 'connect ECONNREFUSED 127.0.0.1:6390'): ConnectionEvent => ({ type: 'failure', source, error, at });
const ready = (source: string, at: number): ConnectionEvent => ({ type: 'ready', source, at });
const tick = (at: number): ConnectionEvent => ({ type: 'tick', at });

function run(events: ConnectionEvent[], start: ConnectionHealthState = CONNECTION_UP) {
  let state = start;
  const reports: string[] = [];
  for (const event of events) {
    const next = nextConnectionHealth(state, event, rules);
    state = next.state;
    if (next.report) {
      const r = next.report;
      reports.push(r.kind === 'down' ? `down(${r.source})` : r.kind === 'still-down' ? `still-down(${r.downForMs}ms, ${r.failures})` : `back(${r.downForMs}ms, ${r.failures})`);
    }
  }
  return { state, reports };
}

describe('nextConnectionHealth', () => {
  it.each<[string, ConnectionEvent[], string[]]>([
    ['nothing while up, whatever becomes ready', [ready('commands', 0), ready('queue', 5), tick(10)], []],
    ['one "down" for the first failure of any client', [fail('worker', 0), fail('queue', 1), fail('commands', 2), fail('worker', 250)], ['down(worker)']],
    [
      '"still down" at most every repeatEveryMs, counting every failure',
      [fail('commands', 0), ...Array.from({ length: 40 }, (_, i) => fail(i % 2 ? 'queue' : 'worker', 500 * (i + 1)))],
      ['down(commands)', 'still-down(10000ms, 21)', 'still-down(20000ms, 41)'],
    ],
    ['"still down" also on the timer when no client reports', [fail('commands', 0), tick(9_999), tick(10_000), tick(15_000)], ['down(commands)', 'still-down(10000ms, 1)']],
    [
      '"back" once, when the last failing client is ready again',
      [fail('commands', 0), fail('queue', 100), fail('worker', 200), ready('commands', 3000), ready('queue', 3100), ready('worker', 3200), ready('worker', 3300)],
      ['down(commands)', 'back(3200ms, 3)'],
    ],
    ['a ready client that never failed does not end the outage', [fail('queue', 0), ready('commands', 100), ready('worker', 200)], ['down(queue)']],
    [
      'a failing client that went quiet for quietAfterMs counts as reconnected',
      [fail('commands', 0), fail('worker', 1000), ready('commands', 2000), tick(30_999), tick(31_000)],
      ['down(commands)', 'still-down(30999ms, 2)', 'back(31000ms, 2)'],
    ],
    [
      'a new outage after "back" is reported again',
      [fail('commands', 0), ready('commands', 1000), fail('commands', 5000), ready('commands', 5500)],
      ['down(commands)', 'back(1000ms, 1)', 'down(commands)', 'back(500ms, 1)'],
    ],
  ])('%s', (_what, events, expected) => {
    expect(run(events).reports).toEqual(expected);
  });

  it('is up again, with nothing remembered, after "back"', () => {
    expect(run([fail('commands', 0), ready('commands', 10)]).state).toEqual(CONNECTION_UP);
  });
});

describe('isConnectionError', () => {
  it.each<[unknown, boolean]>([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' }), true],
    [new Error('Connection is closed.'), true],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    [new Error('LOADING Redis is loading the dataset in memory'), true],
    [new Error('Missing lock for job 42. moveToFinished'), false],
    [new Error('ERR wrong number of arguments'), false],
  ])('%s → %s', (err, expected) => {
    expect(isConnectionError(err)).toBe(expected);
  });
});

describe('ConnectionHealth (wiring)', () => {
  it('writes one JSON log line per state change and calls onBack once per outage', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    let now = 0;
    const health = new ConnectionHealth({ name: 'redis', log: createLogger({ level: 'info', destination: sink }), repeatEveryMs: 10_000, now: () => now });
    const client = new EventEmitter();
    const queue = new EventEmitter();
    const queueBackend = new EventEmitter();
    health.watch('commands', { errors: client, ready: client, closes: true });
    health.watch('queue', { errors: queue, ready: queueBackend });
    let backs = 0;
    health.onBack(() => backs++);

    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390\n    at TCPConnectWrap'), { code: 'ECONNREFUSED' });
    client.emit('close');
    for (let i = 0; i < 20; i++) {
      now += 250;
      client.emit('error', refused);
      queue.emit('error', refused);
    }
    queue.emit('error', new Error('Missing lock for job 1'));
    now += 100;
    client.emit('ready');
    queueBackend.emit('ready');
    health.stop();
    client.emit('close'); // closing on purpose is not an outage

    expect(lines.map((l) => l.msg)).toEqual([
      'redis unreachable: connection closed (jobs wait; reconnecting)',
      'queue error: Missing lock for job 1',
      'redis reachable again after 5.1 s',
    ]);
    expect(backs).toBe(1);
  });
});
