#!/usr/bin/env node
// `npm test`: set-up, then the whole vitest suite, then one plain summary line
// ("N passed, N failed, N skipped") that CI systems can read. Extra args go to vitest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const setup = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit', cwd: root });
if (setup.status !== 0) process.exit(setup.status ?? 1);

const dir = mkdtempSync(path.join(tmpdir(), 'nasorch-vitest-'));
const report = path.join(dir, 'report.json');
const vitest = spawnSync(
  path.join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
} catch {
  console.log('\nvitest: no report (the run did not complete)');
}
rmSync(dir, { recursive: true, force: true });
process.exit(vitest.status ?? 1);
