// `nasorch daemon`: runs until SIGTERM/SIGINT; SIGHUP reloads the policy files.
import { configOption } from './config-option.ts';
import type { Command } from 'commander';
import { Daemon, type DaemonOptions } from '../daemon/daemon.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { policyFileMaxBytes } from '../policy/file-size-cap.ts';
import { daemonTuning, identitySettings, serviceSettings } from '../settings/settings.ts';

export function daemonOptionsFromEnv(configDir: string, log: Logger, env = process.env): DaemonOptions {
  const tuning = daemonTuning(env);
  return {
    configDir,
    service: serviceSettings(env),
    identity: identitySettings(env),
    log,
    ...tuning,
    policyFileMaxBytes: policyFileMaxBytes(env),
    ...(env.NASORCH_API_TOKEN?.trim() ? { apiToken: env.NASORCH_API_TOKEN.trim() } : {}),
  };
}

/** Starts a daemon and wires process signals to it; resolves when it has stopped. */
export async function runDaemonUntilSignalled(options: DaemonOptions): Promise<void> {
  const daemon = new Daemon(options);
  await daemon.start();
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      options.log.info({ signal }, 'signal received');
      daemon.stop().then(resolve, (err: unknown) => {
        options.log.error({ err }, 'error while stopping');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => void daemon.reload('SIGHUP').catch(() => {}));
  });
}

export function registerDaemonCommand(program: Command): void {
  program
    .command('daemon')
    .description('run the scheduler, the workers and the health server (SIGHUP reloads the policies)')
    .addOption(configOption())
    .action(async (opts: { config: string }) => {
      const log = createLogger({ destination: process.stdout.isTTY ? undefined : process.stdout });
      await runDaemonUntilSignalled(daemonOptionsFromEnv(opts.config, log));
    });
}
