// Loading the starting world from a state file (YAML/JSON) or object, and its errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MirrorStatResponse, SnapshotListResponse, VolumeListResponse } from '../../src/nas/schemas.ts';
import { SimulatorConfigError, startSimulator } from '../../src/simulator/index.ts';
import { connect, expectFailure, issueToken, nas } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'sim-state-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const YAML_STATE = `
credentials:
  tenantId: team-a
  username: ops@example.com
  password: not-the-demo
tokenTtlSeconds: 600
timing:
  replicationIntervalSeconds: 300
regions:
  KR1:
    volumes:
      - name: files
        sizeGb: 400
        usedGb: 120
        growthGbPerDay: 2
        snapshotPolicy: { reservePercent: 10 }
        snapshots:
          - { name: before-migration, createdAt: "-2d" }
          - { name: nightly-1, type: SCHEDULED, createdAt: "-1d" }
        mirrors:
          - { dstRegion: KR2, dstVolumeName: files-dr, status: HALT }
      - name: logs
        sizeGb: 300
        mountProtocol: { protocol: CIFS, cifsAuthIds: [logshare] }
        mirrors:
          - { dstRegion: KR2, dstVolumeName: logs-dr, fault: { retrieveFailed: true } }
  KR2:
    volumes:
      - name: logs-dr
        sizeGb: 300
        mountProtocol: { protocol: cifs }
