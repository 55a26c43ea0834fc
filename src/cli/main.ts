// The `nasorch` command line. Each command group lives in its own module and registers
// itself here; failures end as one line on stderr and a non-zero exit code.
import { Command, CommanderError } from 'commander';
import { registerDaemonCommand } from './daemon-command.ts';
import { registerDbCommands } from './db-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { describeError } from './errors.ts';
import { registerFailoverCommands } from './failover-command.ts';
import { registerNasCommands } from './nas-commands.ts';
import { registerPairsCommand } from './pairs-command.ts';
import { registerPlanCommand } from './plan-command.ts';
import { registerRecordsCommands } from './records-commands.ts';
import { registerRunCommand } from './run-command.ts';
import { registerSimulatorCommand } from './simulator-command.ts';
import { registerValidateCommand } from './validate-command.ts';

export function buildProgram(): Command {
  const program = new Command('nasorch')
    .description('Snapshots, replication and failover for NHN Cloud NAS')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerDaemonCommand(program);
  registerDemoCommand(program);
  registerValidateCommand(program);
  registerPlanCommand(program);
  registerRunCommand(program);
  registerRecordsCommands(program);
  registerDbCommands(program);
  registerNasCommands(program);
  registerSimulatorCommand(program);
  registerPairsCommand(program);
  registerFailoverCommands(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`nasorch: ${describeError(err)}\n`);
    return 1;
  }
}
