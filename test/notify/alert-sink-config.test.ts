// AlertSink documents beside policies: parsed and checked like them (file:line:col errors),
// shipped as a JSON Schema, and counted by `nasorch validate`.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/validate-command.ts';
import { ALERT_SINK_JSON_SCHEMA_FILE, renderAlertSinkJsonSchema } from '../../src/notify/alert-sink-json-schema.ts';
import { sinkMatches } from '../../src/notify/alert-sink.ts';
import { loadPolicyDir } from '../../src/policy/load-policies.ts';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';

const options = { defaultRegion: 'KR1' };
const sinkYaml = (name: string, spec: string) => `apiVersion: nasorch/v1\nkind: AlertSink\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const policyYaml = (name: string) => `apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n  volumes: { names: [a] }\n  usage: {}\n`;
const ONCALL = sinkYaml(
  'oncall',
  `  type: webhook
  url: https://hooks.example.com/nasorch
  secretEnv: NASORCH_ONCALL_SECRET
  match: { severity: [critical], policies: [prod-daily] }
  repeatInterval: 4h
`,
);

describe('AlertSink documents', () => {
  it('parse beside policies into normalised sinks', () => {
    const parsed = parsePolicyText(`${policyYaml('prod-daily')}---\n${ONCALL}`, 'config.yaml', options);
    expect(parsed.errors).toEqual([]);
    expect(parsed.policies.map((p) => p.name)).toEqual(['prod-daily']);
    expect(parsed.sinks).toEqual([
      {
        name: 'oncall',
        type: 'webhook',
        url: 'https://hooks.example.com/nasorch',
        secretEnv: 'NASORCH_ONCALL_SECRET',
        match: { severity: ['critical'], policies: ['prod-daily'] },
        repeatIntervalMs: 4 * 3600_000,
        source: { file: 'config.yaml', documentIndex: 1, line: 12, col: 9 },
      },
    ]);
  });

  it('report each problem at its line and column, one line each', () => {
    const text = sinkYaml(
      'chat',
      `  type: teams
  url: ftp://x
  secretEnv: 1BAD
  match: { severity: [urgent], polices: [a] }
  repeatInterval: 30m
  timeout: 5
`,
    );
    expect(parsePolicyText(text, 's.yaml', options).errors.map((e) => e.format())).toEqual([
      's.yaml:6:9: spec.type: expected one of webhook, slack, alertmanager, got "teams"',
      's.yaml:7:8: spec.url: expected an http(s) URL, got "ftp://x"',
      's.yaml:8:14: spec.secretEnv: expected an environment variable name such as NASORCH_ONCALL_SECRET, got "1BAD"',
      's.yaml:9:23: spec.match.severity[0]: expected warning or critical, got "urgent"',
      's.yaml:9:32: spec.match.polices: unknown key (did you mean "policies"?)',
      's.yaml:10:19: spec.repeatInterval: expected hours or days (e.g. 6h, 1d) — "30m" uses y or m, and m means months',
      's.yaml:11:3: spec.timeout: unknown key (expected one of: type, url, secretEnv, match, repeatInterval)',
    ]);
  });

  it('are checked across files: unique names, and match.policies must name a policy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nasorch-sinks-'));
    try {
      await writeFile(join(dir, 'a.yaml'), `${policyYaml('prod-weekly')}---\n${ONCALL}`);
      await writeFile(join(dir, 'b.yaml'), sinkYaml('oncall', '  type: slack\n  url: https://hooks.slack.com/services/x\n'));
      const { errors, sinks, policies } = await loadPolicyDir(dir, options);
      expect(errors.map((e) => e.format())).toEqual([
        `${join(dir, 'a.yaml')}:17:45: spec.match.policies[0]: no policy named "prod-daily" (policies: prod-weekly)`,
        `${join(dir, 'b.yaml')}:4:9: metadata.name: alert sink name "oncall" is already used at ${join(dir, 'a.yaml')}:12:9`,
      ]);
      expect([sinks, policies]).toEqual([[], []]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a document of an unknown kind names the kinds there are', () => {
    expect(parsePolicyText('apiVersion: nasorch/v1\nkind: AlertSinks\n', 'p.yaml', options).errors.map((e) => e.format())).toEqual([
      'p.yaml:2:7: kind: expected "Policy", "AlertSink" or "FailoverGroup", got "AlertSinks" (policy files may only hold nasorch documents)',
    ]);
  });

  it('route by severity and policy; no policy criterion means every alert', () => {
    const sink = { match: { severity: ['critical' as const], policies: ['p'] } } as Parameters<typeof sinkMatches>[0];
    expect(sinkMatches(sink, { severity: 'critical', policy: 'p' })).toBe(true);
    expect(sinkMatches(sink, { severity: 'warning', policy: 'p' })).toBe(false);
    expect(sinkMatches(sink, { severity: 'critical', policy: null })).toBe(false);
    const all = { match: { severity: [], policies: [] } } as unknown as Parameters<typeof sinkMatches>[0];
    expect(sinkMatches(all, { severity: 'warning', policy: null })).toBe(true);
  });
});

describe('schema/alert-sink.schema.json', () => {
  it('is what `npm run schema` generates, and accepts the documented example', async () => {
    expect(await readFile(ALERT_SINK_JSON_SCHEMA_FILE, 'utf8')).toBe(renderAlertSinkJsonSchema());
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(renderAlertSinkJsonSchema()));
    const example = {
      apiVersion: 'nasorch/v1',
      kind: 'AlertSink',
      metadata: { name: 'oncall' },
      spec: { type: 'webhook', url: 'https://hooks.example.com/nasorch', secretEnv: 'NASORCH_ONCALL_SECRET', match: { severity: ['critical'] }, repeatInterval: '4h' },
    };
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...example, spec: { ...example.spec, type: 'email' } })).toBe(false);
  });
});

describe('nasorch validate with sinks', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nasorch-validate-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('counts policies and sinks; takes --config and NASORCH_CONFIG when no path is given', async () => {
    await writeFile(join(dir, 'all.yaml'), `${policyYaml('prod-daily')}---\n${ONCALL}`);
    let out = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, env: {} };
    expect(await runValidate([], io, { config: dir })).toBe(0);
    expect(out).toBe('1 policy and 1 alert sink in 1 file are valid\n');
    out = '';
    expect(await runValidate([], { ...io, env: { NASORCH_CONFIG: dir } })).toBe(0);
    expect(out).toBe('1 policy and 1 alert sink in 1 file are valid\n');
  });
});
