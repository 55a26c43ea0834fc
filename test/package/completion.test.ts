// `nasorch completion bash|zsh`: the script is generated from the command table, loads in the
// shell, and completes commands, subcommands and options.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { addCommands, COMMANDS } from '../../src/cli/commands.ts';
import { bashCompletion, completionWords } from '../../src/cli/completion-command.ts';
import { NASORCH } from '../support/cli.ts';

const run = promisify(execFile);
const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

let script: string;
beforeAll(async () => {
  script = (await run(process.execPath, [...NASORCH, 'completion', 'bash'])).stdout;
});

/** What bash offers for the words typed so far (the last one is the word being completed). */
async function complete(...typed: string[]): Promise<string[]> {
  const words = ['nasorch', ...typed].map((w) => `'${w}'`).join(' ');
  const { stdout } = await run('bash', [
    '-c',
    `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _nasorch; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  return stdout.split('\n').filter(Boolean);
}

describe('nasorch completion bash', () => {
  it('registers a completion function for nasorch when sourced', async () => {
    const { stdout } = await run('bash', ['-c', `${script}\ncomplete -p nasorch`]);
    expect(stdout.trim()).toBe('complete -F _nasorch nasorch');
  });

  it('offers every command of the table at the top', async () => {
    expect(await complete('')).toEqual(expect.arrayContaining(COMMANDS.map((c) => c.name)));
    expect(await complete('va')).toEqual(['validate']);
  });

  it('follows subcommands and offers their options', async () => {
    expect(await complete('nas', 'vol')).toEqual(['volumes']);
    expect(await complete('nas', '--json', 'volumes', '')).toEqual(expect.arrayContaining(['list', 'get']));
    expect(await complete('daemon', '--c')).toEqual(['--config']);
    expect(await complete('db', '')).toContain('migrate');
  });

  it('is the same script as generating it from a program with every command', async () => {
    const program = new Command('nasorch');
    await addCommands(program, COMMANDS);
    expect(bashCompletion(program)).toBe(script);
    expect(completionWords(program).get(' nas volumes list')).toContain('--all');
  });

  it('refuses an unknown shell with one line and exit 2', async () => {
    const r = spawnSync(process.execPath, [...NASORCH, 'completion', 'fish'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/fish.*bash, zsh|bash, zsh.*fish/);
  });
});

describe.skipIf(!hasZsh)('nasorch completion zsh', () => {
  it('loads in zsh and registers the function', async () => {
    const { stdout } = await run(process.execPath, [...NASORCH, 'completion', 'zsh']);
    const r = await run('zsh', ['-c', `autoload -U compinit && compinit -u; ${stdout}\nprint -r -- \${_comps[nasorch]}`]);
    expect(r.stdout.trim()).toBe('_bash_complete -F _nasorch');
  });
});
