// The `nasorch` command line. Commands are listed in ./commands.ts and their modules load only
// when run; failures end as one line on stderr and a non-zero exit code.
import { Command, CommanderError } from 'commander';
import { addCommands, commandNamed, COMMANDS, type CommandEntry } from './commands.ts';
import { describeError } from './errors.ts';

/** The program with every command; those in `load` (default: all) fully, the others as stubs. */
export async function buildProgram(load?: readonly CommandEntry[]): Promise<Command> {
  const program = new Command('nasorch')
    .description('Snapshots, replication and failover for NHN Cloud NAS')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  await addCommands(program, load ?? COMMANDS);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const target = commandNamed(argv.slice(2));
    const program = await buildProgram(target ? [target] : []);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`nasorch: ${describeError(err)}\n`);
    return 1;
  }
}
