// How tests start the `nasorch` command line: `spawn(process.execPath, [...NASORCH, 'validate', …])`.
// One place, so the way the CLI is launched changes once. Tests run the TypeScript sources
// through tsx (scripts/dev.mjs) so they never see a stale dist/; the compiled bin and the packed
// package are exercised by test/package/tarball.test.ts.
import { fileURLToPath } from 'node:url';

export const NASORCH: readonly string[] = [fileURLToPath(new URL('../../scripts/dev.mjs', import.meta.url))];
