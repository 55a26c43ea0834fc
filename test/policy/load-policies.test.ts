import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicyDir, loadPolicyFiles } from '../../src/policy/load-policies.ts';

const options = { defaultRegion: 'KR1' };
const EXAMPLE_DIR = fileURLToPath(new URL('../../config', import.meta.url));

const policyYaml = (name: string, spec = '  volumes: { names: [a] }\n  usage: {}\n') =>
  `apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nasorch-policy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the shipped demo policy (config/example.yaml)', () => {
  it('is valid and snapshots, prunes, polls usage and replication within seconds', async () => {
    const { policies, errors, files } = await loadPolicyDir(EXAMPLE_DIR, options);
    expect(errors.map((e) => e.format())).toEqual([]);
    expect(files.map((f) => f.slice(EXAMPLE_DIR.length + 1))).toEqual(['example.yaml']);
    expect(policies).toHaveLength(2);
    const [demo, replication] = policies;
    expect(demo).toMatchObject({
      region: 'KR1',
      volumes: { names: [], nameContains: ['prod-'], ids: [] },
      snapshot: { schedule: '*/10 * * * * *', prune: true, retention: { keepLast: 3 } },
      usage: { schedule: '*/15 * * * * *' },
    });
    expect(demo!.snapshot!.prefix).toMatch(/^nasorch-/);
    // Replication is watched only on the volume that has a mirror.
    expect(replication).toMatchObject({
      volumes: { names: ['prod-web'] },
      replication: { mirror: 'auto', statSchedule: '*/20 * * * * *' },
    });
  });
});

describe('loadPolicyDir', () => {
  it('reads every *.yaml and *.yml file of the directory, in name order, and nothing else', async () => {
    await writeFile(join(dir, 'b.yml'), policyYaml('from-yml'));
    await writeFile(join(dir, 'a.yaml'), `${policyYaml('first')}---\n${policyYaml('second')}`);
    await writeFile(join(dir, 'README.md'), '# not a policy: ignored\n');
    await writeFile(join(dir, '.hidden.yaml'), 'editor backup: ignored\n');
    await writeFile(join(dir, 'notes.yaml.bak'), 'ignored\n');
    await mkdir(join(dir, 'nested.yaml'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'deeper.yaml'), 'not read: the directory is not searched recursively\n');

    const { policies, errors, files } = await loadPolicyDir(dir, options);
    expect(errors).toEqual([]);
    expect(files).toEqual([join(dir, 'a.yaml'), join(dir, 'b.yml')]);
    expect(policies.map((p) => [p.name, p.source.file, p.source.documentIndex])).toEqual([
      ['first', join(dir, 'a.yaml'), 0],
      ['second', join(dir, 'a.yaml'), 1],
      ['from-yml', join(dir, 'b.yml'), 0],
    ]);
  });

  it('follows symlinked files, as in a Kubernetes ConfigMap mount', async () => {
    await mkdir(join(dir, '..data'));
    await writeFile(join(dir, '..data', 'prod.yaml'), policyYaml('linked'));
    await symlink(join(dir, '..data', 'prod.yaml'), join(dir, 'prod.yaml'));
    const { policies, errors } = await loadPolicyDir(dir, options);
    expect(errors).toEqual([]);
    expect(policies.map((p) => p.name)).toEqual(['linked']);
  });

  it('names both places of a policy name used in two files', async () => {
    await writeFile(join(dir, 'a.yaml'), policyYaml('prod-daily'));
    await writeFile(join(dir, 'b.yaml'), `# the same name again\n${policyYaml('prod-daily')}`);
    const { policies, errors } = await loadPolicyDir(dir, options);
    expect(errors.map((e) => e.format())).toEqual([
      `${join(dir, 'b.yaml')}:5:9: metadata.name: policy name "prod-daily" is already used at ${join(dir, 'a.yaml')}:4:9`,
    ]);
    expect(policies).toEqual([]);
  });

  it('collects the errors of every file and returns no policies when there is any', async () => {
    await writeFile(join(dir, 'a.yaml'), policyYaml('good'));
    await writeFile(join(dir, 'b.yaml'), policyYaml('bad-one', '  volumes: { names: [a] }\n  usage: { warnPercent: 0 }\n'));
    await writeFile(join(dir, 'c.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    const { policies, errors, files } = await loadPolicyDir(dir, options);
    expect(files).toHaveLength(3);
    expect(errors.map((e) => e.format())).toEqual([
      `${join(dir, 'b.yaml')}:7:25: spec.usage.warnPercent: expected a percentage from 1 to 100, got 0`,
      `${join(dir, 'c.yaml')}:1:13: apiVersion: expected "nasorch/v1", got "v1" (policy files may only hold nasorch documents)`,
      `${join(dir, 'c.yaml')}:2:7: kind: expected "Policy", "AlertSink" or "FailoverGroup", got "ConfigMap" (policy files may only hold nasorch documents)`,
    ]);
    expect(policies).toEqual([]);
  });

  it('checks snapshot prefixes across files', async () => {
    const snapshots = (prefix: string) => `  volumes: { nameContains: prod }\n  snapshot:\n    schedule: "0 3 * * *"\n    prefix: ${prefix}\n    retention: { keepLast: 1 }\n`;
    await writeFile(join(dir, 'a.yaml'), policyYaml('a', snapshots('snap-')));
    await writeFile(join(dir, 'b.yaml'), policyYaml('b', snapshots('snap-b-')));
    const { errors } = await loadPolicyDir(dir, options);
    expect(errors.map((e) => [e.file, e.line, e.path])).toEqual([[join(dir, 'b.yaml'), 9, 'spec.snapshot.prefix']]);
  });

  it('accepts an empty directory: zero policies, no error', async () => {
    expect(await loadPolicyDir(dir, options)).toEqual({ policies: [], sinks: [], errors: [], warnings: [], files: [] });
  });

  it('reports a missing directory by name', async () => {
    const missing = join(dir, 'nope');
    const { policies, errors } = await loadPolicyDir(missing, options);
    expect(policies).toEqual([]);
    expect(errors.map((e) => e.format())).toEqual([`${missing}: policy directory not found`]);
  });

  it('reports a file given as the directory', async () => {
    await writeFile(join(dir, 'a.yaml'), policyYaml('a'));
    const { errors } = await loadPolicyDir(join(dir, 'a.yaml'), options);
    expect(errors.map((e) => e.format())).toEqual([`${join(dir, 'a.yaml')}: not a directory (expected a directory of policy files)`]);
  });
});

describe('loadPolicyFiles', () => {
  it('takes files and directories, reads each file once and reports missing paths', async () => {
    await mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'config', 'a.yaml'), policyYaml('a'));
    await writeFile(join(dir, 'extra.txt'), policyYaml('named-explicitly')); // any extension when named
    const missing = join(dir, 'missing.yaml');
    const { policies, errors, files } = await loadPolicyFiles(
      [join(dir, 'config'), join(dir, 'extra.txt'), missing, join(dir, 'config', 'a.yaml')],
      options,
    );
    expect(files).toEqual([join(dir, 'config', 'a.yaml'), join(dir, 'extra.txt')]);
    expect(errors.map((e) => e.format())).toEqual([`${missing}: no such file or directory`]);
    expect(policies).toEqual([]);
  });

  it('applies the default region to policies without one', async () => {
    await writeFile(join(dir, 'a.yaml'), policyYaml('a'));
    const { policies } = await loadPolicyFiles([dir], { defaultRegion: ' kr2 ' });
    expect(policies.map((p) => p.region)).toEqual(['KR2']);
  });
});
