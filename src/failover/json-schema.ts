// The JSON Schema of FailoverGroup documents (schema/failover-group.schema.json), generated from
// the zod schema by `npm run schema`; a test fails when the committed file is stale.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FailoverGroupDocumentSchema } from './group.ts';

export const FAILOVER_GROUP_JSON_SCHEMA_FILE = fileURLToPath(new URL('../../schema/failover-group.schema.json', import.meta.url));

export function renderFailoverGroupJsonSchema(): string {
  const generated = z.toJSONSchema(FailoverGroupDocumentSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  return `${JSON.stringify({ $schema, $id: 'urn:nasorch:schema:failover-group:v1', ...rest }, null, 2)}\n`;
}
