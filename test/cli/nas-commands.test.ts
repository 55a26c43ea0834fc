// `nasorch nas …` run in-process through commander, with captured stdout/stderr and an
// environment pointing at the simulator.
import { Command } from 'commander';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/output.ts';
import { registerNasCommands, NasCommandError } from '../../src/cli/nas-commands.ts';
import { NasApiError } from '../../src/nas/errors.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { FAST_RETRY, MIRROR_APP, PASSWORD, requestsTo, startTestSimulator, VOL_APP, VOL_HOME, VOL_LOGS } from '../nas/support.ts';

let sim: RunningSimulator;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(() => {
  env = {
    NHN_IDENTITY_URL: sim.identityUrl,
    NHN_TENANT_ID: sim.credentials.tenantId,
    NHN_USERNAME: sim.credentials.username,
    NHN_API_PASSWORD: sim.credentials.password,
  };
  sim.setFaults({ rules: [] });
});

interface Run {
  stdout: string;
  stderr: string;
}

/** Parses `args` (after `nasorch`) like the real CLI; rejects with what the action threw. */
async function nasorch(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env };
  const program = new Command('nasorch').exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerNasCommands(program, io, { connectionOptions: { identity: { retry: FAST_RETRY }, client: { retry: FAST_RETRY } } });
  await program.parseAsync(['node', 'nasorch', ...args]);
  return { stdout: out.join(''), stderr: err.join('') };
}

async function failing(...args: string[]): Promise<Error> {
  const result = await nasorch(...args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(result).toBeInstanceOf(Error);
  return result as Error;
}

describe('volumes', () => {
  it('lists volumes as an aligned table', async () => {
    const { stdout, stderr } = await nasorch('nas', 'volumes', 'list', '--sort', 'name:asc');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+SIZE_GB\s+PROTOCOL\s+INTERFACES\s+MIRRORS\s+CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[1])).toEqual(['app-data', 'home', 'logs']);
    expect(lines.find((l) => l.startsWith(VOL_APP))).toContain('SOURCE→KR2');
    expect(stderr).toBe('');
  });

  it('prints the API objects with --json, filters included', async () => {
    const { stdout } = await nasorch('nas', 'volumes', 'list', '--json', '--min-size-gb', '400');
    const volumes = JSON.parse(stdout) as { id: string; name: string }[];
    expect(volumes.map((v) => v.id)).toEqual([VOL_LOGS]);
  });

  it('says on stderr when one page does not show everything', async () => {
    const { stdout, stderr } = await nasorch('nas', 'volumes', 'list', '--json', '--limit', '1');
    expect(JSON.parse(stdout)).toHaveLength(1);
    expect(stderr).toBe('showing 1 of 3 volumes (page 1); pass --all for every page\n');
    const all = await nasorch('nas', 'volumes', 'list', '--json', '--limit', '1', '--all');
    expect(JSON.parse(all.stdout)).toHaveLength(3);
    expect(all.stderr).toBe('');
  });

  it('names each malformed listing entry it leaves out on stderr, one line each (quirks mode)', async () => {
    sim.setQuirks({ malformedVolumes: true, nulls: true });
    try {
      const { stdout, stderr } = await nasorch('nas', 'volumes', 'list', '--json', '--all', '--limit', '2');
      expect((JSON.parse(stdout) as { name: string }[]).map((v) => v.name).sort()).toEqual(['app-data', 'home', 'logs']);
      expect(stderr).toBe(
        'skipped a malformed volume in the KR1 listing: volume #2 (id "quirk-unnamed-kr1", no name): name: Invalid input: expected string, received null\n' +
          'skipped a malformed volume in the KR1 listing: volume #3 (no id, name "quirk-no-id-kr1"): id: Invalid input: expected string, received null\n',
      );
      const table = await nasorch('nas', 'volumes', 'list');
      expect(table.stdout.trimEnd().split('\n')).toHaveLength(4);
    } finally {
      sim.setQuirks(false);
    }
  });

  it('shows one volume with its mirrors', async () => {
    const { stdout } = await nasorch('nas', 'volumes', 'get', VOL_APP);
    expect(stdout).toMatch(/^ID\s+vol-app-0001$/m);
    expect(stdout).toMatch(/^Size\s+300 GB$/m);
    expect(stdout).toContain('Mirrors');
    expect(stdout).toMatch(new RegExp(`^${MIRROR_APP}\\s+SOURCE`, 'm'));
  });

  it('uses --region for the other region', async () => {
    const { stdout } = await nasorch('nas', '--region', 'kr2', 'volumes', 'list', '--json');
    expect((JSON.parse(stdout) as { name: string }[]).map((v) => v.name)).toEqual(['app-data-replica']);
    env.NHN_REGION = 'KR2';
    const viaEnv = await nasorch('nas', 'volumes', 'list', '--json');
    expect((JSON.parse(viaEnv.stdout) as { name: string }[]).map((v) => v.name)).toEqual(['app-data-replica']);
  });

  it('rejects --page with --all', async () => {
    const err = await failing('nas', 'volumes', 'list', '--all', '--page', '2');
    expect(err.message).toBe('--page and --all do not go together (--all walks every page)');
  });

  it('rejects a malformed number before calling anything', async () => {
    const err = await failing('nas', 'volumes', 'list', '--size-gb', 'big');
    expect(err.message).toContain('expected a positive integer, got "big"');
  });
});

