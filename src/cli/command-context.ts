// What the config-and-database commands (run, plan, history, alerts, db) share: loading the
// policies with a clear error, and opening services for the length of one command.
import { openServices, type Services, type ServicesOptions } from '../daemon/services.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { loadPolicyDir } from '../policy/load-policies.ts';
import type { Policy } from '../policy/policy.ts';
import { policyFileMaxBytes } from '../policy/file-size-cap.ts';
import { daemonTuning, identitySettings, serviceSettings } from '../settings/settings.ts';
import type { CliIo } from './output.ts';

export class CommandError extends Error {
  override name = 'CommandError';
}

export function commandLogger(io: CliIo): Logger {
  return createLogger({ level: io.env.LOG_LEVEL ?? 'warn', pretty: false });
}

export async function loadPoliciesOrFail(dir: string, defaultRegion: string, env: Record<string, string | undefined> = process.env): Promise<Policy[]> {
  const set = await loadPolicyDir(dir, { defaultRegion, maxFileBytes: policyFileMaxBytes(env) });
  if (set.errors.length > 0) {
    const first = set.errors[0]!.format();
    const more = set.errors.length > 1 ? ` (and ${set.errors.length - 1} more; run \`nasorch validate ${dir}\`)` : '';
    throw new CommandError(`invalid policy config: ${first}${more}`);
  }
  return set.policies;
}

export function findPolicy(policies: readonly Policy[], name: string, dir: string): Policy {
  const policy = policies.find((p) => p.name === name);
  if (!policy) {
    const known = policies.map((p) => p.name).join(', ') || 'none';
    throw new CommandError(`no policy named "${name}" in ${dir} (policies: ${known})`);
  }
  return policy;
}

/** Opens services for one command and always closes them. */
export async function withServices<T>(
  io: CliIo,
  options: { nas: boolean; migrate?: boolean; log?: Logger; databaseSchema?: string; nasOptions?: ServicesOptions['nas'] },
  fn: (services: Services, log: Logger) => Promise<T>,
): Promise<T> {
  const log = options.log ?? commandLogger(io);
  const services = await openServices({
    service: serviceSettings(io.env),
    ...(options.nas ? { identity: identitySettings(io.env) } : {}),
    log,
    redisPrefix: daemonTuning(io.env).redisPrefix,
    volumeLockMs: daemonTuning(io.env).volumeLockMs,
    migrate: options.migrate ?? true,
    ...(options.databaseSchema ? { databaseSchema: options.databaseSchema } : {}),
    ...(options.nasOptions ? { nas: options.nasOptions } : {}),
  });
  try {
    return await fn(services, log);
  } finally {
    await services.close();
  }
}
