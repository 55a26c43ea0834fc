// The status page in a real headless browser (Debian's Chromium driven by playwright-core) on a
// live daemon: it loads, shows the seeded alert, run and replication pair (with direction from
// the NAS API), escapes what it shows, fits a phone's width, logs no console errors, refreshes
// itself, and shows failover runs only once a failover view is registered.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlertBook } from '../../src/alerts/alert-book.ts';
import { RunRecorder } from '../../src/history/run-recorder.ts';
import { registerFailoverView } from '../../src/metrics/failover-view.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { launchChromium } from '../support/browser.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

let stack: TestStack;
let browser: Browser;
let prodDb: string;

beforeAll(async () => {
  browser = await launchChromium();
  stack = await createTestStack();
  const nas = new NasConnection(stack.identity).client('KR1');
  const volumes = await nas.listAllVolumes();
  prodDb = volumes.find((v) => v.name === 'prod-db')!.id;
  const web = volumes.find((v) => v.name === 'prod-web')!;
  const mirror = web.mirrors.find((m) => m.role === 'SOURCE')!;
  // Quiet schedules: the page shows what was seeded, and the schedulers' next runs.
  await stack.writePolicy(
    'page.yaml',
    policyYaml(
      'page-prod',
      `timezone: Asia/Seoul
volumes:
  names: [prod-db]
snapshot:
  schedule: "0 3 * * *"
  prefix: "nasorch-page-"
  retention:
    keepLast: 2`,
    ) +
      '---\n' +
      policyYaml(
        'page-repl',
        `timezone: UTC
volumes:
  names: [prod-web]
replication:
  statSchedule: "0 * * * *"
  rpo: 1h`,
      ),
  );

  const { prisma } = stack.db;
  await new AlertBook(prisma).raise({
    key: `job-failed:snapshot:page-prod:${prodDb}`,
    severity: 'critical',
    policy: 'page-prod',
    volumeId: prodDb,
    message: `snapshot of volume prod-db (${prodDb}) for policy page-prod failed: quota <b>exceeded</b> & more`,
  });
  const recorder = new RunRecorder(prisma);
  const run = await recorder.start({
    runKey: 'page-test/seeded-1',
    kind: 'snapshot',
    policy: 'page-prod',
    volumeId: prodDb,
    volumeName: 'prod-db',
    region: 'KR1',
    scheduledAt: new Date(Date.now() - 120_000),
    trigger: 'schedule',
    worker: 'test:1',
  });
  await recorder.finish(run.id, { status: 'failed', error: 'seeded failure: API answered 500' });
  await prisma.mirrorStatSample.create({
    data: {
      policy: 'page-repl',
      volumeId: web.id,
      mirrorId: mirror.id,
      region: 'KR1',
      sampledAt: new Date(Date.now() - 30_000),
      status: 'ACTIVE',
      lastTransferStatus: 'SUCCESS',
      lastSuccessTransferEndTime: new Date(Date.now() - 90_000),
    },
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
afterEach(() => registerFailoverView(undefined));

/** Opens the page on a phone-sized screen, collecting console errors and failed requests. */
async function openOnPhone(url: string): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return { page, problems, close: () => context.close() };
}

describe('status page', () => {
  it('shows the seeded alert, run, policies and replication pair on a phone, without console errors', async () => {
    const daemon = await stack.startDaemon({ clusterFactsTtlMs: 0 });
    const { page, problems, close } = await openOnPhone(`${daemon.httpUrl}/`);

    expect(await page.title()).toBe('(1) nasorch status');
    expect(await page.locator('#verdict').innerText()).toBe('1 critical open');
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('30');

    // The alert, its markup shown as text (escaped), not rendered.
    const alerts = page.locator('#alerts');
    expect(await alerts.innerText()).toContain('quota <b>exceeded</b> & more');
    expect(await alerts.locator('b').count()).toBe(0);
    expect(await alerts.innerText()).toContain('critical');

    // The seeded run, with its volume name and error.
    const run = page.locator('#runs tr.run', { hasText: 'prod-db' });
    expect(await run.count()).toBe(1);
    expect(await run.innerText()).toMatch(/snapshot[\s\S]*page-prod[\s\S]*prod-db[\s\S]*failed[\s\S]*seeded failure: API answered 500/);

    // Policies with their volumes: last run, status and next run per kind.
    const policies = await page.locator('#policies').innerText();
    expect(policies).toContain('page-prod');
    expect(policies).toContain('prod-db');
    expect(policies).toContain('page-repl');
    expect(policies).toContain('prod-web');
    const snapshotRow = page.locator('#policies .policy', { hasText: 'page-prod' }).locator('tr', { hasText: 'snapshot' });
    expect(await snapshotRow.innerText()).toMatch(/snapshot\s+failed\s+\d+s ago[\s\S]*in \d+h/);

    // The replication pair: direction read from the API, lag from the stored sample, against the RPO.
    const pair = await page.locator('#replication').innerText();
    expect(pair).toMatch(/prod-web \(KR1\)\s*→\s*prod-web-dr \(KR2\)/);
    expect(pair).toContain('FORWARD');
    expect(pair).toMatch(/1m 3\d s|1m 3\ds/);
    expect(pair).toContain('1h 0m');

    // Failover runs have their own section in every daemon (none yet here).
    expect(await page.locator('#failover').count()).toBe(1);
    // Readable on a phone: nothing wider than the screen (wide tables scroll inside their box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page.png'), fullPage: true });
    expect(problems).toEqual([]);
    await close();
    await daemon.stop();
  });

  it('answers 503 with a one-line reason when the cluster state cannot be read', async () => {
    const daemon = await stack.startDaemon({ clusterFactsTtlMs: 0 });
    await stack.db.prisma.$executeRawUnsafe(`ALTER TABLE "${stack.db.schema}".job_runs RENAME TO job_runs_away`);
    try {
      const res = await fetch(`${daemon.httpUrl}/`);
      expect(res.status).toBe(503);
      const body = await res.text();
      expect(body).toMatch(/<p>Cannot read the cluster state \(PostgreSQL \/ Redis\): [^\n<]+<\/p>/);
      expect(body).toContain('http-equiv="refresh"');
    } finally {
      await stack.db.prisma.$executeRawUnsafe(`ALTER TABLE "${stack.db.schema}".job_runs_away RENAME TO job_runs`);
    }
    await daemon.stop();
  });

  it('lists failover runs once a failover view is registered', async () => {
    registerFailoverView(() => ({
      runCounts: async () => ({ running: 1 }),
      recentRuns: async () => [
        { id: 'f0e1d2c3-0000-4000-8000-000000000001', group: 'prod-web-group', kind: 'planned', state: 'running', currentStep: 'settle-halt', createdAt: new Date(Date.now() - 60_000) },
      ],
    }));
    const daemon = await stack.startDaemon({ clusterFactsTtlMs: 0 });
    const { page, problems, close } = await openOnPhone(`${daemon.httpUrl}/`);
    const failover = await page.locator('#failover').innerText();
    expect(failover).toMatch(/prod-web-group[\s\S]*planned[\s\S]*running[\s\S]*settle-halt/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-failover.png'), fullPage: true });
    expect(problems).toEqual([]);
    await close();
    await daemon.stop();
  });
});
