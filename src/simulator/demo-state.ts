// The built-in world used when no state file is given: a small production-like project in
// KR1 (a database volume with a nightly schedule, a web volume replicated to KR2, a CIFS
// share) with a few existing snapshots. Credentials are documented in the README.
import type { SnapshotSchedule } from './model.ts';
import { nextScheduledRun, scheduledSnapshotName } from './snapshot-schedule.ts';

const DAY_MS = 86_400_000;

/** The demo's state-file equivalent; scheduled-snapshot names follow the start instant. */
export function demoState(start: Date): Record<string, unknown> {
  const nightly: SnapshotSchedule = { time: '03:00', timeOffset: '+09:00', weekdays: [] };
  const lastRun = nextScheduledRun(nightly, start.getTime() - DAY_MS);
  const scheduled = [lastRun - DAY_MS, lastRun].map((at) => ({
    name: scheduledSnapshotName(nightly, at),
    type: 'SCHEDULED',
    createdAt: new Date(at).toISOString(),
  }));
  return {
    credentials: { tenantId: 'sim-tenant', username: 'demo@example.com', password: 'sim-password' },
    projectId: 'SimPrj01',
    tokenTtlSeconds: 3600,
    regions: {
      KR1: {
        volumes: [
          {
            name: 'prod-db',
            sizeGb: 500,
            description: 'Production database files',
            acl: ['10.0.1.0/24'],
            interfaces: [{ subnetId: 'subnet-kr1-app' }],
            mountProtocol: { protocol: 'nfs' },
            snapshotPolicy: { maxScheduledCount: 7, reservePercent: 10, schedule: nightly },
            createdAt: '-90d',
            usedGb: 212,
            growthGbPerDay: 3,
            snapshots: [{ name: 'prod-db-before-upgrade', type: 'NORMAL', createdAt: '-3d' }, ...scheduled],
          },
          {
            name: 'prod-web',
            sizeGb: 300,
            description: 'Web assets, replicated to KR2',
            acl: ['10.0.1.0/24'],
            interfaces: [{ subnetId: 'subnet-kr1-app' }],
            mountProtocol: { protocol: 'nfs' },
            snapshotPolicy: { reservePercent: 5 },
            createdAt: '-60d',
            usedGb: 87,
            growthGbPerDay: 1,
            snapshots: [{ name: 'prod-web-release-41', type: 'NORMAL', createdAt: '-2d' }],
            mirrors: [{ dstRegion: 'KR2', dstVolumeName: 'prod-web-dr', status: 'ACTIVE', createdAt: '-59d' }],
          },
          {
            name: 'staging-files',
            sizeGb: 300,
            description: 'Staging file share',
            acl: ['10.0.2.0/24'],
            interfaces: [{ subnetId: 'subnet-kr1-staging' }],
            mountProtocol: { protocol: 'cifs', cifsAuthIds: ['staging-share'] },
            createdAt: '-20d',
            usedGb: 40,
            growthGbPerDay: 0.5,
          },
        ],
      },
      KR2: { volumes: [] },
    },
  };
}
