// Setting the switches and timings: state file, startSimulator options, admin endpoint;
// strict validation with one-line errors naming the field; GET shows them all.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatorConfigError, startSimulator } from '../../src/simulator/index.ts';
import { admin, connect, EMPTY_STATE, simulator } from './helpers.ts';

const DEFAULTS = {
  mirrorCallVolume: { stat: 'either', stop: 'either', start: 'either', invert: 'either', delete: 'either' },
  mirrorCallRejectStatus: 400,
  stopWithPeerDown: 'fails',
  invertOnHalt: 'no-presync',
  snapshotsOnWipe: 'newer-deleted',
  outage: { KR1: 'none', KR2: 'none' },
};

const dir = mkdtempSync(join(tmpdir(), 'sim-switches-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('switches', () => {
  it('default to today’s behaviour, shown by GET /_admin/switches', async () => {
    const sim = await simulator({ state: EMPTY_STATE });
    expect((await admin(sim, 'GET', '/switches')).body).toEqual(DEFAULTS);
    expect(sim.switches()).toEqual(DEFAULTS);
  });

  it('come from the state file, with the options on top', async () => {
    const path = file(
      'state.yaml',
      'switches:\n  mirrorCallVolume: writer\n  stopWithPeerDown: works\n  outage: { KR2: unavailable }\ntiming: { finalSyncSeconds: 90 }\nregions: {}\n',
    );
    const sim = await simulator({ state: path, switches: { stopWithPeerDown: 'hangs', mirrorCallVolume: { stat: 'either' } }, timing: { mirrorUpdateSeconds: 3 } });
    expect(sim.switches()).toEqual({
      ...DEFAULTS,
      mirrorCallVolume: { stat: 'either', stop: 'writer', start: 'writer', invert: 'writer', delete: 'writer' },
      stopWithPeerDown: 'hangs',
      outage: { KR1: 'none', KR2: 'unavailable' },
    });
    expect((await admin(sim, 'GET', '/timing')).body).toMatchObject({ finalSyncSeconds: 90, mirrorUpdateSeconds: 3, replicationIntervalSeconds: 60 });
  });

  it('change over the admin endpoint (only what is named) and reset to the start values', async () => {
    const sim = await simulator({ state: EMPTY_STATE, switches: { invertOnHalt: 'presync' } });
    const changed = await admin(sim, 'POST', '/switches', { snapshotsOnWipe: 'deleted', outage: { KR1: 'hang' } });
    expect(changed).toMatchObject({ status: 200, body: { invertOnHalt: 'presync', snapshotsOnWipe: 'deleted', outage: { KR1: 'hang', KR2: 'none' } } });
    expect(sim.setSwitches({ outage: { KR2: 'refuse' } }).outage).toEqual({ KR1: 'hang', KR2: 'refuse' });
    expect((await admin(sim, 'DELETE', '/switches')).body).toEqual({ ...DEFAULTS, invertOnHalt: 'presync' });
  });

  it.each([
    [{ stopWithPeerDown: 'sometimes' }, 'switches.stopWithPeerDown must be one of fails, hangs, works (got "sometimes")'],
    [{ invertOnHalt: true }, 'switches.invertOnHalt must be one of no-presync, presync (got true)'],
    [{ snapshotsOnWipe: 'kept' }, 'switches.snapshotsOnWipe must be one of survive, newer-deleted, deleted (got "kept")'],
    [{ mirrorCallVolume: 'destination' }, 'switches.mirrorCallVolume must be one of either, source, writer (got "destination")'],
    [{ mirrorCallVolume: { halt: 'writer' } }, 'switches.mirrorCallVolume.halt is not a known field'],
    [{ mirrorCallRejectStatus: 403 }, 'switches.mirrorCallRejectStatus must be 400 or 404 (got 403)'],
    [{ outage: { KR3: 'hang' } }, 'switches.outage.KR3 is not a known field'],
    [{ outage: { KR1: 'down' } }, 'switches.outage.KR1 must be one of none, hang, refuse, unavailable (got "down")'],
    [{ outages: {} }, 'switches.outages is not a known field'],
  ])('reject %j with one line naming the field', async (change, message) => {
    const sim = await simulator({ state: EMPTY_STATE });
    const answer = await admin(sim, 'POST', '/switches', change);
    expect(answer).toEqual({ status: 400, body: { error: `switches: ${message}` } });
    expect(() => sim.setSwitches(change as never)).toThrow(SimulatorConfigError);
    await expect(startSimulator({ clock: 'manual', state: EMPTY_STATE, switches: change as never })).rejects.toThrow(`startSimulator options: ${message}`);
    const path = file('bad.yaml', `switches: ${JSON.stringify(change)}\n`);
    await expect(startSimulator({ clock: 'manual', state: path })).rejects.toThrow(`state file ${path}: ${message}`);
    // Nothing changed.
    expect(sim.switches()).toEqual(DEFAULTS);
  });

  it('reject a body that is not an object', async () => {
    const sim = await simulator({ state: EMPTY_STATE });
    expect(await admin(sim, 'POST', '/switches', ['hang'])).toEqual({ status: 400, body: { error: 'switches: switches must be an object' } });
  });
});

describe('timing', () => {
  it('changes over the admin endpoint and is validated', async () => {
    const sim = await simulator({ state: EMPTY_STATE });
    expect((await admin(sim, 'POST', '/timing', { finalSyncSeconds: 45 })).body.finalSyncSeconds).toBe(45);
    expect(await admin(sim, 'POST', '/timing', { finalSyncSeconds: -1 })).toEqual({ status: 400, body: { error: 'timing: timing.finalSyncSeconds must be at least 0 (got -1)' } });
    expect((await admin(sim, 'POST', '/timing', { finalSync: 1 })).body.error).toBe('timing: timing.finalSync is not a known field');
    await expect(startSimulator({ clock: 'manual', state: EMPTY_STATE, timing: { finalSyncSeconds: 'slow' as never } })).rejects.toThrow(
      'startSimulator options: timing.finalSyncSeconds must be a number',
    );
  });
});

describe('seq in the state file', () => {
  it('seeds a volume; its mirror destination gets it with the first transfer; later writes count on', async () => {
    const { sim } = await connect({
      state: { ...EMPTY_STATE, regions: { KR1: { volumes: [{ name: 'files', sizeGb: 300, seq: 40, mirrors: [{ dstRegion: 'KR2', dstVolumeName: 'files-dr' }] }] } } },
    });
    const volumes = (await admin(sim, 'GET', '/volumes')).body.volumes;
    expect(volumes.map((v: { name: string; seq: number; writable: boolean }) => [v.name, v.seq, v.writable])).toEqual([
      ['files', 40, true],
      ['files-dr', 40, false],
    ]);
    expect(sim.writeVolume(volumes[0].id).seq).toBe(41);
  });

  it('must be unique: equal seq means equal data', async () => {
    const state = { regions: { KR1: { volumes: [{ name: 'a', sizeGb: 300, seq: 7 }] }, KR2: { volumes: [{ name: 'b', sizeGb: 300, seq: 7 }] } } };
    await expect(startSimulator({ clock: 'manual', state })).rejects.toThrow('state: regions.KR2.volumes[0].seq: 7 is already the seq of a in KR1');
  });
});
