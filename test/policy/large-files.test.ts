// Large policy files: a per-file size cap with a one-line error, a duplicate-key check that is
// linear in the file's size, and a daemon whose /healthz keeps answering while it parses one.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/validate-command.ts';
import type { LoadOptions } from '../../src/policy/load-policies.ts';
import { loadPolicyDir } from '../../src/policy/load-policies.ts';
import { WorkerPolicyLoader } from '../../src/policy/load-in-worker.ts';
import { parsePolicyText } from '../../src/policy/parse-policy-text.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { largeMapping, largeValidPolicy } from '../support/policy-files.ts';

const MiB = 1024 * 1024;
const options = { defaultRegion: 'KR1' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nasorch-large-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function captureIo(env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => void (out += s) }, stderr: { write: (s: string) => void (err += s) }, env } as never,
    stdout: () => out,
    stderr: () => err,
  };
}

describe('the policy file size cap', () => {
  it('refuses a file over the default 1 MiB, unread, in one line naming the file, both sizes and the setting', async () => {
    const file = join(dir, 'big.yaml');
    await writeFile(file, largeValidPolicy('big', MiB + 10));
    await writeFile(join(dir, 'small.yaml'), policyYaml('small', 'volumes: { names: [a] }\nusage: {}'));
    const { policies, errors } = await loadPolicyDir(dir, options);
    expect(policies).toEqual([]);
    const size = (await import('node:fs')).statSync(file).size;
    expect(errors.map((e) => e.format())).toEqual([`${file}: too large (${size} bytes, limit ${MiB}; NASORCH_POLICY_FILE_MAX_BYTES)`]);
  });

  it('takes the cap from NASORCH_POLICY_FILE_MAX_BYTES in `nasorch validate`', async () => {
    const file = join(dir, 'p.yaml');
    const text = policyYaml('p', 'volumes: { names: [a] }\nusage: {}');
    await writeFile(file, text);
    const small = captureIo({ NASORCH_POLICY_FILE_MAX_BYTES: String(text.length - 1) });
    expect(await runValidate([dir], small.io)).toBe(1);
    expect(small.stderr().split('\n')[0]).toBe(`${file}: too large (${text.length} bytes, limit ${text.length - 1}; NASORCH_POLICY_FILE_MAX_BYTES)`);

    const exact = captureIo({ NASORCH_POLICY_FILE_MAX_BYTES: String(text.length) });
    expect(await runValidate([dir], exact.io)).toBe(0);

    const bad = captureIo({ NASORCH_POLICY_FILE_MAX_BYTES: 'lots' });
    await expect(runValidate([dir], bad.io)).rejects.toThrow('setting NASORCH_POLICY_FILE_MAX_BYTES must be a positive whole number of bytes, got "lots"');
  });

  it('accepts a larger file when the cap is raised', async () => {
    await writeFile(join(dir, 'big.yaml'), largeValidPolicy('big', 2 * MiB));
    const { policies, errors } = await loadPolicyDir(dir, { ...options, maxFileBytes: 4 * MiB });
    expect(errors).toEqual([]);
    expect(policies[0]!.volumes.names.length).toBeGreaterThan(30_000);
  });
});

describe('the duplicate-key check', () => {
  // 40 000 keys: yaml's own check (quadratic) took about 100 s for this mapping; ours is linear.
  it('still finds a duplicate in a 2 MB mapping, at the later key, naming the first', () => {
    const text = largeMapping(40_000, { of: 17 });
    const { errors } = parsePolicyText(text, 'big.yaml', options);
    const line = 5 + 40_000 + 1;
    expect(errors.map((e) => e.format())).toEqual([
      `big.yaml:${line}:5: YAML syntax error: duplicate key "key-17" (first at line ${5 + 17 + 1}, column 5): map keys must be unique`,
    ]);
  });

  it('reports every duplicate, in nested maps and flow maps, and tells 1 from "1"', () => {
    const text = policyYaml('d', 'volumes: { names: [a], names: [b] }\nusage:\n  warnPercent: 50\n  warnPercent: 60\nlabels: { 1: a, "1": b }');
    expect(parsePolicyText(text, 'd.yaml', options).errors.map((e) => e.format())).toEqual([
      'd.yaml:6:26: YAML syntax error: duplicate key "names" (first at line 6, column 14): map keys must be unique',
      'd.yaml:9:5: YAML syntax error: duplicate key "warnPercent" (first at line 8, column 5): map keys must be unique',
    ]);
  });
});

describe('a daemon reloading a 2 MB policy file', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
    await stack.writePolicy('small.yaml', policyYaml('small', 'volumes: { names: [prod-web] }\nusage: {}'));
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('keeps answering /healthz while the file is parsed (in a worker thread)', async () => {
    // The worker reports when it starts parsing a file; answers that arrive after that report and
    // before the load ends were served while the parse ran. A parse on the main thread would
    // hold every answer back until it ends.
    const worker = new WorkerPolicyLoader();
    let parsingLarge = false;
    const reloadLoader = {
      async load(d: string, o: LoadOptions) {
        try {
          return await worker.load(d, { ...o, onParse: (file) => void (parsingLarge = file.endsWith('zz-large.yaml')) });
        } finally {
          parsingLarge = false;
        }
      },
      close: () => worker.close(),
    };
    const daemon = await stack.startDaemon({ policyFileMaxBytes: 4 * MiB, reloadLoader });
    // Named to be read last: no other file's reading can let answers through after its parse.
    await stack.writePolicy('zz-large.yaml', largeValidPolicy('large', 2.3 * MiB));

    let settled = false;
    const reload = daemon.reload('test').finally(() => {
      settled = true;
    });
    let answeredWhileParsing = 0;
    while (!settled) {
      const response = await fetch(`${daemon.httpUrl}/healthz`);
      expect(response.status).toBe(200);
      if (parsingLarge) answeredWhileParsing++;
    }
    expect(await reload).toEqual({ ok: true, errors: [] });
    expect(answeredWhileParsing).toBeGreaterThanOrEqual(3);
    expect(daemon.currentPolicies().map((p) => p.name).sort()).toEqual(['large', 'small']);
  });
});
