// `nasorch pairs [--json]`: every mirror pair of the configured failover groups, as observed now.
import type { Command } from 'commander';
import type { PairStatus } from '../failover/service.ts';
import { withFailoverService, type FailoverCliDeps } from './failover-command.ts';
import { printJson, printTable, processIo, type CliIo } from './output.ts';

export async function pairsCommand(opts: { config: string; group?: string; json?: boolean }, io: CliIo, deps: FailoverCliDeps = {}): Promise<number> {
  const { pairs } = await withFailoverService(io, opts.config, deps, (service) => service.pairs(opts.group));
  if (opts.json) {
    printJson(io.stdout, { pairs });
    return 0;
  }
  printTable(io.stdout, [
    { header: 'GROUP', value: (p: PairStatus) => p.group },
    { header: 'ORIGINAL', value: (p: PairStatus) => `${p.original.name} (${p.original.region})` },
    { header: 'REPLICA', value: (p: PairStatus) => `${p.replica.name} (${p.replica.region})` },
    { header: 'DIRECTION', value: (p: PairStatus) => p.direction },
    { header: 'WRITER', value: (p: PairStatus) => p.writer?.name },
    { header: 'STAT', value: (p: PairStatus) => p.statStatus },
    { header: 'LAG', value: (p: PairStatus) => (p.lagSeconds === null ? null : `${p.lagSeconds}s`), align: 'right' },
    { header: 'STATE', value: (p: PairStatus) => p.state },
    { header: 'NOTES', value: (p: PairStatus) => [...p.notes, ...(p.state.startsWith('PROTECTED') ? [] : p.reasons)] },
  ], pairs, '(no pairs: no FailoverGroup in the config, or its volumes have no mirror)');
  return 0;
}

export function registerPairsCommand(program: Command, io: CliIo = processIo()): void {
  program
    .command('pairs')
    .description('mirror pairs of the failover groups: direction, writer, lag and derived state')
    .option('-c, --config <dir>', 'config directory', './config')
    .option('-g, --group <name>', 'only this group')
    .option('--json', 'print JSON')
    .action(async (opts: { config: string; group?: string; json?: boolean }) => {
      process.exitCode = await pairsCommand(opts, io);
    });
}
