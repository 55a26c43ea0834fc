// `--config DIR` (or NASORCH_CONFIG) for every command that reads policies, spelled once.
import { Option } from 'commander';

export const DEFAULT_CONFIG_DIR = './config';

export function configOption(): Option {
  return new Option('-c, --config <dir>', 'policy directory').env('NASORCH_CONFIG').default(DEFAULT_CONFIG_DIR);
}
