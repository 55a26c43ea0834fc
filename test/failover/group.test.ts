import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAILOVER_GROUP_JSON_SCHEMA_FILE, renderFailoverGroupJsonSchema } from '../../src/failover/json-schema.ts';
import { parseFailoverDuration, parseGroupText, runSnapshotName } from '../../src/failover/group.ts';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';
import { groupYaml, parseGroup } from './support.ts';

describe('FailoverGroup documents', () => {
  it('normalises a group with defaults', () => {
    const group = parseGroup(groupYaml({ settle: '{ reads: 1 }', hooks: '{ quiesce: { exec: ["/bin/true"] } }' }));
    expect(group).toMatchObject({
      name: 'web-dr',
      region: 'KR1',
      rpoMaxMs: 15 * 60_000,
      settle: { reads: 1, intervalMs: 10_000, timeoutMs: 30 * 60_000 },
      hooks: { quiesce: { exec: ['/bin/true'], timeoutMs: 300_000 } },
      approval: 'required',
      fence: { acl: true },
      emergency: { probes: 3, windowMs: 120_000 },
    });
  });

  it.each([
    ['rpoMax: 15x', 'spec.rpoMax', /duration/],
    ['settle: { reads: 0 }', 'spec.settle.reads', /≥ 1/],
    ['settle: { interval: 500s0 }', 'spec.settle.interval', /duration/],
    ['hooks: { quiesce: { exec: ["/x"], http: { url: "https://h/x" } } }', 'spec.hooks.quiesce', /exactly one/],
    ['hooks: { launch: { exec: ["/x"] } }', 'spec.hooks', /unknown key/],
    ['approval: maybe', 'spec.approval', /required or none/],
  ])('refuses %s with file:line and the field', (line, path, message) => {
    const [key, value] = line.split(/: (.*)/s);
    const { errors } = parseGroupText(groupYaml({ [key!]: value! }), 'g.yaml', 'KR1');
    expect(errors.length).toBeGreaterThan(0);
    const error = errors[0]!;
    expect(error.format()).toMatch(/^g\.yaml:\d+:\d+: /);
    expect(error.path.startsWith(path)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('interval must be at least 1s', () => {
    const { errors } = parseGroupText(groupYaml({ settle: '{ interval: 0s }' }), 'g.yaml', 'KR1');
    expect(errors[0]!.format()).toMatch(/g\.yaml:9:\d+: spec\.settle\.interval: must be at least 1s/);
  });

  it('lives beside policies in one file: the policy parser skips it', () => {
    const text = `${groupYaml()}---\napiVersion: nasorch/v1\nkind: Policy\nmetadata: { name: web }\nspec:\n  volumes: { names: [prod-web] }\n  usage: {}\n`;
    expect(parsePolicyText(text, 'all.yaml', { defaultRegion: 'KR1' }).errors).toEqual([]);
    expect(parseGroupText(text, 'all.yaml', 'KR1').groups.map((g) => g.name)).toEqual(['web-dr']);
  });

  it('rejects a policy whose snapshot prefix overlaps the reserved nasorch-failover- namespace', () => {
    const policy = (prefix: string) =>
      `apiVersion: nasorch/v1\nkind: Policy\nmetadata: { name: web }\nspec:\n  volumes: { names: [prod-web] }\n  snapshot:\n    schedule: "0 * * * *"\n    prefix: ${prefix}\n    retention: { keepLast: 3 }\n`;
    for (const prefix of ['nasorch-failover-x-', 'nasorch-', 'nasorch-fail']) {
      const { errors } = parsePolicyText(policy(prefix), 'p.yaml', { defaultRegion: 'KR1' });
      expect(errors.map((e) => e.format())).toEqual([expect.stringMatching(/^p\.yaml:8:\d+: spec\.snapshot\.prefix: .*reserved for failover runs/)]);
    }
    expect(parsePolicyText(policy('nasorch-web-'), 'p.yaml', { defaultRegion: 'KR1' }).errors).toEqual([]);
  });

  it('durations and run snapshot names', () => {
    expect(parseFailoverDuration('1h30m')).toBe(5_400_000);
    expect(parseFailoverDuration('2x')).toBeNull();
    expect(runSnapshotName('0123abcd-ef01-2345-6789-abcdefabcdef', 'pre', 'prod-web')).toBe('nasorch-failover-0123abcd-pre-prod-web');
    expect(runSnapshotName('0123abcd-ef01', 'point', 'v'.repeat(300)).length).toBe(255);
  });

  it('the committed JSON Schema is current (npm run schema)', () => {
    expect(readFileSync(FAILOVER_GROUP_JSON_SCHEMA_FILE, 'utf8')).toBe(renderFailoverGroupJsonSchema());
  });
});
