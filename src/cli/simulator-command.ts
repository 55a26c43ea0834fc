// `nasorch simulator`: runs the NHN Cloud Identity + NAS simulator on a real clock until
// SIGINT/SIGTERM, printing one line with the URL and the settings to point nasorch at it.
// The password is never printed: it is in the state file (the demo's is in the README).
import { Command, InvalidArgumentError } from 'commander';
import { startSimulator } from '../simulator/index.ts';

export const DEFAULT_SIMULATOR_PORT = 8787;

export interface SimulatorCommandOptions {
  port: number;
  host: string;
  state?: string;
  faults?: string;
  seed?: number;
  /** Real-cloud quirks mode, all quirks on (finer control: `quirks:` in the state file, /_admin/quirks). */
  quirks?: boolean;
}

export interface SimulatorCommandIo {
  out: NodeJS.WritableStream;
  /** Resolves when the simulator should stop (default: SIGINT or SIGTERM). */
  untilStopped: () => Promise<unknown>;
}

function integerOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function runSimulatorCommand(
  options: SimulatorCommandOptions,
  io: SimulatorCommandIo = { out: process.stdout, untilStopped: untilSignal },
): Promise<void> {
  const sim = await startSimulator({
    port: options.port,
    host: options.host,
    clock: 'real',
    ...(options.state ? { state: options.state } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.quirks ? { quirks: true } : {}),
  });
  const passwordHint = options.state ? `the password in ${options.state}` : 'the demo password from the README';
  io.out.write(
    `NAS simulator listening on ${sim.url} — use NHN_IDENTITY_URL=${sim.identityUrl} NHN_TENANT_ID=${sim.credentials.tenantId} ` +
      `NHN_USERNAME=${sim.credentials.username} and NHN_API_PASSWORD=<${passwordHint}>; admin API at ${sim.url}/_admin; stop with Ctrl-C\n`,
  );
  try {
    await io.untilStopped();
  } finally {
    await sim.close();
  }
}

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('Run the NHN Cloud Identity + NAS API simulator (for tests and demos) until interrupted')
    .option('--port <port>', 'TCP port to listen on (0 = any free port)', integerOption('--port', 0, 65_535), DEFAULT_SIMULATOR_PORT)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--state <file>', 'state file (JSON or YAML) with credentials and volumes; default: the built-in demo')
    .option('--faults <file>', 'faults file (JSON or YAML) with fault rules')
    .option('--seed <n>', 'seed for fault randomness', integerOption('--seed', 0, 2 ** 31 - 1))
    .option('--quirks', 'real-cloud quirks mode: nulls, undocumented values, odd catalog entries, malformed listing entries')
    .action(async (options: SimulatorCommandOptions) => {
      await runSimulatorCommand(options);
    });
}
