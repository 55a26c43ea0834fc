// The "applied, but the reply is lost" fault: the request takes effect, the client sees a reset,
// no answer, or a gateway 5xx. From setFaults(), a faults file and POST /_admin/faults.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { admin, connect, EMPTY_STATE, expectFailure } from './helpers.ts';

const CREATE = 'POST /v1/volumes/:volumeId/snapshots';

async function withVolume(opts: Parameters<typeof connect>[0] = {}) {
  const ctx = await connect({ state: { ...EMPTY_STATE, regions: { KR1: { volumes: [{ id: 'vol-1', name: 'v', sizeGb: 300 }] } } }, ...opts });
  const volumeId = 'vol-1';
  const names = async () => ((await ctx.api.get(`/v1/volumes/${volumeId}/snapshots`)).body.snapshots as { name: string }[]).map((s) => s.name);
  const create = (name: string, timeoutMs = 2000) =>
    fetch(`${ctx.sim.url}/kr1/v1/volumes/${volumeId}/snapshots`, {
      method: 'POST',
      headers: { 'x-auth-token': ctx.token, 'content-type': 'application/json' },
      body: JSON.stringify({ snapshot: { name } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  return { ...ctx, volumeId, names, create };
}

describe('loseReply', () => {
  it('reset: the snapshot is created, the client sees the connection reset, the log says so', async () => {
    const { sim, names, create } = await withVolume();
    sim.setFaults({ rules: [{ route: CREATE, loseReply: 'reset', times: 1 }] });
    await expect(create('s1')).rejects.toThrow();
    expect(await names()).toEqual(['s1']);
    expect(sim.requests().filter((r) => r.route === CREATE).map((r) => [r.status, r.replyLost])).toEqual([[201, 'reset']]);
    // `times` used up: the next create is answered normally.
    expect((await create('s2')).status).toBe(201);
  });

  it('a 5xx status: applied, answered 503 in the NAS envelope; a repeat then gets the real 400', async () => {
    const { sim, names, create } = await withVolume();
    sim.setFaults({ rules: [{ route: CREATE, loseReply: 503, times: 1 }] });
    const res = await create('s1');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { header: { isSuccessful: boolean } }).header.isSuccessful).toBe(false);
    expect(await names()).toEqual(['s1']);
    const repeat = await create('s1');
    expectFailure({ status: repeat.status, body: await repeat.json() }, 400);
    expect(sim.requests().filter((r) => r.route === CREATE).map((r) => [r.status, r.replyLost])).toEqual([
      [201, 503],
      [400, undefined],
    ]);
  });

  it('hang: applied and held without an answer until the client gives up', async () => {
    const { sim, names, create } = await withVolume();
    sim.setFaults({ rules: [{ route: CREATE, loseReply: 'hang', times: 1 }] });
    const hung = create('s1', 500);
    await vi.waitFor(async () => expect((await admin(sim, 'GET', '/held')).body.held).toBe(1));
    expect(await names()).toEqual(['s1']);
    await expect(hung).rejects.toThrow();
    expect(sim.requests().filter((r) => r.route === CREATE)).toMatchObject([{ status: 201, replyLost: 'hang' }]);
  });

  it('loses the reply of a rejected request too (nothing applied, nothing answered)', async () => {
    const { sim, names, create } = await withVolume();
    expect((await create('s1')).status).toBe(201);
    sim.setFaults({ rules: [{ route: CREATE, loseReply: 'reset', times: 1 }] });
    await expect(create('s1')).rejects.toThrow();
    expect(await names()).toEqual(['s1']);
    expect(sim.requests().filter((r) => r.route === CREATE).map((r) => [r.status, r.replyLost])).toEqual([[201, undefined], [400, 'reset']]);
  });

  it('from a faults file and the admin endpoint; invalid values are one-line errors naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-lost-'));
    const file = join(dir, 'faults.yaml');
    writeFileSync(file, `rules:\n  - route: "${CREATE}"\n    loseReply: reset\n    times: 1\n`);
    const fromFile = await withVolume({ faults: file });
    await expect(fromFile.create('a')).rejects.toThrow();
    expect(await fromFile.names()).toEqual(['a']);

    const { sim, names, create } = await withVolume();
    const set = await admin(sim, 'POST', '/faults', { rules: [{ route: CREATE, loseReply: 502, times: 1 }] });
    expect(set.status).toBe(200);
    expect((await admin(sim, 'GET', '/faults')).body.rules).toEqual([{ route: CREATE, loseReply: 502, times: 1 }]);
    expect((await create('b')).status).toBe(502);
    expect(await names()).toEqual(['b']);

    const bad = await admin(sim, 'POST', '/faults', { rules: [{ route: CREATE, loseReply: 'sometimes' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/rules\[0\]\.loseReply/);
    expect(bad.body.error).not.toContain('\n');
    expect(() => sim.setFaults({ rules: [{ route: CREATE, loseReply: 'reset', status: 500 }] })).toThrow(/rules\[0\]\.loseReply cannot be combined with status/);
  });

  it('with errorRate loses a seeded share of replies, and applies every request', async () => {
    const { sim, names, create } = await withVolume({ seed: 3 });
    sim.setFaults({ rules: [{ route: CREATE, loseReply: 'reset', errorRate: 0.5 }] });
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) outcomes.push(await create(`s${i}`).then((r) => String(r.status), () => 'lost'));
    expect(outcomes.filter((o) => o === 'lost').length).toBeGreaterThan(1);
    expect(outcomes.filter((o) => o === '201').length).toBeGreaterThan(1);
    expect(await names()).toHaveLength(12);
  });
});
