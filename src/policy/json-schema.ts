// The JSON Schema of policy files, generated from the zod schema so the two cannot drift. The
// generated file (schema/policy.schema.json) is committed so editors can validate policy YAML;
// `npm run schema` regenerates it and a test fails when it is stale.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PolicyDocumentSchema } from './policy-schema.ts';

export const POLICY_JSON_SCHEMA_ID = 'urn:nasorch:schema:policy:v1';
export const POLICY_JSON_SCHEMA_FILE = fileURLToPath(new URL('../../schema/policy.schema.json', import.meta.url));

export function buildPolicyJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what users write: keys with defaults are optional.
  const generated = z.toJSONSchema(PolicyDocumentSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  return { $schema, $id: POLICY_JSON_SCHEMA_ID, ...rest };
}

/** The exact text of the committed file. */
export function renderPolicyJsonSchema(): string {
  return `${JSON.stringify(buildPolicyJsonSchema(), null, 2)}\n`;
}
