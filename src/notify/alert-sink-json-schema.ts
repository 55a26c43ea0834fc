// The JSON Schema of AlertSink documents (schema/alert-sink.schema.json), generated from the zod
// schema like the policy one; `npm run schema` writes both and a test fails when one is stale.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AlertSinkDocumentSchema } from './alert-sink-schema.ts';

export const ALERT_SINK_JSON_SCHEMA_ID = 'urn:nasorch:schema:alert-sink:v1';
export const ALERT_SINK_JSON_SCHEMA_FILE = fileURLToPath(new URL('../../schema/alert-sink.schema.json', import.meta.url));

export function renderAlertSinkJsonSchema(): string {
  const { $schema, ...rest } = z.toJSONSchema(AlertSinkDocumentSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ $schema, $id: ALERT_SINK_JSON_SCHEMA_ID, ...rest }, null, 2)}\n`;
}
