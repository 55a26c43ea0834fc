// `nasorch simulator`: one line with the URL and the settings (never the password), runs
// until told to stop, then closes.
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulatorCommand, runSimulatorCommand } from '../../src/cli/simulator-command.ts';

function capture() {
  let text = '';
  let gotLine: (line: string) => void = () => {};
  const firstLine = new Promise<string>((resolve) => (gotLine = resolve));
  const out = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      if (text.includes('\n')) gotLine(text);
      done();
    },
  });
  return { out, firstLine };
}

describe('nasorch simulator', () => {
  it('prints the URL, NHN_IDENTITY_URL, tenant and username, serves until stopped, then closes', async () => {
    const { out, firstLine } = capture();
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = runSimulatorCommand({ port: 0, host: '127.0.0.1' }, { out, untilStopped: () => stopped });
    const line = await firstLine;
    expect(line.trimEnd().split('\n')).toHaveLength(1);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]!;
    expect(line).toContain(`NHN_IDENTITY_URL=${url}`);
    expect(line).toContain('NHN_TENANT_ID=sim-tenant');
    expect(line).toContain('NHN_USERNAME=demo@example.com');
    expect(line).not.toContain('sim-password');
    expect((await fetch(`${url}/kr1/v1/volumes`)).status).toBe(401);
    stop();
    await running;
    await expect(fetch(`${url}/kr1/v1/volumes`)).rejects.toThrow();
  });

  it('registers `simulator` with --port (default 8787), --state and --faults', () => {
    const program = new Command('nasorch').exitOverride();
    registerSimulatorCommand(program);
    const command = program.commands.find((c) => c.name() === 'simulator')!;
    expect(command.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--port', '--state', '--faults']));
    expect(command.opts().port ?? command.getOptionValue('port')).toBe(8787);
  });

  it('rejects a bad port', async () => {
    const program = new Command('nasorch').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerSimulatorCommand(program);
    await expect(program.parseAsync(['node', 'nasorch', 'simulator', '--port', 'eighty'])).rejects.toThrow(/--port must be an integer/);
  });

  it('a bad state file fails with one clear line', async () => {
    await expect(
      runSimulatorCommand({ port: 0, host: '127.0.0.1', state: '/nonexistent/state.yaml' }, { out: capture().out, untilStopped: async () => {} }),
    ).rejects.toThrow('state file /nonexistent/state.yaml: cannot read it (ENOENT)');
  });
});
