import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';
import type { Policy } from '../../src/policy/policy.ts';

const options = { defaultRegion: 'kr1' };
const parse = (text: string, file = 'p.yaml') => parsePolicyText(text, file, options);
const formatted = (text: string) => parse(text).errors.map((e) => e.format());

/** A policy document whose `spec` body starts on line 6 (pass it indented by two spaces). */
const withSpec = (specBody: string, name = 'p') =>
  `apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n${specBody}`;

const FULL = `# a comment
apiVersion: nasorch/v1
kind: Policy
metadata:
  name: prod-daily
  description: Production, every 4 hours
spec:
  region: kr2
  timezone: asia/seoul
  volumes:
    names: [prod-db]
    nameContains: prod-
    ids: [FC8B111A-32B7-45D3-B123-FF3ECAAF768A]
  snapshot:
    schedule: "0 */4 * * *"
    prefix: "nasorch-prod-daily-"
    prune: false
    retention:
      keepLast: 3
      keepHourly: 0
      keepDaily: 7
      keepWeekly: 4
      keepMonthly: 12
      keepYearly: 1
      keepWithin: 1y6m
    maxDeletionsPerRun: 20
  replication:
    mirror: 8116892C-7306-48BE-9E3D-143311B2254C
    window: { start: "0 1 * * *", stop: "0 5 * * *" }
    rpo: 1d6h
    statSchedule: "*/5 * * * *"
  usage:
    schedule: "*/30 * * * * *"
    warnPercent: 70.5
    criticalPercent: 95
`;

describe('parsePolicyText: valid policies', () => {
  it('normalises a policy that sets every field', () => {
    const { policies, errors } = parse(FULL);
    expect(errors).toEqual([]);
    expect(policies).toEqual<Policy[]>([
      {
        name: 'prod-daily',
        description: 'Production, every 4 hours',
        region: 'KR2',
        timezone: 'Asia/Seoul',
        volumes: { names: ['prod-db'], nameContains: ['prod-'], ids: ['fc8b111a-32b7-45d3-b123-ff3ecaaf768a'] },
        snapshot: {
          schedule: '0 */4 * * *',
          prefix: 'nasorch-prod-daily-',
          prune: false,
          retention: {
            keepLast: 3,
            keepHourly: 0,
            keepDaily: 7,
            keepWeekly: 4,
            keepMonthly: 12,
            keepYearly: 1,
            keepWithin: { years: 1, months: 6, days: 0, hours: 0 },
          },
          maxDeletionsPerRun: 20,
        },
        replication: {
          mirror: { id: '8116892c-7306-48be-9e3d-143311b2254c' },
          window: { start: '0 1 * * *', stop: '0 5 * * *' },
          rpo: { duration: { years: 0, months: 0, days: 1, hours: 6 }, ms: 30 * 3600_000 },
          statSchedule: '*/5 * * * *',
        },
        usage: { schedule: '*/30 * * * * *', warnPercent: 70.5, criticalPercent: 95 },
        source: { file: 'p.yaml', documentIndex: 0, line: 5, col: 9 },
      },
    ]);
  });

  it('applies the defaults of every section', () => {
    const text = withSpec(`  volumes: { nameContains: [prod-, db-] }
  snapshot:
    schedule: "0 3 * * *"
    retention: { keepLast: 1 }
  replication: {}
  usage: {}
`);
    const { policies, errors } = parse(text);
    expect(errors).toEqual([]);
    const [policy] = policies;
    expect(policy).toMatchObject({
      name: 'p',
      region: 'KR1', // the loader's default region, upper-cased
      timezone: 'UTC',
      volumes: { names: [], nameContains: ['prod-', 'db-'], ids: [] },
      snapshot: {
        prefix: 'nasorch-p-',
        prune: true,
        maxDeletionsPerRun: 10,
        retention: { keepLast: 1, keepHourly: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 },
      },
      replication: { mirror: 'auto', statSchedule: '*/10 * * * *' },
      usage: { schedule: '*/15 * * * *', warnPercent: 80, criticalPercent: 90 },
    });
    expect(policy!.snapshot!.retention.keepWithin).toBeUndefined();
    expect(policy!.replication!.rpo).toBeUndefined();
    expect(policy!.replication!.window).toBeUndefined();
    expect(policy).not.toHaveProperty('description');
  });

  it('leaves out the sections a policy does not have', () => {
    const { policies } = parse(withSpec('  volumes: { names: [a] }\n  usage: {}\n'));
    expect(policies[0]).not.toHaveProperty('snapshot');
    expect(policies[0]).not.toHaveProperty('replication');
  });

  it('reads several documents per file, skipping empty ones, and records each source', () => {
    const text = `---
# only a comment
---
${withSpec('  volumes: { names: [a] }\n  usage: {}\n', 'first')}
---
${withSpec('  volumes: { names: [b] }\n  usage: {}\n', 'second')}
---
`;
    const { policies, errors } = parse(text, 'multi.yaml');
    expect(errors).toEqual([]);
    expect(policies.map((p) => [p.name, p.source])).toEqual([
      ['first', { file: 'multi.yaml', documentIndex: 1, line: 7, col: 9 }],
      ['second', { file: 'multi.yaml', documentIndex: 2, line: 16, col: 9 }],
    ]);
  });

  it('accepts a file with no documents at all', () => {
    expect(parse('# nothing here yet\n')).toEqual({ policies: [], sinks: [], errors: [] });
    expect(parse('')).toEqual({ policies: [], sinks: [], errors: [] });
  });
});

