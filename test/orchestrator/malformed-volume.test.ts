// A region whose volume listing has malformed entries (the simulator's quirks mode, all quirks on:
// nulls, undocumented values, odd catalog entries, an entry without name and one without id):
// the daemon (real Redis and PostgreSQL) still schedules the region's other volumes, raises one
// alert per malformed entry naming it and the field, and resolves them once the listing is clean.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME, type Daemon } from '../../src/daemon/daemon.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let daemon: Daemon;
let queue: Queue;
const ids: Record<string, string> = {};

const alert = (key: string) => stack.db.prisma.alert.findUnique({ where: { key } });

beforeAll(async () => {
  stack = await createTestStack({ quirks: true });
  for (const v of await new NasConnection(stack.identity).client('KR1').listAllVolumes()) ids[v.name] = v.id;
  await stack.writePolicy(
    'nightly.yaml',
    policyYaml('nightly', `volumes:\n  nameContains: prod-\nsnapshot:\n  schedule: "0 3 * * *"\n  retention:\n    keepDaily: 7\nusage:\n  schedule: "*/15 * * * *"`),
  );
  daemon = await stack.startDaemon();
  queue = new Queue(QUEUE_NAME, { connection: { url: stack.redis.url }, prefix: stack.redis.prefix });
});
afterAll(async () => {
  await queue.close();
  await stack.close();
});

describe('a region with malformed volumes in its listing', () => {
  it('still gets the schedulers of its other volumes', async () => {
    const keys = (await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
    expect(keys).toEqual(
      [`nightly.${ids['prod-db']}.snapshot`, `nightly.${ids['prod-db']}.usage`, `nightly.${ids['prod-web']}.snapshot`, `nightly.${ids['prod-web']}.usage`].sort(),
    );
    expect(await alert('region-unreachable:KR1')).toBeNull();
    expect(stack.logs.filter((l) => l.msg === 'reconcile failed')).toEqual([]);
  });

  it('raises one alert per malformed entry, naming the volume and the field', async () => {
    const unnamed = await alert('malformed-volume:KR1:quirk-unnamed-kr1');
    expect(unnamed).toMatchObject({ status: 'open', severity: 'warning', volumeId: 'quirk-unnamed-kr1' });
    expect(unnamed!.message).toBe(
      'the KR1 volume listing has a malformed volume #2 (id "quirk-unnamed-kr1", no name): name: Invalid input: expected string, received null; ' +
        "it gets no new schedulers until the API answers it properly (the region's other volumes are unaffected)",
    );
    const noId = await alert('malformed-volume:KR1:#3');
    expect(noId).toMatchObject({ status: 'open', volumeId: null, details: { region: 'KR1', position: 2, id: null, name: 'quirk-no-id-kr1', field: 'id' } });
    expect(noId!.message).toContain('volume #3 (no id, name "quirk-no-id-kr1"): id: Invalid input');
    const warned = stack.logs.filter((l) => String(l.msg).startsWith('skipped a malformed volume in the KR1 listing'));
    expect(warned.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps the alerts open (count up) while the entries stay malformed, and reports them in the reconcile result', async () => {
    const result = await daemon.reconcile('test');
    expect(result).toMatchObject({ added: [], removed: [], unchanged: 4 });
    expect(result.skippedVolumes.map((s) => [s.region, s.id ?? s.name, s.field])).toEqual([
      ['KR1', 'quirk-unnamed-kr1', 'name'],
      ['KR1', 'quirk-no-id-kr1', 'id'],
    ]);
    expect(await alert('malformed-volume:KR1:quirk-unnamed-kr1')).toMatchObject({ status: 'open', count: 2 });
  });

  it('resolves them once the listing is clean again; the schedulers stay', async () => {
    stack.sim.setQuirks({ malformedVolumes: false });
    const result = await daemon.reconcile('test');
    expect(result).toMatchObject({ added: [], removed: [], unchanged: 4, skippedVolumes: [] });
    expect(await alert('malformed-volume:KR1:quirk-unnamed-kr1')).toMatchObject({ status: 'resolved' });
    expect(await alert('malformed-volume:KR1:#3')).toMatchObject({ status: 'resolved' });
  });
  it('a volume of its own whose entry turns malformed keeps its schedulers, with an alert naming it', async () => {
    stack.sim.setQuirks({ namelessVolumes: ['prod-web'] });
    const result = await daemon.reconcile('test');
    expect(result).toMatchObject({ added: [], removed: [], unchanged: 2 });
    expect((await queue.getJobSchedulers(0, -1)).map((s) => s.key)).toContain(`nightly.${ids['prod-web']}.snapshot`);
    const a = await alert(`malformed-volume:KR1:${ids['prod-web']}`);
    expect(a).toMatchObject({ status: 'open', volumeId: ids['prod-web'] });
    expect(a!.message).toContain(`(id "${ids['prod-web']}", no name): name: Invalid input: expected string, received null`);

    stack.sim.setQuirks({ namelessVolumes: [] });
    expect(await daemon.reconcile('test')).toMatchObject({ added: [], removed: [], unchanged: 4 });
    expect(await alert(`malformed-volume:KR1:${ids['prod-web']}`)).toMatchObject({ status: 'resolved' });
  });
});
