// `npm run schema`: rewrites the JSON Schemas of the config documents (policy, alert sink,
// failover group) from their zod schemas.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { ALERT_SINK_JSON_SCHEMA_FILE, renderAlertSinkJsonSchema } from '../notify/alert-sink-json-schema.ts';
import { POLICY_JSON_SCHEMA_FILE, renderPolicyJsonSchema } from './json-schema.ts';

const { FAILOVER_GROUP_JSON_SCHEMA_FILE, renderFailoverGroupJsonSchema } = await import('../failover/json-schema.ts');

for (const [file, render] of [
  [POLICY_JSON_SCHEMA_FILE, renderPolicyJsonSchema],
  [ALERT_SINK_JSON_SCHEMA_FILE, renderAlertSinkJsonSchema],
  [FAILOVER_GROUP_JSON_SCHEMA_FILE, renderFailoverGroupJsonSchema],
] as const) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, render());
  process.stdout.write(`wrote ${relative(process.cwd(), file)}\n`);
}