describe('parsePolicyText: field rules, each at its exact position', () => {
  it.each([
    ['a negative keep count', '    retention: { keepDaily: -1 }', 'p.yaml:9:29: spec.snapshot.retention.keepDaily: expected a non-negative integer, got -1'],
    ['a fractional keep count', '    retention: { keepLast: 1.5 }', 'p.yaml:9:28: spec.snapshot.retention.keepLast: expected a non-negative integer, got 1.5'],
    ['a keep count in quotes', '    retention: { keepLast: "3" }', 'p.yaml:9:28: spec.snapshot.retention.keepLast: expected a non-negative integer, got "3"'],
    [
      'no retention rule with a positive value',
      '    retention: { keepLast: 0, keepDaily: 0 }',
      'p.yaml:9:16: spec.snapshot.retention: needs at least one rule with a positive value (keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin)',
    ],
    [
      'a bad keepWithin duration',
      '    retention: { keepWithin: 2w }',
      'p.yaml:9:30: spec.snapshot.retention.keepWithin: expected a duration such as 36h, 2d or 1y6m (units y, m, d, h), got "2w"',
    ],
    ['a zero keepWithin duration', '    retention: { keepWithin: 0d }', 'p.yaml:9:30: spec.snapshot.retention.keepWithin: duration "0d" is zero'],
  ])('rejects %s', (_, retentionLine, expected) => {
    const text = withSpec(`  volumes: { names: [a] }\n  snapshot:\n    schedule: "0 3 * * *"\n${retentionLine}\n`);
    expect(formatted(text)).toEqual([expected]);
  });

  it.each([
    ['a cron pattern with too few fields', '    schedule: "0 3 *"', 'p.yaml:8:15: spec.snapshot.schedule: expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 3 fields in "0 3 *"'],
    ['a cron pattern with too many fields', '    schedule: "0 0 3 * * * 2030"', 'p.yaml:8:15: spec.snapshot.schedule: expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 7 fields in "0 0 3 * * * 2030"'],
    ['a cron value out of range', '    schedule: "0 25 * * *"', 'p.yaml:8:15: spec.snapshot.schedule: invalid cron pattern "0 25 * * *": Constraint error, got value 25 expected range 0-23'],
    ['a cron pattern that is not a text', '    schedule: 5', 'p.yaml:8:15: spec.snapshot.schedule: expected a cron pattern in quotes, e.g. "0 */4 * * *", got 5'],
    ['an empty prefix', '    prefix: ""', 'p.yaml:8:13: spec.snapshot.prefix: expected a non-empty prefix of letters, digits, \'-\', \'_\' and \'.\' (at most 128 characters), got ""'],
    ['a prefix with a space', '    prefix: "my snaps-"', 'p.yaml:8:13: spec.snapshot.prefix: expected a non-empty prefix of letters, digits, \'-\', \'_\' and \'.\' (at most 128 characters), got "my snaps-"'],
    ['prune as yes', '    prune: yes', 'p.yaml:8:12: spec.snapshot.prune: expected true or false, got "yes"'],
    ['a zero deletion budget', '    maxDeletionsPerRun: 0', 'p.yaml:8:25: spec.snapshot.maxDeletionsPerRun: expected a positive integer, got 0'],
  ])('rejects %s', (_, snapshotLine, expected) => {
    const lines = ['  volumes: { names: [a] }', '  snapshot:', snapshotLine];
    if (!snapshotLine.includes('schedule')) lines.push('    schedule: "0 3 * * *"');
    lines.push('    retention: { keepLast: 1 }');
    expect(formatted(withSpec(`${lines.join('\n')}\n`))).toEqual([expected]);
  });

  it.each([
    ['an unknown time zone', '  timezone: Asia/Seol', 'p.yaml:6:13: spec.timezone: unknown time zone "Asia/Seol": expected an IANA name such as Asia/Seoul or UTC'],
    ['a UTC offset instead of a zone', '  timezone: "+09:00"', 'p.yaml:6:13: spec.timezone: unknown time zone "+09:00": expected an IANA name such as Asia/Seoul or UTC'],
    ['a malformed region', '  region: Korea', 'p.yaml:6:11: spec.region: expected a region such as KR1, got "Korea"'],
  ])('rejects %s', (_, specLine, expected) => {
    expect(formatted(withSpec(`${specLine}\n  volumes: { names: [a] }\n  usage: {}\n`))).toEqual([expected]);
  });

  it.each([
    ['a bad mirror', '    mirror: primary', 'p.yaml:8:13: spec.replication.mirror: expected "auto" or a mirror id (UUID), got "primary"'],
    ['an RPO in months', '    rpo: 30m', 'p.yaml:8:10: spec.replication.rpo: expected hours or days (e.g. 6h, 1d) — "30m" uses y or m, and m means months'],
    ['a malformed RPO', '    rpo: 6 hours', 'p.yaml:8:10: spec.replication.rpo: expected a duration such as 36h, 2d or 1y6m (units y, m, d, h), got "6 hours"'],
    ['a bad stat schedule', '    statSchedule: "*/10 * * *"', 'p.yaml:8:19: spec.replication.statSchedule: expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 4 fields in "*/10 * * *"'],
    ['a bad window start', '    window: { start: "0 1 * * 8", stop: "0 5 * * *" }', 'p.yaml:8:22: spec.replication.window.start: invalid cron pattern "0 1 * * 8": Constraint error, got value 8 expected range 0-7'],
    ['a window without stop', '    window: { start: "0 1 * * *" }', 'p.yaml:8:13: spec.replication.window.stop: required key is missing'],
    ['a window that stops when it starts', '    window: { start: "0 1 * * *", stop: "0 1 * * *" }', 'p.yaml:8:41: spec.replication.window.stop: the window stops at the moment it starts: use different patterns'],
  ])('rejects %s', (_, replicationLine, expected) => {
    expect(formatted(withSpec(`  volumes: { names: [a] }\n  replication:\n${replicationLine}\n`))).toEqual([expected]);
  });

  it.each([
    ['warn equal to critical', '    warnPercent: 90', 'p.yaml:8:18: spec.usage.warnPercent: warnPercent (90) must be lower than criticalPercent (90)'],
    ['warn above critical', '    warnPercent: 95\n    criticalPercent: 85', 'p.yaml:8:18: spec.usage.warnPercent: warnPercent (95) must be lower than criticalPercent (85)'],
    ['a percentage above 100', '    criticalPercent: 120', 'p.yaml:8:22: spec.usage.criticalPercent: expected a percentage from 1 to 100, got 120'],
    ['a percentage of 0', '    warnPercent: 0', 'p.yaml:8:18: spec.usage.warnPercent: expected a percentage from 1 to 100, got 0'],
    ['an empty usage section', '', 'p.yaml:7:3: spec.usage: expected a mapping (use {} for all defaults), got an empty value'],
  ])('rejects %s', (_, usageLines, expected) => {
    expect(formatted(withSpec(`  volumes: { names: [a] }\n  usage:\n${usageLines}\n`))).toEqual([expected]);
  });

  it('compares warnPercent with the default criticalPercent', () => {
    expect(formatted(withSpec('  volumes: { names: [a] }\n  usage: { warnPercent: 95 }\n'))).toEqual([
      'p.yaml:7:25: spec.usage.warnPercent: warnPercent (95) must be lower than criticalPercent (90)',
    ]);
  });

  it.each([
    ['an empty selector', '  volumes: {}', 'p.yaml:6:12: spec.volumes: select volumes with at least one of names, nameContains or ids'],
    ['only empty lists', '  volumes: { names: [], ids: [] }', 'p.yaml:6:12: spec.volumes: select volumes with at least one of names, nameContains or ids'],
    ['a volume id that is not a UUID', '  volumes: { ids: [fc8b111a] }', 'p.yaml:6:20: spec.volumes.ids[0]: expected a volume id (UUID), got "fc8b111a"'],
    ['names given as one text', '  volumes: { names: prod-db }', 'p.yaml:6:21: spec.volumes.names: expected a list of volume names, got "prod-db"'],
    ['an empty nameContains', '  volumes: { nameContains: "" }', 'p.yaml:6:28: spec.volumes.nameContains: expected a non-empty text, got ""'],
  ])('rejects %s', (_, volumesLine, expected) => {
    expect(formatted(withSpec(`${volumesLine}\n  usage: {}\n`))).toEqual([expected]);
  });

  it('requires at least one of snapshot, replication and usage', () => {
    expect(formatted(withSpec('  volumes: { names: [a] }\n'))).toEqual([
      'p.yaml:6:3: spec: a policy needs at least one of snapshot, replication, usage',
    ]);
  });

  it.each([
    ['an upper-case name', 'Prod'],
    ['an underscore', 'prod_daily'],
    ['a trailing dash', 'prod-'],
    ['64 characters', 'a'.repeat(64)],
  ])('rejects a policy name with %s', (_, name) => {
    expect(formatted(withSpec('  volumes: { names: [a] }\n  usage: {}\n', name))).toEqual([
      `p.yaml:4:9: metadata.name: expected a name of lowercase letters, digits and '-' (at most 63, starting and ending with a letter or digit), got "${name}"`,
    ]);
  });

  it('accepts a 63-character name', () => {
    expect(formatted(withSpec('  volumes: { names: [a] }\n  usage: {}\n', 'a'.repeat(63)))).toEqual([]);
  });
});

