// A policy file without a policy (empty, only comments, only `---`) is most often a mistake
// (a bad template, a truncated ConfigMap): it is a warning naming the file, not an error.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/validate-command.ts';
import { loadPolicyDir } from '../../src/policy/load-policies.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

const options = { defaultRegion: 'KR1' };
const valid = policyYaml('kept', 'volumes: { names: [prod-web] }\nusage: {}');
const warning = (file: string) => `${file}: holds no policy (empty or only comments)`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nasorch-empty-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loading a directory with empty policy files', () => {
  it('warns once per file without a policy and still loads the others', async () => {
    await writeFile(join(dir, 'a-empty.yaml'), '');
    await writeFile(join(dir, 'b-comments.yaml'), '# all policies moved to c.yaml\n\n   # nothing here\n');
    await writeFile(join(dir, 'c.yaml'), valid);
    await writeFile(join(dir, 'd-separators.yml'), '---\n---\n');
    const { policies, errors, warnings } = await loadPolicyDir(dir, options);
    expect(errors).toEqual([]);
    expect(policies.map((p) => p.name)).toEqual(['kept']);
    expect(warnings).toEqual([warning(join(dir, 'a-empty.yaml')), warning(join(dir, 'b-comments.yaml')), warning(join(dir, 'd-separators.yml'))]);
  });

  it('does not warn about a file whose trailing document is empty', async () => {
    await writeFile(join(dir, 'c.yaml'), `${valid}---\n# end\n`);
    expect((await loadPolicyDir(dir, options)).warnings).toEqual([]);
  });

  it('is a warning in `nasorch validate`, which still exits 0', async () => {
    await writeFile(join(dir, 'empty.yaml'), '# TODO\n');
    await writeFile(join(dir, 'c.yaml'), valid);
    let out = '';
    let err = '';
    const io = { stdout: { write: (s: string) => void (out += s) }, stderr: { write: (s: string) => void (err += s) }, env: {} } as never;
    expect(await runValidate([dir], io)).toBe(0);
    expect(err).toBe(`warning: ${warning(join(dir, 'empty.yaml'))}\n`);
    expect(out).toBe('1 policy in 2 files is valid\n');
  });
});

describe('a daemon reloading an empty policy file', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
    await stack.writePolicy('c.yaml', valid);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('logs a warning naming the file and keeps running the other policies', async () => {
    const daemon = await stack.startDaemon();
    await stack.writePolicy('emptied.yaml', '\n');
    expect(await daemon.reload('test')).toEqual({ ok: true, errors: [] });
    const warnings = stack.logs.filter((l) => l.level === 40 && String(l.msg).includes('emptied.yaml'));
    expect(warnings.map((l) => l.msg)).toEqual([`policy config: ${warning(join(stack.configDir, 'emptied.yaml'))}`]);
    expect(daemon.currentPolicies().map((p) => p.name)).toEqual(['kept']);
  });
});
