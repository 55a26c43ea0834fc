// `npm run schema`: rewrites schema/policy.schema.json from the zod policy schema.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { POLICY_JSON_SCHEMA_FILE, renderPolicyJsonSchema } from './json-schema.ts';

await mkdir(dirname(POLICY_JSON_SCHEMA_FILE), { recursive: true });
await writeFile(POLICY_JSON_SCHEMA_FILE, renderPolicyJsonSchema());
process.stdout.write(`wrote ${relative(process.cwd(), POLICY_JSON_SCHEMA_FILE)}\n`);

const { FAILOVER_GROUP_JSON_SCHEMA_FILE, renderFailoverGroupJsonSchema } = await import('../failover/json-schema.ts');
await writeFile(FAILOVER_GROUP_JSON_SCHEMA_FILE, renderFailoverGroupJsonSchema());
process.stdout.write(`wrote ${relative(process.cwd(), FAILOVER_GROUP_JSON_SCHEMA_FILE)}\n`);