describe('parsePolicyText: unknown and missing keys', () => {
  it('reports a typo at the key, with the key it probably meant, at every level', () => {
    const text = `apiVersion: nasorch/v1
kind: Policy
metadata:
  name: p
  lables: {team: sre}
spec:
  timezon: UTC
  volumes: { names: [a] }
  snapshot:
    schedule: "0 3 * * *"
    prnue: false
    retention:
      keepLast: 3
      keepDialy: 7
status: {}
`;
    expect(formatted(text)).toEqual([
      'p.yaml:5:3: metadata.lables: unknown key (expected one of: name, description)',
      'p.yaml:7:3: spec.timezon: unknown key (did you mean "timezone"?)',
      'p.yaml:11:5: spec.snapshot.prnue: unknown key (did you mean "prune"?)',
      'p.yaml:14:7: spec.snapshot.retention.keepDialy: unknown key (did you mean "keepDaily"?)',
      'p.yaml:15:1: status: unknown key (expected one of: apiVersion, kind, metadata, spec)',
    ]);
  });

  it('reports a missing key at the mapping that should hold it', () => {
    const text = `apiVersion: nasorch/v1
kind: Policy
metadata:
  description: no name
spec:
  usage: {}
  snapshot:
    retention: { keepLast: 1 }
`;
    expect(formatted(text)).toEqual([
      'p.yaml:4:3: metadata.name: required key is missing',
      'p.yaml:6:3: spec.volumes: required key is missing',
      'p.yaml:8:5: spec.snapshot.schedule: required key is missing',
    ]);
  });

  it('reports a document that is not a mapping', () => {
    expect(formatted('just a string\n')).toEqual([
      'p.yaml:1:1: expected a nasorch document (a mapping with apiVersion, kind, metadata and spec), got "just a string"',
    ]);
  });
});

