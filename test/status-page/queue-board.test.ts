// Bull Board at /queues: absent without NASORCH_API_TOKEN, behind it otherwise (Bearer, or Basic
// with the token as password for a browser), read-only, and it shows the daemon's queue in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../src/daemon/daemon.ts';
import { launchChromium } from '../support/browser.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const TOKEN = 'board-test-token-0123456789';
let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(() => stack.close());

describe('Bull Board at /queues', () => {
  it('is not served without NASORCH_API_TOKEN', async () => {
    const daemon = await stack.startDaemon();
    expect((await fetch(`${daemon.httpUrl}/queues`)).status).toBe(404);
    await daemon.stop();
  });

  it('refuses without the token, serves it with Bearer or Basic, read-only, and shows the queue in a browser', async () => {
    const daemon = await stack.startDaemon({ apiToken: TOKEN });
    const url = `${daemon.httpUrl}/queues`;
    const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await none.text()).not.toContain(TOKEN);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: basic('wrong') } })).status).toBe(401);
    expect((await fetch(`${url}/api/queues`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);

    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const api = await fetch(`${url}/api/queues`, { headers: { authorization: basic(TOKEN) } });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(queues).toEqual([expect.objectContaining({ name: QUEUE_NAME, readOnlyMode: true })]);

    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ httpCredentials: { username: 'ops', password: TOKEN } });
      // Bull Board's page links Google Fonts; the test machine is offline, so that one answers empty.
      await context.route(/^https:\/\/fonts\.(googleapis|gstatic)\.com\//, (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }));
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      expect((await page.goto(url, { waitUntil: 'load' }))?.status()).toBe(200);
      await page.getByText(QUEUE_NAME).first().waitFor({ timeout: 15_000 });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    await daemon.stop();
  });
});
