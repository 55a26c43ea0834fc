// NHN Cloud Identity (Keystone v2 style): one IaaS token per process, shared by the NAS
// clients of every region. The token is kept until shortly before it expires, requested at
// most once at a time (single flight), and dropped when NAS answers 401.
// The password and the token live in #private fields: they never show up in
// JSON.stringify, util.inspect, logs or error messages.
import type { Logger } from 'pino';
import { z } from 'zod';
import { NasApiError, oneLine } from './errors.ts';
import { noResponseOutcome, NoResponse, runWithRetries, sendOnce, type AttemptOutcome, type RawResponse, type RequestIdentity } from './http.ts';
import { firstIssue } from './response.ts';
import { isTransient, parseRetryAfter, resolveRetryPolicy, type AttemptFailure, type RetryPolicy } from './retry-policy.ts';

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** After a failed refresh while the current token still works, wait this long before asking again. */
export const REFRESH_RETRY_COOLDOWN_MS = 30_000;

export interface IdentityCredentials {
  identityUrl: string;
  tenantId: string;
  username: string;
  /** The API password (not the console password). */
  password: string;
}

export interface IdentityClientOptions {
  /** Refresh this long before expiry; capped at half the token's lifetime. Default 5 min. */
  refreshMarginMs?: number;
  /** Per-request timeout for the token request. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Time source for token expiry (tests pass the simulator's clock). */
  clock?: () => Date;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Jitter source, for reproducible tests. */
  random?: () => number;
}

/**
 * The token's service catalog as sent. Only the `nasv1` entry is ever read (findNasEndpoint);
 * other services' entries are ignored whatever their shape (no `region`, `endpoints: null`…),
 * and even the NAS entry is checked only when a NAS endpoint is needed (not with NAS_API_URL).
 */
export type ServiceCatalog = readonly unknown[];

/** The documented shape of a catalog entry (what findNasEndpoint reads from the `nasv1` one). */
export interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: { region: string; publicURL: string }[];
}

const CatalogEndpoint = z.looseObject({ region: z.string().min(1), publicURL: z.string().min(1) });

const TokenResponse = z.looseObject({
  access: z.looseObject({
    token: z.looseObject({
      id: z.string().min(1),
      expires: z.string(),
      issued_at: z.string().nullish(),
    }),
    serviceCatalog: z.unknown().transform((catalog): ServiceCatalog => (Array.isArray(catalog) ? catalog : [])),
  }),
});

const TOKEN_REQUEST: RequestIdentity = {
  operation: 'authenticate',
  method: 'POST',
  pathTemplate: '/v2.0/tokens',
  path: '/v2.0/tokens',
};

// ---- Pure decisions ---------------------------------------------------------------------

/**
 * Parses Identity's `issued_at`, which is UTC but written without a zone suffix (and with
 * microseconds): treating it as local time would shift it by the machine's offset.
 */
