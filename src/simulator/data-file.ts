// Reads the simulator's JSON or YAML input files (state, faults). Failures name the file.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** A state or faults file the simulator cannot use; the message names the file and field. */
export class SimulatorConfigError extends Error {
  override name = 'SimulatorConfigError';
}

export function readDataFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SimulatorConfigError(`${what} ${path}: cannot read it (${code ?? String(err)})`);
  }
  const asJson = /\.json$/i.test(path);
  try {
    // YAML also reads JSON, but JSON's own parser gives clearer errors for .json files.
    return asJson ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new SimulatorConfigError(`${what} ${path}: not valid ${asJson ? 'JSON' : 'YAML'}: ${detail}`);
  }
}
