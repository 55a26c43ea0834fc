import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { POLICY_JSON_SCHEMA_FILE, POLICY_JSON_SCHEMA_ID, renderPolicyJsonSchema } from '../../src/policy/json-schema.ts';

const EXAMPLE_FILE = fileURLToPath(new URL('../../config/example.yaml', import.meta.url));

async function compileCommittedSchema() {
  const schema = JSON.parse(await readFile(POLICY_JSON_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  return new Ajv2020({ allErrors: true }).compile(schema);
}

const minimal = (spec: Record<string, unknown>) => ({ apiVersion: 'nasorch/v1', kind: 'Policy', metadata: { name: 'p' }, spec });

describe('schema/policy.schema.json', () => {
  it('is what `npm run schema` generates from the zod schema today', async () => {
    const committed = await readFile(POLICY_JSON_SCHEMA_FILE, 'utf8');
    // If this fails after a change to policy-schema.ts: run `npm run schema` and commit the file.
    expect(committed).toBe(renderPolicyJsonSchema());
  });

  it('identifies itself and describes every field', async () => {
    const schema = JSON.parse(await readFile(POLICY_JSON_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: POLICY_JSON_SCHEMA_ID, title: 'nasorch policy' });
    const undocumented: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const properties = (node as { properties?: Record<string, unknown> }).properties ?? {};
      for (const [key, child] of Object.entries(properties)) {
        const childPath = path ? `${path}.${key}` : key;
        if (!['apiVersion', 'kind', 'metadata'].includes(childPath) && !(child as { description?: string }).description) undocumented.push(childPath);
        walk(child, childPath);
      }
    };
    walk(schema, '');
    expect(undocumented).toEqual([]);
  });

  it('accepts the shipped example policy (as an editor would check it)', async () => {
    const validate = await compileCommittedSchema();
    const documents = parseAllDocuments(await readFile(EXAMPLE_FILE, 'utf8')).map((d) => d.toJS() as unknown);
    expect(documents).toHaveLength(2);
    for (const example of documents) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it('flags a typo, a missing section and a bad value like the loader does', async () => {
    const validate = await compileCommittedSchema();
    const typo = minimal({ volumes: { names: ['a'] }, snapshot: { schedule: '0 3 * * *', retention: { keepDialy: 7 } } });
    expect(validate(typo)).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({ instancePath: '/spec/snapshot/retention', keyword: 'additionalProperties', params: { additionalProperty: 'keepDialy' } }),
    );
    expect(validate(minimal({ volumes: { names: ['a'] } }))).toBe(false);
    expect(validate(minimal({ volumes: { names: ['a'] }, usage: { warnPercent: 0 } }))).toBe(false);
    expect(validate(minimal({ volumes: {}, usage: {} }))).toBe(false);
    expect(validate(minimal({ volumes: { names: ['a'] }, usage: {} }))).toBe(true);
  });
});
