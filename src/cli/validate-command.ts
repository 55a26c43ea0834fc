// `nasorch validate [DIR|FILE…]`: checks policy files without touching any API, for editors,
// pre-commit hooks and CI. Exit 0 with a one-line summary, or 1 with every error, one per line.
import { Option, type Command } from 'commander';
import { loadFailoverGroups } from '../policy/failover-group.ts';
import { loadPolicyFiles } from '../policy/load-policies.ts';
import { policyFileMaxBytes } from '../policy/file-size-cap.ts';
import { sortPolicyErrors } from '../policy/policy-error.ts';
import { processIo, type CliIo } from './output.ts';

export const DEFAULT_POLICY_DIR = 'config';

export interface ValidateOptions {
  /** The policy directory when no path is given (--config / NASORCH_CONFIG). */
  config?: string;
  /** Region of policies without spec.region; default: NHN_REGION, else KR1 (as the daemon). */
  region?: string;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Validates the given files/directories (default ./config); resolves to the exit code. */
export async function runValidate(paths: readonly string[], io: CliIo, options: ValidateOptions = {}): Promise<number> {
  const targets = paths.length > 0 ? paths : [options.config ?? io.env.NASORCH_CONFIG ?? DEFAULT_POLICY_DIR];
  const defaultRegion = options.region?.trim() || io.env.NHN_REGION?.trim() || 'KR1';
  const loaded = await loadPolicyFiles(targets, { defaultRegion, maxFileBytes: policyFileMaxBytes(io.env) });
  const { policies, sinks, files, warnings } = loaded;
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  const groupSet = await loadFailoverGroups(targets, defaultRegion);
  const errors = sortPolicyErrors([...loaded.errors, ...groupSet.errors], files);

  if (errors.length > 0) {
    for (const error of errors) io.stderr.write(`${error.format()}\n`);
    const failedFiles = new Set(errors.map((error) => error.file)).size;
    io.stderr.write(`${plural(errors.length, 'error', 'errors')} in ${plural(failedFiles, 'file', 'files')}\n`);
    return 1;
  }
  if (policies.length === 0 && groupSet.groups.length === 0) {
    const where = targets.join(', ');
    io.stderr.write(
      files.length === 0
        ? `warning: no policy files (*.yaml, *.yml) in ${where}\n`
        : `warning: ${where} holds no policies (nothing will be scheduled)\n`,
    );
  }
  const counted = [
    plural(policies.length, 'policy', 'policies'),
    ...(groupSet.groups.length > 0 ? [plural(groupSet.groups.length, 'failover group', 'failover groups')] : []),
    ...(sinks.length > 0 ? [plural(sinks.length, 'alert sink', 'alert sinks')] : []),
  ];
  // "1 policy is", but "0 policies and 1 failover group are": a list takes the plural.
  const verb = counted.length === 1 && policies.length === 1 ? 'is' : 'are';
  io.stdout.write(`${counted.join(' and ')} in ${plural(files.length, 'file', 'files')} ${verb} valid\n`);
  return 0;
}

/**
 * Adds `validate` to the program. The exit code goes to process.exitCode (which main() returns);
 * `io` and `setExitCode` are for tests, the CLI uses the process's.
 */
export function registerValidateCommand(
  program: Command,
  io: CliIo = processIo(),
  setExitCode: (code: number) => void = (code) => {
    process.exitCode = code;
  },
): Command {
  return program
    .command('validate')
    .description(`Check policy files (default: ./${DEFAULT_POLICY_DIR}) and report every error as file:line:col`)
    .argument('[paths...]', 'policy files or directories of *.yaml / *.yml files')
    .option('--region <region>', 'region of policies without spec.region (default: NHN_REGION, else KR1)')
    .addOption(new Option('-c, --config <dir>', 'policy directory to check when no path is given (default: ./config)').env('NASORCH_CONFIG'))
    .action(async (paths: string[], options: ValidateOptions) => {
      setExitCode(await runValidate(paths, io, options));
    });
}