describe('snapshots', () => {
  it('creates, lists, shows and deletes a snapshot', async () => {
    const created = JSON.parse((await nasorch('nas', 'snapshots', 'create', VOL_LOGS, '--name', 'cli-snap', '--json')).stdout) as { id: string; name: string };
    expect(created.name).toBe('cli-snap');

    const table = (await nasorch('nas', 'snapshots', 'list', VOL_LOGS)).stdout;
    expect(table).toMatch(/^ID\s+NAME\s+TYPE\s+SIZE\s+PRESERVED\s+CREATED$/m);
    expect(table).toMatch(new RegExp(`^${created.id}\\s+cli-snap\\s+NORMAL\\s+[\\d.]+ (B|KiB|MiB|GiB)\\s+no\\s`, 'm'));

    const shown = (await nasorch('nas', 'snapshots', 'get', VOL_LOGS, created.id, '--reclaimable')).stdout;
    expect(shown).toMatch(/^Reclaimable\s+[\d.]+ (B|KiB|MiB|GiB)$/m);

    const refusal = await failing('nas', 'snapshots', 'delete', VOL_LOGS, created.id);
    expect(refusal).toBeInstanceOf(NasCommandError);
    expect(refusal.message).toBe(`refusing to delete snapshot ${created.id} of volume ${VOL_LOGS} without --yes`);
    expect(requestsTo(sim, 'DELETE /v1/volumes/:volumeId/snapshots/:snapshotId')).toHaveLength(0);

    const { stdout } = await nasorch('nas', 'snapshots', 'delete', VOL_LOGS, created.id, '--yes');
    expect(stdout).toBe(`deleted snapshot ${created.id} of volume ${VOL_LOGS} (KR1)\n`);
    expect(JSON.parse((await nasorch('nas', 'snapshots', 'list', VOL_LOGS, '--json')).stdout)).toEqual([]);
  });

  it('restores only with --yes, and shows the restore history', async () => {
    const refusal = await failing('nas', 'snapshots', 'restore', VOL_HOME, 'home-old');
    expect(refusal.message).toMatch(/^refusing to restore volume vol-home-0003 to snapshot home-old without --yes: .*deletes every snapshot newer/);
    expect(requestsTo(sim, 'POST /v1/volumes/:volumeId/snapshots/:snapshotId/restore')).toHaveLength(0);

    const { stdout } = await nasorch('nas', 'snapshots', 'restore', VOL_HOME, 'home-old', '--yes', '--json');
    expect(JSON.parse(stdout)).toEqual({ action: 'restoreSnapshot', region: 'KR1', volumeId: VOL_HOME, snapshotId: 'home-old', accepted: true });
    await sim.advance(60_000);

    const history = (await nasorch('nas', 'restore-histories', VOL_HOME)).stdout;
    expect(history).toMatch(/^REQUESTED\s+SNAPSHOT\s+SNAPSHOT_ID\s+RESULT/m);
    expect(history).toMatch(/\shome-1\s+home-old\s/);
  });
});

describe('usage and mirrors', () => {
  it('prints usage as a record', async () => {
    const { stdout } = await nasorch('nas', 'usage', VOL_APP);
    expect(stdout).toMatch(/^Used GB\s+\d+$/m);
    expect(stdout).toMatch(/^Snapshot reserve GB\s+\d+$/m);
  });

  it('prints the mirror status, and demands --yes for stop, start and invert', async () => {
    expect((await nasorch('nas', 'mirrors', 'stat', VOL_APP, MIRROR_APP)).stdout).toMatch(/^Status\s+(ACTIVE|UPDATING|PENDING)$/m);

    for (const verb of ['stop', 'start', 'invert']) {
      const refusal = await failing('nas', 'mirrors', verb, VOL_APP, MIRROR_APP);
      expect(refusal.message).toMatch(new RegExp(`^refusing to ${verb} mirror ${MIRROR_APP} without --yes: `));
    }
    expect(sim.requests().filter((r) => r.method === 'POST' && r.route.includes('volume-mirrors'))).toHaveLength(0);

    const stopped = await nasorch('nas', 'mirrors', 'stop', VOL_APP, MIRROR_APP, '--yes');
    expect(stopped.stdout).toContain(`stop of mirror ${MIRROR_APP} on volume ${VOL_APP} requested (KR1)`);
    await sim.advance(120_000);
    expect(JSON.parse((await nasorch('nas', 'mirrors', 'stat', VOL_APP, MIRROR_APP, '--json')).stdout)).toMatchObject({ status: 'HALT' });
    await nasorch('nas', 'mirrors', 'start', VOL_APP, MIRROR_APP, '--yes');
    await sim.advance(120_000);
    await nasorch('nas', 'mirrors', 'invert', VOL_APP, MIRROR_APP, '--yes');
  });
});

describe('failures', () => {
  it('names a missing setting', async () => {
    delete env.NHN_TENANT_ID;
    const err = await failing('nas', 'volumes', 'list');
    expect(err.message).toBe('missing required setting NHN_TENANT_ID (set it in the environment)');
  });

  it('explains an API failure in one line', async () => {
    const err = await failing('nas', 'volumes', 'get', 'no-such-volume');
    expect(err).toBeInstanceOf(NasApiError);
    expect(err.message).toMatch(/^GET \/v1\/volumes\/no-such-volume \(KR1\) failed: 404 .*\[resultCode 404\]$/);
  });

  it('explains wrong credentials without echoing the password', async () => {
    env.NHN_API_PASSWORD = 'not-the-password-42';
    const err = await failing('nas', 'volumes', 'list');
    expect(err.message).toBe(`authentication failed for user ${sim.credentials.username} in tenant ${sim.credentials.tenantId} (check NHN_USERNAME / NHN_API_PASSWORD)`);
    expect(err.message).not.toContain('not-the-password-42');
    expect(err.message).not.toContain(PASSWORD);
  });
});
