// Wiring from settings to clients: one IdentityClient (one token, one single-flight token
// request) shared by one NasClient per region.
import type { Logger } from 'pino';
import type { IdentitySettings } from '../settings/settings.ts';
import { NasClient, type NasClientOptions } from './client.ts';
import { IdentityClient, type IdentityClientOptions } from './identity.ts';

export interface NasConnectionOptions {
  identity?: IdentityClientOptions;
  /** Options for every region's client. */
  client?: Omit<NasClientOptions, 'identity' | 'region' | 'endpointOverride'>;
  /** Shorthand: used by both unless they set their own. */
  logger?: Logger;
}

export class NasConnection {
  readonly identity: IdentityClient;
  /** The region clients default to (NHN_REGION). */
  readonly defaultRegion: string;
  readonly #endpointOverride: string | undefined;
  readonly #clientOptions: NasConnectionOptions['client'];
  readonly #clients = new Map<string, NasClient>();

  constructor(settings: IdentitySettings, options: NasConnectionOptions = {}) {
    this.identity = new IdentityClient(settings, { logger: options.logger, ...options.identity });
    this.defaultRegion = settings.region.toUpperCase();
    this.#endpointOverride = settings.nasApiUrl;
    this.#clientOptions = { logger: options.logger, ...options.client };
  }

  /** The client for a region (created once, then reused). */
  client(region: string = this.defaultRegion): NasClient {
    const key = region.toUpperCase();
    let client = this.#clients.get(key);
    if (!client) {
      client = new NasClient({ ...this.#clientOptions, identity: this.identity, region: key, endpointOverride: this.#endpointOverride });
      this.#clients.set(key, client);
    }
    return client;
  }
}

export function createNasConnection(settings: IdentitySettings, options?: NasConnectionOptions): NasConnection {
  return new NasConnection(settings, options);
}
