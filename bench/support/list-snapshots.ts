// Reference for bench/plan.ts: the I/O `plan` cannot avoid, alone — list every volume, then each
// volume's snapshots, 16 at a time within NAS_API_RATE_LIMIT — and nothing else.
import { ApiRateLimiter } from '../../src/coordination/api-rate-limiter.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { identitySettings, serviceSettings } from '../../src/settings/settings.ts';
import { VOLUME_LIST_PAGE_SIZE } from '../../src/orchestrator/volume-selection.ts';

const limiter = new ApiRateLimiter(null, { prefix: 'ref', requestsPerSecond: serviceSettings().apiRateLimitPerSecond });
const client = new NasConnection(identitySettings(), { client: { beforeRequest: () => limiter.take() } }).client('KR1');
const volumes = await client.listAllVolumes({ limit: VOLUME_LIST_PAGE_SIZE });
let next = 0;
let snapshots = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next < volumes.length) snapshots += (await client.listSnapshots(volumes[next++]!.id)).length;
  }),
);
process.stdout.write(`${volumes.length} volumes, ${snapshots} snapshots\n`);
