// The command table (src/cli/commands.ts): help lists every command without loading any, each
// row's module adds exactly that command, and a command loads only the modules it uses.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandNamed, COMMANDS } from '../../src/cli/commands.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { NASORCH } from '../support/cli.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const recorder = fileURLToPath(new URL('../support/module-log/register.mjs', import.meta.url));
// What only the daemon, the database and the API commands need.
const HEAVY_PACKAGES = ['bullmq', 'ioredis', '@prisma/client', '@prisma/adapter-pg', 'pg', 'fastify', 'node-cron', 'pino'];
// The launcher of the sources (NASORCH runs them through tsx), not the CLI's own.
const LAUNCHER_PACKAGES = new Set(['tsx', 'esbuild']);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nasorch-commands-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with the module recorder; resolves to its stdout and the packages it loaded. */
async function loadedBy(name: string, args: string[]): Promise<{ stdout: string; packages: Set<string>; files: string[] }> {
  const log = path.join(dir, `${name}.log`);
  const { stdout } = await run(process.execPath, ['--import', recorder, ...NASORCH, ...args], {
    cwd: root,
    env: { ...process.env, NASORCH_MODULE_LOG: log },
  });
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  const packages = new Set(
    urls.flatMap((u) => {
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
      return m && !LAUNCHER_PACKAGES.has(m[1]!) ? [m[1]!] : [];
    }),
  );
  const files = urls.filter((u) => u.startsWith('file:') && !u.includes('/node_modules/')).map((u) => path.relative(root, fileURLToPath(u)));
  return { stdout, packages, files };
}

describe('the command table', () => {
  it('names each command once', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("every row's module adds the command the row names", async () => {
    for (const entry of COMMANDS) {
      const program = await buildProgram([entry]);
      const command = program.commands.find((c) => c.name() === entry.name)!;
      // A fully registered command has an action or subcommands; a stub has neither but our summary.
      const isFull = command.commands.length > 0 || command.options.length > 0 || command.registeredArguments.length > 0;
      expect(isFull, `${entry.name}: its module does not register it`).toBe(true);
    }
  });

  it('finds the command in an argument list, also after `help` and before options', () => {
    expect(commandNamed(['validate', 'config'])?.name).toBe('validate');
    expect(commandNamed(['help', 'nas'])?.name).toBe('nas');
    expect(commandNamed(['--help'])).toBeUndefined();
    expect(commandNamed(['nas', '--json', 'volumes', 'list'])?.name).toBe('nas');
    expect(commandNamed(['no-such-command'])).toBeUndefined();
  });
});

describe('lazy loading (spawned CLI, modules recorded by a resolve hook)', () => {
  it('`nasorch --help` lists every command and loads no command module', async () => {
    const { stdout, packages, files } = await loadedBy('help', ['--help']);
    for (const entry of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${entry.name}\\b.*${entry.summary.slice(0, 20).replace(/[()]/g, '\\$&')}`, 'm'));
    expect([...packages].sort()).toEqual(['commander']);
    expect(files.filter((f) => /-commands?\.ts$/.test(f))).toEqual([]);
  });

  it('`nasorch validate` loads the policy code only: no BullMQ, Redis, Prisma, pg, fastify or pino', async () => {
    const { stdout, packages, files } = await loadedBy('validate', ['validate', 'config']);
    expect(stdout).toMatch(/valid/);
    for (const heavy of HEAVY_PACKAGES) expect(packages, heavy).not.toContain(heavy);
    // Config documents only: policies, and the AlertSink kind beside them (src/notify/*alert-sink*).
    const configCode = /^src\/(cli|policy)\/|^src\/notify\/(parse-)?alert-sink/;
    expect(files.filter((f) => f.startsWith('src/') && !configCode.test(f) && !f.startsWith('src/package-root'))).toEqual([]);
    expect(files.filter((f) => /-commands?\.ts$/.test(f))).toEqual(['src/cli/validate-command.ts']);
  });

  it('a heavy command does load its modules (the recorder sees them)', async () => {
    const { packages } = await loadedBy('db-help', ['db', '--help']);
    expect(packages).toContain('pg');
  });
});
