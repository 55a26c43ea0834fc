import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/output.ts';
import { registerValidateCommand, runValidate } from '../../src/cli/validate-command.ts';

function memoryIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const policyYaml = (name: string, spec = '  volumes: { names: [a] }\n  usage: {}\n') =>
  `apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nasorch-validate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runValidate', () => {
  it('prints a one-line summary and exits 0 when every policy is valid', async () => {
    await writeFile(join(dir, 'a.yaml'), `${policyYaml('one')}---\n${policyYaml('two')}`);
    await writeFile(join(dir, 'b.yaml'), policyYaml('three'));
    const { io, stdout, stderr } = memoryIo();
    expect(await runValidate([dir], io)).toBe(0);
    expect(stdout()).toBe('3 policies in 2 files are valid\n');
    expect(stderr()).toBe('');
  });

  it('uses singular words for one policy in one file', async () => {
    await writeFile(join(dir, 'a.yaml'), policyYaml('one'));
    const { io, stdout } = memoryIo();
    expect(await runValidate([join(dir, 'a.yaml')], io)).toBe(0);
    expect(stdout()).toBe('1 policy in 1 file is valid\n');
  });

  it('lists every error of every file, one per line, and exits 1', async () => {
    await writeFile(join(dir, 'a.yaml'), policyYaml('one', '  volumes: { names: [a] }\n  usage: { warnPercent: 95, criticalPercent: 90 }\n'));
    await writeFile(join(dir, 'b.yaml'), policyYaml('two', '  timezone: Mars/Base\n  volumes: { names: [a] }\n  usage: { shedule: "* * * * *" }\n'));
    const { io, stdout, stderr } = memoryIo();
    expect(await runValidate([dir], io)).toBe(1);
    expect(stdout()).toBe('');
    expect(stderr().split('\n')).toEqual([
      `${join(dir, 'a.yaml')}:7:25: spec.usage.warnPercent: warnPercent (95) must be lower than criticalPercent (90)`,
      `${join(dir, 'b.yaml')}:6:13: spec.timezone: unknown time zone "Mars/Base": expected an IANA name such as Asia/Seoul or UTC`,
      `${join(dir, 'b.yaml')}:8:12: spec.usage.shedule: unknown key (did you mean "schedule"?)`,
      '3 errors in 2 files',
      '',
    ]);
  });

  it('warns, but succeeds, when there are no policies', async () => {
    const { io, stdout, stderr } = memoryIo();
    expect(await runValidate([dir], io)).toBe(0);
    expect(stdout()).toBe('0 policies in 0 files are valid\n');
    expect(stderr()).toBe(`warning: no policy files (*.yaml, *.yml) in ${dir}\n`);
  });

  it('fails on a missing directory, naming it', async () => {
    const { io, stderr } = memoryIo();
    expect(await runValidate([join(dir, 'nope')], io)).toBe(1);
    expect(stderr()).toBe(`${join(dir, 'nope')}: no such file or directory\n1 error in 1 file\n`);
  });

  it('takes the default region from --region, else NHN_REGION', async () => {
    // Overlapping snapshot prefixes are only an error between policies of the same region, so the
    // region given to the policy without spec.region decides the outcome.
    const snapshots = (region: string) =>
      `${region}  volumes: { nameContains: prod }\n  snapshot:\n    schedule: "0 3 * * *"\n    retention: { keepLast: 1 }\n`;
    await writeFile(join(dir, 'a.yaml'), policyYaml('prod', snapshots('  region: KR2\n')));
    await writeFile(join(dir, 'b.yaml'), policyYaml('prod-daily', snapshots('')));

    expect(await runValidate([dir], memoryIo({ NHN_REGION: 'kr2' }).io)).toBe(1);
    expect(await runValidate([dir], memoryIo({ NHN_REGION: 'kr2' }).io, { region: 'kr1' })).toBe(0);
    expect(await runValidate([dir], memoryIo({}).io)).toBe(0); // KR1 when nothing is set
    expect(await runValidate([dir], memoryIo({}).io, { region: 'KR2' })).toBe(1);
  });
});

describe('registerValidateCommand', () => {
  it('runs `validate PATH…` through commander and reports the exit code', async () => {
    await mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'config', 'a.yaml'), policyYaml('one', '  volumes: { names: [a] }\n'));
    const { io, stderr } = memoryIo();
    const codes: number[] = [];
    const program = new Command('nasorch').exitOverride();
    registerValidateCommand(program, io, (code) => codes.push(code));
    await program.parseAsync(['node', 'nasorch', 'validate', join(dir, 'config')]);
    expect(codes).toEqual([1]);
    expect(stderr()).toContain(`${join(dir, 'config', 'a.yaml')}:6:3: spec: a policy needs at least one of snapshot, replication, usage`);
  });

  it('defaults to ./config', async () => {
    const { io, stdout, stderr } = memoryIo();
    const codes: number[] = [];
    const program = new Command('nasorch').exitOverride();
    registerValidateCommand(program, io, (code) => codes.push(code));
    await program.parseAsync(['node', 'nasorch', 'validate']); // vitest runs in the repository root
    expect(stderr()).toBe('');
    expect(stdout()).toMatch(/^\d+ polic(y|ies) in \d+ files? (is|are) valid\n$/);
    expect(codes).toEqual([0]);
  });
});
