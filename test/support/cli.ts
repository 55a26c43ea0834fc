// How tests start the `nasorch` command line: `spawn(process.execPath, [...NASORCH, 'validate', …])`.
// One place, so the way the CLI is launched (sources through tsx, or a compiled build) changes once.
import { fileURLToPath } from 'node:url';

export const NASORCH: readonly string[] = [fileURLToPath(new URL('../../bin/nasorch.js', import.meta.url))];
