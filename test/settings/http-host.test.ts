// HTTP_HOST: where the health server listens. Loopback unless set (a container sets 0.0.0.0).
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer } from '../../src/daemon/health-server.ts';
import { createLogger } from '../../src/log/logger.ts';
import { DEFAULT_HTTP_HOST, serviceSettings, SettingsError } from '../../src/settings/settings.ts';

describe('HTTP_HOST setting', () => {
  it.each([
    [undefined, '127.0.0.1'],
    ['', '127.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    [' :: ', '::'],
    ['localhost', 'localhost'],
    ['nasorch-1.internal', 'nasorch-1.internal'],
  ])('HTTP_HOST=%j gives %s', (value, expected) => {
    expect(serviceSettings({ HTTP_HOST: value }).httpHost).toBe(expected);
  });

  it.each(['http://0.0.0.0', '0.0.0.0:9464', 'two words'])('refuses %j with one line naming the setting', (value) => {
    expect(() => serviceSettings({ HTTP_HOST: value })).toThrow(SettingsError);
    expect(() => serviceSettings({ HTTP_HOST: value })).toThrow(new RegExp(`^setting HTTP_HOST must be an IP address or host name to listen on, got "${value}"$`));
  });
});

describe('the health server', () => {
  const servers: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  /** The addresses the server's sockets are bound to. */
  const start = async (host?: string) => {
    const { server } = await startHealthServer({ port: 0, ...(host ? { host } : {}), checks: [], log: createLogger({ level: 'silent', pretty: false }) });
    servers.push(server);
    return (server as FastifyInstance).addresses() as AddressInfo[];
  };
  // A non-loopback address of this machine, to show what another host would reach.
  const external = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;

  it(`listens on ${DEFAULT_HTTP_HOST} only when no host is given`, async () => {
    const bound = await start();
    expect(bound.map((a) => a.address)).toEqual(['127.0.0.1']);
    if (external) await expect(fetch(`http://${external}:${bound[0]!.port}/healthz`)).rejects.toThrow();
  });

  it('listens on every interface with 0.0.0.0 and answers /healthz there', async () => {
    const bound = await start('0.0.0.0');
    expect(bound.map((a) => a.address)).toContain('0.0.0.0');
    const res = await fetch(`http://${external ?? '127.0.0.1'}:${bound[0]!.port}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
