// The client against the simulator's real-cloud quirks mode, over HTTP: nulls where the spec
// promises nothing are accepted (and normalised), undocumented enum values are kept as strings
// and warned about once per process per (field, value), one malformed listing entry is skipped
// with its field named while the rest of the region is listed, and the helpers that decisions
// use never call an undocumented value known.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import type { NasClient } from '../../src/nas/client.ts';
import { collectUnknownValues } from '../../src/nas/open-enum.ts';
import {
  isKnownMirrorDirection,
  isKnownMirrorRole,
  isKnownMirrorStatus,
  isKnownSnapshotType,
  isKnownStatStatus,
  Volume,
} from '../../src/nas/schemas.ts';
import type { RunningSimulator } from '../../src/simulator/contract.ts';
import { clientFor, identityFor, MIRROR_APP, startTestSimulator, VOL_APP, VOL_HOME, VOL_LOGS } from './support.ts';

let sim: RunningSimulator;
let kr1: NasClient;
const logs: Record<string, unknown>[] = [];
const warnings = () => logs.filter((l) => l.level === 40);

beforeAll(async () => {
  sim = await startTestSimulator({ quirks: true });
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination: sink });
  kr1 = clientFor(sim, identityFor(sim), { logger });
});
afterAll(() => sim.close());

describe('nulls where nasorch does not act', () => {
  it('reads a volume whose open fields are null, normalised to undefined or []', async () => {
    const logs = await kr1.getVolume(VOL_LOGS);
    expect(logs).toMatchObject({ id: VOL_LOGS, name: 'logs', sizeGb: 500, interfaces: [], mirrors: [] });
    expect(logs.mountProtocol).toBeUndefined();
    expect(logs.tenantId).toBeUndefined();
    expect(logs.description).toBeUndefined();
  });

  it('reads a mirror without names, tenant/project ids or directionChangedAt, keeping the ids and regions it acts on', async () => {
    const [mirror] = (await kr1.getVolume(VOL_APP)).mirrors;
    expect(mirror).toMatchObject({ id: MIRROR_APP, srcVolumeId: VOL_APP, srcRegion: 'KR1', dstRegion: 'KR2' });
    expect(mirror!.dstVolumeId).toEqual(expect.any(String));
    for (const field of ['srcVolumeName', 'dstVolumeName', 'srcTenantId', 'dstTenantId', 'srcProjectId', 'dstProjectId', 'directionChangedAt'] as const) {
      expect(mirror![field], field).toBeUndefined();
    }
  });

  it('reads schedule.weekdays null as "not said" (not as every day), and reclaimableSpace null', async () => {
    await kr1.updateVolume(VOL_HOME, { snapshotPolicy: { schedule: { time: '03:00', timeOffset: '+09:00', weekdays: [1] } } });
    await sim.advance(60_000);
    const home = await kr1.getVolume(VOL_HOME);
    expect(home.snapshotPolicy?.schedule).toMatchObject({ time: '03:00', weekdays: undefined });
    const snapshot = await kr1.getSnapshot(VOL_HOME, 'home-new', { showReclaimableSpace: true });
    expect(snapshot).toMatchObject({ id: 'home-new', name: 'home-2', reclaimableSpace: undefined });
  });

  it('still refuses a volume without a field it needs (its name), naming it', async () => {
    const parsed = collectUnknownValues(() => Volume.safeParse({ id: 'v', name: null, sizeGb: 300 })).result;
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['name']);
  });
});

