// startSimulator(): the NHN Cloud Identity + NAS stand-in used by tests and the demo.
// Wires the simulated clock, the world loaded from the state file, tokens, faults and the
// HTTP server, and hands back the RunningSimulator handle described in contract.ts.
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { SimClock } from './clock.ts';
import type { MirrorFault, RunningSimulator, SimulatorFaults, SimulatorStartOptions } from './contract.ts';
import { SimulatorConfigError } from './data-file.ts';
import { FaultInjector, loadFaults, parseFaults } from './faults.ts';
import { HeldRequests } from './held-requests.ts';
import { applyMirrorFault } from './mirrors.ts';
import { ModelAdmin, parseTiming } from './model-admin.ts';
import { RequestLog } from './request-log.ts';
import { buildServer } from './server.ts';
import { loadState } from './state-file.ts';
import { applyQuirks, parseQuirks } from './quirks.ts';
import { applySwitches, parseSwitches } from './switches.ts';
import { TokenStore } from './tokens.ts';

export type * from './contract.ts';
export { SIM_REGIONS } from './contract.ts';
export { SimulatorConfigError } from './data-file.ts';
export { DEFAULT_CREDENTIALS } from './state-file.ts';

/** How often a 'real' clock catches up with wall time when no request arrives. */
const REAL_CLOCK_TICK_MS = 1000;

function startInstant(value: Date | string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new SimulatorConfigError(`startTime "${String(value)}" is not a valid date`);
  return date;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSimulator(opts: SimulatorStartOptions = {}): Promise<RunningSimulator> {
  const clock = new SimClock(opts.clock ?? 'real', startInstant(opts.startTime));
  const { credentials, tokenTtlSeconds, world } = loadState(opts.state, clock);
  if (opts.timing) Object.assign(world.timing, parseTiming(opts.timing, 'startSimulator options'));
  if (opts.switches) world.switches = applySwitches(world.switches, parseSwitches(opts.switches, 'startSimulator options'));
  if (opts.quirks !== undefined) world.quirks = applyQuirks(world.quirks, parseQuirks(opts.quirks, 'startSimulator options'));
  // Constructed after the options: DELETE /_admin/switches returns to the state file's switches with the options on top.
  const model = new ModelAdmin(world);
  const tokens = new TokenStore(clock, tokenTtlSeconds);
  const faults = new FaultInjector(opts.seed ?? randomInt(2 ** 31));
  if (opts.faults) faults.set(loadFaults(opts.faults));
  const log = new RequestLog();
  const held = new HeldRequests();
  const host = opts.host ?? '127.0.0.1';
  let url = '';

  const setFaults = (value: unknown) => faults.set(parseFaults(value, 'faults'));
  const setMirrorFault = (mirrorId: string, fault: MirrorFault) => {
    applyMirrorFault(world, mirrorId, fault);
  };

  const app = buildServer({
    world,
    tokens,
    credentials,
    faults,
    log,
    held,
    baseUrl: () => url,
    admin: {
      now: () => clock.now(),
      advance: (ms) => clock.advance(ms),
      faults: () => faults.current(),
      setFaults,
      revokeTokens: () => tokens.revokeAll(),
      requests: () => log.all(),
      heldRequests: () => held.size,
      setMirrorFault,
      model,
    },
  });
  await app.listen({ port: opts.port ?? 0, host });
  url = `http://${urlHost(host)}:${(app.server.address() as AddressInfo).port}`;

  const ticker = clock.mode === 'real' ? setInterval(() => clock.catchUp(), REAL_CLOCK_TICK_MS) : undefined;
  ticker?.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    identityUrl: url,
    credentials: { ...credentials },
    now: () => clock.now(),
    advance: async (ms: number) => clock.advance(ms),
    setFaults: (f: SimulatorFaults) => setFaults(f),
    setMirrorFault,
    revokeTokens: () => tokens.revokeAll(),
    switches: () => model.switches(),
    setSwitches: (change) => model.setSwitches(change),
    quirks: () => model.quirks(),
    setQuirks: (change) => model.setQuirks(change),
    writeVolume: (volumeId, options) => model.write(volumeId, options ?? {}),
    volumeData: (volumeId, region) => model.volumeData(volumeId, region),
    requests: () => log.all(),
    close: () => {
      closing ??= (async () => {
        if (ticker) clearInterval(ticker);
        // Hung and delayed requests would otherwise hold the server open.
        held.releaseAll();
        await app.close();
      })();
      return closing;
    },
  };
}