export function parseIdentityTimestamp(value: string): number | undefined {
  const trimmed = value.trim();
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(trimmed);
  const ms = Date.parse(hasZone ? trimmed : `${trimmed}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface TokenValidity {
  /** Local clock time from which a new token should be requested. */
  refreshAtMs: number;
  /** Local clock time at which the token stops working. */
  expiresAtMs: number;
  lifetimeMs: number;
}

/**
 * When to refresh a token just received. The lifetime comes from the server's own
 * `expires - issued_at` when both parse (immune to clock skew between us and Identity),
 * else from `expires` against our clock. The margin never exceeds half the lifetime, so a
 * short-lived token is still used for a while.
 */
export function tokenValidity(expires: string, issuedAt: string | undefined, receivedAtMs: number, marginMs: number): TokenValidity | undefined {
  const expiresMs = parseIdentityTimestamp(expires);
  if (expiresMs === undefined) return undefined;
  const issuedMs = issuedAt === undefined ? undefined : parseIdentityTimestamp(issuedAt);
  const serverLifetime = issuedMs === undefined ? undefined : expiresMs - issuedMs;
  const lifetimeMs = Math.max(0, serverLifetime !== undefined && serverLifetime > 0 ? serverLifetime : expiresMs - receivedAtMs);
  const expiresAtMs = receivedAtMs + lifetimeMs;
  const margin = Math.min(Math.max(0, marginMs), lifetimeMs / 2);
  return { refreshAtMs: expiresAtMs - margin, expiresAtMs, lifetimeMs };
}

export type EndpointLookup = { ok: true; url: string } | { ok: false; message: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function describeEndpointProblem(raw: unknown, error: z.ZodError): string {
  if (!isRecord(raw)) return ' is not an object';
  const field = error.issues[0]?.path[0];
  return field === undefined ? ' is invalid' : `.${String(field)} is ${raw[String(field)] === null ? 'null' : 'missing or not a string'}`;
}

/**
 * The `nasv1` endpoint for a region (case-insensitive). Never another region's. Only `nasv1`
 * entries are looked at; in them an unreadable endpoint is passed over, and named in the
 * message if no readable one serves the region.
 */
export function findNasEndpoint(catalog: ServiceCatalog, region: string): EndpointLookup {
  const nasEntries = catalog.filter((entry): entry is Record<string, unknown> => isRecord(entry) && entry.type === 'nasv1');
  if (nasEntries.length === 0) {
    const types = catalog.map((e) => (isRecord(e) && typeof e.type === 'string' ? e.type : undefined)).filter((t) => t !== undefined);
    return { ok: false, message: `the service catalog has no NAS (nasv1) entry; is NAS enabled for this tenant? (types offered: ${types.join(', ') || 'none'})` };
  }
  const wanted = region.toUpperCase();
  const offered = new Set<string>();
  const unreadable: string[] = [];
  for (const [index, entry] of nasEntries.entries()) {
    const where = nasEntries.length > 1 ? `nasv1 entry ${index + 1}` : 'nasv1 entry';
    if (!Array.isArray(entry.endpoints)) {
      unreadable.push(`${where} has endpoints ${entry.endpoints === null ? 'null' : 'missing or not a list'}`);
      continue;
    }
    for (const [i, raw] of entry.endpoints.entries()) {
      const endpoint = CatalogEndpoint.safeParse(raw);
      if (!endpoint.success) {
        unreadable.push(`${where} endpoints[${i}]${describeEndpointProblem(raw, endpoint.error)}`);
        continue;
      }
      const endpointRegion = endpoint.data.region.toUpperCase();
      if (endpointRegion === wanted) return { ok: true, url: endpoint.data.publicURL.replace(/\/+$/, '') };
      offered.add(endpointRegion);
    }
  }
  const why = unreadable.length > 0 ? `; unreadable: ${unreadable.join('; ')}` : '';
  return { ok: false, message: `no NAS (nasv1) endpoint for region ${wanted} in the service catalog (it offers: ${[...offered].join(', ') || 'none'}${why})` };
}

// ---- Client -------------------------------------------------------------------------------

interface Session {
  token: string;
  catalog: ServiceCatalog;
  validity: TokenValidity;
}

export class IdentityClient {
  readonly identityUrl: string;
  readonly tenantId: string;
  readonly username: string;
  readonly #password: string;
  readonly #marginMs: number;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #clock: () => Date;
  readonly #fetch: typeof fetch;
  readonly #logger: Logger | undefined;
  readonly #random: (() => number) | undefined;
  #session: Session | undefined;
  #inflight: Promise<Session> | undefined;
  /** Local time of the last failed refresh of a still-valid session. */
  #refreshFailedAtMs: number | undefined;

  constructor(credentials: IdentityCredentials, options: IdentityClientOptions = {}) {
    // Copy the fields: keeping the caller's object would keep an enumerable password.
    this.identityUrl = credentials.identityUrl.replace(/\/+$/, '');
    this.tenantId = credentials.tenantId;
    this.username = credentials.username;
    this.#password = credentials.password;
    this.#marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = resolveRetryPolicy(options.retry);
    this.#clock = options.clock ?? (() => new Date());
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#logger = options.logger;
    this.#random = options.random;
  }

  /** A valid token, requesting one if needed (at most one request in flight). */
  async getToken(): Promise<string> {
    return (await this.#validSession()).token;
  }

  /** The service catalog that came with the current token. */
  async getServiceCatalog(): Promise<ServiceCatalog> {
    return (await this.#validSession()).catalog;
  }

  /** Token and catalog of the same session, in one step (what a NAS request needs). */
  async getAuthorization(): Promise<{ readonly token: string; readonly catalog: ServiceCatalog }> {
    const session = await this.#validSession();
    return { token: session.token, catalog: session.catalog };
  }

  /**
   * Forget `token` after the API rejected it (401), so the next getToken() asks Identity
   * again. A token already replaced by a newer one is left alone.
   */
  invalidateToken(token: string): void {
    if (this.#session?.token === token) {
      this.#session = undefined;
      this.#refreshFailedAtMs = undefined;
      this.#logger?.debug({ tenantId: this.tenantId }, 'identity token dropped after 401');
    }
  }

  async #validSession(): Promise<Session> {
    const current = this.#session;
    const now = this.#clock().getTime();
    if (current && now < current.validity.refreshAtMs) return current;
    const stillValid = current !== undefined && now < current.validity.expiresAtMs;
    if (stillValid && this.#refreshFailedAtMs !== undefined && now - this.#refreshFailedAtMs < REFRESH_RETRY_COOLDOWN_MS) {
      return current;
    }
    try {
      return await this.#singleFlight();
    } catch (err) {
      // During the refresh margin the old token still works: an Identity hiccup must not
      // stop NAS calls (nor slow each one down with its own failing refresh).
      if (stillValid && this.#session === current && err instanceof NasApiError && err.retryable) {
        if (this.#refreshFailedAtMs === undefined || now - this.#refreshFailedAtMs >= REFRESH_RETRY_COOLDOWN_MS) {
          this.#refreshFailedAtMs = now;
          this.#logger?.warn({ tenantId: this.tenantId, reason: err.message }, 'identity token refresh failed; using the current token until it expires');
        }
        return current;
      }
      throw err;
    }
  }

  #singleFlight(): Promise<Session> {
    if (!this.#inflight) {
      this.#inflight = this.#authenticate().finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  async #authenticate(): Promise<Session> {
    const body = { auth: { tenantId: this.tenantId, passwordCredentials: { username: this.username, password: this.#password } } };
    const session = await runWithRetries(
      { request: TOKEN_REQUEST, idempotent: true, policy: this.#retry, logger: this.#logger, random: this.#random },
      async () => {
        let raw: RawResponse;
        try {
          raw = await sendOnce({ url: `${this.identityUrl}/v2.0/tokens`, method: 'POST', headers: {}, body, timeoutMs: this.#timeoutMs, fetch: this.#fetch });
        } catch (err) {
          if (err instanceof NoResponse) return noResponseOutcome(TOKEN_REQUEST, err);
          throw err;
        }
        return this.#interpret(raw);
      },
    ).catch((err: unknown) => {
      // "connection refused" alone does not say where: name the Identity URL and its setting.
      if (err instanceof NasApiError && (err.kind === 'network' || err.kind === 'timeout')) {
        throw new NasApiError({ ...err.details(), message: `cannot reach Identity at ${this.identityUrl} (NHN_IDENTITY_URL): ${err.message}` });
      }
      throw err;
    });
    this.#session = session;
    this.#refreshFailedAtMs = undefined;
    this.#logger?.debug(
      { tenantId: this.tenantId, lifetimeMs: session.validity.lifetimeMs, refreshAt: new Date(session.validity.refreshAtMs).toISOString() },
      'identity token issued',
    );
    return session;
  }

  #interpret(raw: RawResponse): AttemptOutcome<Session> {
    if (raw.status === 401) {
      return {
        ok: false,
        error: new NasApiError({
          ...TOKEN_REQUEST,
          kind: 'authentication',
          httpStatus: 401,
          retryable: false,
          message: `authentication failed for user ${this.username} in tenant ${this.tenantId} (check NHN_USERNAME / NHN_API_PASSWORD)`,
        }),
      };
    }
    if (raw.status < 200 || raw.status >= 300) {
      const failure: AttemptFailure = { kind: 'status', status: raw.status };
      return {
        ok: false,
        failure,
        retryAfterMs: parseRetryAfter(raw.headers.get('retry-after'), Date.now()),
        error: new NasApiError({
          ...TOKEN_REQUEST,
          kind: 'status',
          httpStatus: raw.status,
          resultMessage: this.#scrub(keystoneMessage(raw)),
          retryable: isTransient(failure),
        }),
      };
    }
    const parsed = TokenResponse.safeParse(raw.json);
    if (!parsed.success) {
      return { ok: false, error: this.#invalid(raw.json === undefined ? 'token response is not JSON' : `token response does not match the schema at ${firstIssue(parsed.error)}`) };
    }
    const { token, serviceCatalog } = parsed.data.access;
    const validity = tokenValidity(token.expires, token.issued_at ?? undefined, this.#clock().getTime(), this.#marginMs);
    if (!validity) return { ok: false, error: this.#invalid('token response has an unreadable access.token.expires') };
    if (validity.lifetimeMs === 0) {
      this.#logger?.warn({ tenantId: this.tenantId }, 'identity token already expired on arrival (clock skew?); using it once');
    }
    return { ok: true, value: { token: token.id, catalog: serviceCatalog, validity } };
  }

  #invalid(detail: string): NasApiError {
    return new NasApiError({ ...TOKEN_REQUEST, kind: 'invalid-response', retryable: false, detail: `identity ${detail}` });
  }

  /** Belt and braces: the password must not come back to us in a server's message. */
  #scrub(text: string | undefined): string | undefined {
    if (text === undefined || this.#password.length < 4) return text;
    return text.split(this.#password).join('[redacted]');
  }
}

/** Keystone's `{"error":{"message":…,"title":…}}`, else the status text. */
function keystoneMessage(raw: RawResponse): string | undefined {
  const error = (raw.json as { error?: { message?: unknown; title?: unknown } } | undefined)?.error;
  const text = typeof error?.message === 'string' ? error.message : typeof error?.title === 'string' ? error.title : raw.statusText;
  return text ? oneLine(text, 200) : undefined;
}
