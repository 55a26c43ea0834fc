// The daemon's view of the config directory: the policies plus a version (newest file mtime
// and a digest of the policies) that lets daemons tell an older config from a newer one.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { loadPolicyDir, type LoadOptions, type PolicySet } from '../policy/load-policies.ts';
import type { AlertSink } from '../notify/alert-sink.ts';
import type { Policy } from '../policy/policy.ts';
import type { PolicyError } from '../policy/policy-error.ts';
import type { ConfigVersion } from '../orchestrator/reconciler.ts';

export interface LoadedConfig {
  policies: Policy[];
  sinks: AlertSink[];
  errors: PolicyError[];
  /** One-line notes, e.g. an empty file (see PolicySet.warnings). */
  warnings: string[];
  version: ConfigVersion;
}

/** How the policy files are read and parsed (in this thread, or in a worker: load-in-worker.ts). */
export interface PolicyLoader {
  load(dir: string, options: LoadOptions): Promise<PolicySet>;
}

export const inlinePolicyLoader: PolicyLoader = { load: loadPolicyDir };

export async function loadConfig(dir: string, options: LoadOptions, loader: PolicyLoader = inlinePolicyLoader): Promise<LoadedConfig> {
  const set = await loader.load(dir, options);
  const mtimes = await Promise.all(set.files.map((f) => stat(f).then((s) => s.mtimeMs, () => 0)));
  const digest = createHash('sha256')
    .update(JSON.stringify(set.policies.map(({ source: _source, ...rest }) => rest)))
    .digest('hex')
    .slice(0, 16);
  return { policies: set.policies, sinks: set.sinks, errors: set.errors, warnings: set.warnings, version: { mtimeMs: Math.max(0, ...mtimes), digest } };
}