describe('parsePolicyText: other YAML documents and YAML errors', () => {
  it('refuses a document of another kind with one error per header field', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec: { replicas: 3 }
`;
    expect(formatted(text)).toEqual([
      'p.yaml:1:13: apiVersion: expected "nasorch/v1", got "apps/v1" (policy files may only hold nasorch documents)',
      'p.yaml:2:7: kind: expected "Policy", "AlertSink" or "FailoverGroup", got "Deployment" (policy files may only hold nasorch documents)',
    ]);
  });

  it('reports YAML syntax errors at their position', () => {
    expect(formatted('apiVersion: nasorch/v1\nkind: "Policy\n')).toEqual(['p.yaml:3:1: YAML syntax error: Missing closing "quote']);
  });

  it('refuses duplicate keys (a second value must not silently win)', () => {
    const text = withSpec('  volumes: { names: [a] }\n  snapshot:\n    schedule: "0 3 * * *"\n    prune: false\n    prune: true\n    retention: { keepLast: 1 }\n');
    expect(formatted(text)).toEqual(['p.yaml:10:5: YAML syntax error: duplicate key "prune" (first at line 9, column 5): map keys must be unique']);
  });

  it('explains an unquoted cron pattern (YAML reads * as an alias)', () => {
    const hint = 'a value starting with * is a YAML alias: put cron patterns in quotes, e.g. "*/10 * * * *"';
    expect(formatted(withSpec('  volumes: { names: [a] }\n  usage:\n    schedule: */5 * * * *\n'))).toEqual([
      `p.yaml:8:19: YAML syntax error: Unexpected alias at node end (${hint})`,
    ]);
    expect(formatted(withSpec('  volumes: { names: [a] }\n  usage:\n    schedule: */5\n'))).toEqual([
      `p.yaml:8:15: spec.usage.schedule: YAML alias "*/5" refers to no anchor (${hint})`,
    ]);
  });

  it('keeps checking the other documents of a file after a broken one', () => {
    const text = `${withSpec('  volumes: { names: [a] }\n  usage: { warnPercent: 0 }\n', 'one')}---
key: [unclosed
---
${withSpec('  volumes: { names: [b] }\n  usage: { criticalPercent: 101 }\n', 'three')}`;
    const result = parse(text);
    expect(result.errors.map((e) => `${e.line}: ${e.path}`)).toEqual(['7: spec.usage.warnPercent', '10: ', '17: spec.usage.criticalPercent']);
    expect(result.policies).toEqual([]);
  });
});

describe('parsePolicyText: rules across documents', () => {
  const usagePolicy = (name: string) => withSpec('  volumes: { names: [a] }\n  usage: {}\n', name);
  const snapshotPolicy = (name: string, volumes: string, prefix?: string) =>
    withSpec(
      `  volumes: ${volumes}\n  snapshot:\n    schedule: "0 3 * * *"\n${prefix ? `    prefix: ${prefix}\n` : ''}    retention: { keepLast: 1 }\n`,
      name,
    );

  it('names both places of a duplicate policy name', () => {
    const text = `${usagePolicy('same')}---\n${usagePolicy('same')}`;
    expect(formatted(text)).toEqual(['p.yaml:12:9: metadata.name: policy name "same" is already used at p.yaml:4:9']);
  });

  it('refuses snapshot prefixes where one starts with the other on volumes both may select', () => {
    const text = `${snapshotPolicy('prod', '{ nameContains: prod- }')}---\n${snapshotPolicy('prod-daily', '{ names: [prod-db] }')}`;
    expect(formatted(text)).toEqual([
      'p.yaml:14:9: spec.snapshot.prefix: snapshot prefix "nasorch-prod-daily-" overlaps the prefix "nasorch-prod-" of policy "prod" (p.yaml:4:9); ' +
        "on a volume both select, pruning one would delete the other's snapshots — set spec.snapshot.prefix so that neither prefix starts with the other",
    ]);
  });

  it('refuses the same explicit prefix twice, pointing at the prefix', () => {
    const text = `${snapshotPolicy('a', '{ names: [x] }', 'snap-')}---\n${snapshotPolicy('b', '{ ids: [fc8b111a-32b7-45d3-b123-ff3ecaaf768a] }', 'snap-')}`;
    expect(formatted(text)).toEqual([
      expect.stringMatching(/^p\.yaml:20:13: spec\.snapshot\.prefix: snapshot prefix "snap-" is the same as the prefix "snap-" of policy "a" \(p\.yaml:9:13\)/),
    ]);
  });

  it('allows overlapping prefixes when the selectors name different volumes, or in different regions', () => {
    const disjoint = `${snapshotPolicy('prod', '{ names: [prod-db] }')}---\n${snapshotPolicy('prod-daily', '{ names: [prod-web] }')}`;
    expect(formatted(disjoint)).toEqual([]);
    const otherRegion = `${snapshotPolicy('prod', '{ nameContains: prod- }')}---\n${snapshotPolicy('prod-daily', '{ nameContains: prod- }').replace('spec:\n', 'spec:\n  region: KR2\n')}`;
    expect(formatted(otherRegion)).toEqual([]);
  });
});