describe('undocumented enum values', () => {
  it('keeps them as sent; the isKnown… helpers say they are not documented', async () => {
    const [mirror] = (await kr1.getVolume(VOL_APP)).mirrors;
    expect(mirror).toMatchObject({ role: 'PEER', status: 'RESYNCING', direction: 'BIDIRECTIONAL' });
    expect([isKnownMirrorRole(mirror!.role), isKnownMirrorStatus(mirror!.status), isKnownMirrorDirection(mirror!.direction)]).toEqual([false, false, false]);

    const stat = await kr1.getMirrorStat(VOL_APP, MIRROR_APP);
    expect(stat.status).toBe('SYNCING');
    expect(isKnownStatStatus(stat.status)).toBe(false);

    const snapshots = await kr1.listSnapshots(VOL_APP);
    expect(new Set(snapshots.map((s) => s.type))).toEqual(new Set(['ARCHIVE'])); // NORMAL and MIRROR ones alike
    expect(isKnownSnapshotType(snapshots[0]!.type)).toBe(false);
  });

  it('the helpers accept the documented values', () => {
    expect([isKnownStatStatus('HALT'), isKnownStatStatus('RETRIEVE FAILED'), isKnownSnapshotType('NORMAL'), isKnownMirrorRole('SOURCE')]).toEqual([true, true, true, true]);
    expect(isKnownStatStatus(undefined)).toBe(false);
  });

  it('warns once per process per (field, value), naming field, value, operation and region', async () => {
    for (let i = 0; i < 3; i++) {
      await kr1.getMirrorStat(VOL_APP, MIRROR_APP);
      await kr1.listSnapshots(VOL_APP);
    }
    const unknown = warnings().filter((l) => typeof l.field === 'string' && l.value !== undefined);
    const pairs = unknown.map((l) => `${String(l.field)}=${String(l.value)}`).sort();
    expect(pairs).toEqual(['mirror.direction=BIDIRECTIONAL', 'mirror.role=PEER', 'mirror.status=RESYNCING', 'snapshot.type=ARCHIVE', 'volumeMirrorStat.status=SYNCING']);
    const stat = unknown.find((l) => l.field === 'volumeMirrorStat.status')!;
    expect(stat).toMatchObject({ operation: 'getMirrorStat', region: 'KR1' });
    expect(stat.msg).toBe('NAS API sent an undocumented value "SYNCING" for volumeMirrorStat.status; kept as is, nasorch will not act on it');
  });

  it('warns again for a new value of the same field', async () => {
    sim.setQuirks({ unknownValues: { statStatus: 'REPLICATING' } });
    await kr1.getMirrorStat(VOL_APP, MIRROR_APP);
    await kr1.getMirrorStat(VOL_APP, MIRROR_APP);
    expect(warnings().filter((l) => l.field === 'volumeMirrorStat.status').map((l) => l.value)).toEqual(['SYNCING', 'REPLICATING']);
    sim.setQuirks({ unknownValues: { statStatus: 'SYNCING' } });
  });
});

describe('a malformed volume in a listing', () => {
  it('is skipped with its position, readable id or name and the field at fault; the rest of the region is listed', async () => {
    const { volumes, skipped } = await kr1.listAllVolumesReporting();
    expect(volumes.map((v) => v.name).sort()).toEqual(['app-data', 'home', 'logs']);
    expect(skipped).toEqual([
      { position: 1, id: 'quirk-unnamed-kr1', field: 'name', problem: 'Invalid input: expected string, received null' },
      { position: 2, name: 'quirk-no-id-kr1', field: 'id', problem: 'Invalid input: expected string, received null' },
    ]);
  });

  it('does not disturb paging: small pages still reach every volume, and skipped positions count across pages', async () => {
    const { volumes, skipped } = await kr1.listAllVolumesReporting({ limit: 2 });
    expect(volumes).toHaveLength(3);
    expect(skipped.map((s) => s.position)).toEqual([1, 2]);
  });

  it('listAllVolumes leaves it out with one warning line naming it and the field', async () => {
    const before = logs.length;
    expect((await kr1.listAllVolumes()).map((v) => v.name).sort()).toEqual(['app-data', 'home', 'logs']);
    const lines = logs.slice(before).filter((l) => String(l.msg).startsWith('skipped a malformed volume'));
    expect(lines.map((l) => l.msg)).toEqual([
      'skipped a malformed volume in the KR1 listing: volume #2 (id "quirk-unnamed-kr1", no name): name: Invalid input: expected string, received null',
      'skipped a malformed volume in the KR1 listing: volume #3 (no id, name "quirk-no-id-kr1"): id: Invalid input: expected string, received null',
    ]);
  });

  it('one page of volumes reports what it skipped', async () => {
    const page = await kr1.listVolumes({ limit: 2, page: 1 });
    expect(page.volumes).toHaveLength(1);
    expect(page.skipped.map((s) => s.field)).toEqual(['name']);
    expect(page.paging.totalCount).toBe(5);
  });
});