`;

describe('state file', () => {
  it('loads credentials, token lifetime, volumes, snapshots and mirrors from YAML', async () => {
    const path = file('state.yaml', YAML_STATE);
    const { sim, api } = await connect({ state: path });
    expect(sim.credentials).toEqual({ tenantId: 'team-a', username: 'ops@example.com', password: 'not-the-demo' });
    const kr1 = VolumeListResponse.parse((await api.get('/v1/volumes')).body).volumes;
    expect(kr1.map((v) => [v.name, v.sizeGb, v.mountProtocol?.protocol])).toEqual([
      ['files', 400, 'nfs'],
      ['logs', 300, 'cifs'],
    ]);
    const files = kr1[0]!;
    const snaps = SnapshotListResponse.parse((await api.get(`/v1/volumes/${files.id}/snapshots`)).body).snapshots;
    expect(snaps.map((s) => [s.name, s.type])).toEqual([
      ['before-migration', 'NORMAL'],
      ['nightly-1', 'SCHEDULED'],
      [expect.stringMatching(/^files\.mirror\./), 'MIRROR'],
    ]);
    expect(snaps[0]!.createdAt).toBe('2026-11-25T02:00:00+00:00');
    const usage = (await api.get(`/v1/volumes/${files.id}/usage`)).body.usage;
    expect(usage).toMatchObject({ userDataGb: 120, snapshotReserveGb: 40 });

    const kr2 = VolumeListResponse.parse((await api.get('/v1/volumes', 'kr2')).body).volumes;
    expect(kr2.map((v) => v.name).sort()).toEqual(['files-dr', 'logs-dr']);
    const filesDr = kr2.find((v) => v.name === 'files-dr')!;
    expect(filesDr).toMatchObject({ sizeGb: 400 });
    // HALT = stopped: the destination accepts writes.
    expect((await api.post(`/v1/volumes/${filesDr.id}/snapshots`, { snapshot: { name: 'dr-test' } }, 'kr2')).status).toBe(201);
    const filesStat = MirrorStatResponse.parse((await api.get(`/v1/volumes/${files.id}/volume-mirrors/${files.mirrors[0]!.id}/stat`)).body);
    expect(filesStat.volumeMirrorStat.status).toBe('HALT');
    const logs = kr1[1]!;
    const logsStat = MirrorStatResponse.parse((await api.get(`/v1/volumes/${logs.id}/volume-mirrors/${logs.mirrors[0]!.id}/stat`)).body);
    expect(logsStat.volumeMirrorStat.status).toBe('RETRIEVE FAILED');

    // tokenTtlSeconds: 600
    await sim.advance(600_000);
    expect((await api.get('/v1/volumes')).status).toBe(401);
  });

  it('loads JSON and in-memory objects', async () => {
    const state = { credentials: { tenantId: 't', username: 'u', password: 'p' }, regions: { KR2: { volumes: [{ name: 'only', sizeGb: 300 }] } } };
    for (const source of [file('state.json', JSON.stringify(state)), state]) {
      const sim = await startSimulator({ clock: 'manual', state: source });
      try {
        const api = nas(sim, await issueToken(sim));
        expect((await api.get('/v1/volumes', 'kr2')).body.volumes.map((v: { name: string }) => v.name)).toEqual(['only']);
        expect((await api.get('/v1/volumes', 'kr1')).body.volumes).toEqual([]);
      } finally {
        await sim.close();
      }
    }
  });

  it.each([
    ['a size off the steps', 'regions:\n  KR1:\n    volumes:\n      - { name: a, sizeGb: 350 }\n', 'regions.KR1.volumes[0].sizeGb'],
    ['an unknown field', 'regions:\n  KR1:\n    volumes:\n      - { name: a, sizeGb: 300, sizeGB: 1 }\n', 'regions.KR1.volumes[0].sizeGB'],
    ['an unknown region', 'regions:\n  KR9:\n    volumes: []\n', 'regions.KR9'],
    ['a duplicate volume name', 'regions:\n  KR1:\n    volumes:\n      - { name: a, sizeGb: 300 }\n      - { name: a, sizeGb: 300 }\n', 'regions.KR1.volumes[1].name'],
    ['a bad volume name', 'regions:\n  KR1:\n    volumes:\n      - { name: "a b", sizeGb: 300 }\n', 'regions.KR1.volumes[0].name'],
    ['a mirror into its own region', 'regions:\n  KR1:\n    volumes:\n      - { name: a, sizeGb: 300, mirrors: [{ dstRegion: KR1, dstVolumeName: b }] }\n', 'regions.KR1.volumes[0].mirrors[0].dstRegion'],
    ['a password-less credential', 'credentials: { tenantId: t, username: u }\n', 'credentials.password is required'],
    ['a negative token lifetime', 'tokenTtlSeconds: -5\n', 'tokenTtlSeconds'],
  ])('rejects %s, naming the file and the field', async (_what, text, field) => {
    const path = file('bad.yaml', text);
    const start = startSimulator({ clock: 'manual', state: path });
    await expect(start).rejects.toThrow(SimulatorConfigError);
    await expect(startSimulator({ clock: 'manual', state: path })).rejects.toThrow(`state file ${path}`);
    await expect(startSimulator({ clock: 'manual', state: path })).rejects.toThrow(field);
  });

  it('rejects unreadable and malformed files naming the file', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(startSimulator({ state: missing })).rejects.toThrow(`state file ${missing}: cannot read it (ENOENT)`);
    const broken = file('broken.json', '{"regions": ');
    await expect(startSimulator({ state: broken })).rejects.toThrow(`state file ${broken}: not valid JSON`);
  });

  it('never puts the password in an error', async () => {
    const path = file('pw.yaml', 'credentials: { tenantId: t, username: u, password: hunter2-secret }\nbogus: 1\n');
    const err = await startSimulator({ state: path }).catch((e: Error) => e);
    expect(String(err)).toContain('bogus');
    expect(String(err)).not.toContain('hunter2-secret');
    // A password of the wrong type is named, its value is not shown.
    const numeric = file('pw2.yaml', 'credentials: { tenantId: t, username: u, password: 73314159 }\n');
    const typeErr = await startSimulator({ state: numeric }).catch((e: Error) => e);
    expect(String(typeErr)).toContain('credentials.password must be a string');
    expect(String(typeErr)).not.toContain('73314159');
  });

  it('a snapshot marked preserved cannot be deleted', async () => {
    const { api } = await connect({
      state: { regions: { KR1: { volumes: [{ name: 'x', sizeGb: 300, snapshots: [{ name: 'keep', preserved: true }] }] } } },
    });
    const volume = (await api.get('/v1/volumes')).body.volumes[0];
    const [snap] = (await api.get(`/v1/volumes/${volume.id}/snapshots`)).body.snapshots;
    expect(snap).toMatchObject({ name: 'keep', type: 'NORMAL', preserved: true });
    expectFailure(await api.del(`/v1/volumes/${volume.id}/snapshots/${snap.id}`), 400, 'keep', 'preserved');
  });

  it('validates the volumes against the same rules as the API', async () => {
    const { api } = await connect({ state: { regions: { KR1: { volumes: [{ name: 'x', sizeGb: 300 }] } } } });
    expectFailure(await api.post('/v1/volumes', { volume: { name: 'x', sizeGb: 300, mountProtocol: { protocol: 'nfs' } } }), 400, 'volume.name');
  });
});
