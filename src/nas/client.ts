// Typed client for one region of the NHN Cloud NAS API v1. Each method is one documented
// operation (operations.ts); every answer is validated with its zod schema and every
// failure is a NasApiError. Tokens come from a shared IdentityClient; a 401 drops the
// token and the call is repeated once with a fresh one.
import type { Logger } from 'pino';
import type { z } from 'zod';
import { NasApiError } from './errors.ts';
import { noResponseOutcome, NoResponse, runWithRetries, sendOnce, type AttemptOutcome, type RawResponse, type RequestIdentity } from './http.ts';
import { DEFAULT_TIMEOUT_MS, findNasEndpoint, type IdentityClient, type ServiceCatalog } from './identity.ts';
import { fillPath, NAS_OPERATIONS, type NasOperationName } from './operations.ts';
import { collectUnknownValues, warnUnknownValuesOnce } from './open-enum.ts';
import { checkItems, collectPages, collectPagesReporting, DEFAULT_PAGE_LIMIT, type SkippedItem } from './paging.ts';
import { interpretNasResponse } from './response.ts';
import { resolveRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import {
  Volume as VolumeSchema,
  type CreateMirrorInput,
  type CreateVolumeInput,
  type ListRestoreHistoriesQuery,
  type ListVolumesQuery,
  type MirrorStat,
  type Paging,
  type RestoreHistory,
  type Snapshot,
  type UpdateVolumeInput,
  type Usage,
  type Volume,
  type VolumeInterface,
  type VolumeMirror,
} from './schemas.ts';

export interface NasClientOptions {
  identity: IdentityClient;
  /** KR1, KR2, KR3… (case-insensitive). */
  region: string;
  /** Base URL used instead of the service catalog's (NAS_API_URL). */
  endpointOverride?: string;
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout, whole body included. Default 30 s. */
  timeoutMs?: number;
  /**
   * Awaited before every HTTP request to the NAS API (retries included): a rate limiter's
   * hook. What it throws ends the call unchanged.
   */
  beforeRequest?: () => Promise<void>;
  /** Debug lines per request; never headers, bodies or tokens. */
  logger?: Logger;
  /** Called after every HTTP request (retries included), e.g. to count them for metrics. */
  onRequest?: (event: NasRequestEvent) => void;
  fetch?: typeof fetch;
  random?: () => number;
}

/** One finished HTTP exchange with the NAS API. */
export interface NasRequestEvent {
  operation: string;
  region?: string;
  /** HTTP status, or why there was none: 'timeout' | 'network' | 'aborted'. */
  outcome: number | string;
  durationMs: number;
}

export interface CallOptions {
  /** Abandons the call (waits and in-flight request); the error has kind 'aborted'. */
  signal?: AbortSignal;
  /**
   * Override the operation's idempotency. Pass `true` for a create only when the caller
   * will detect a duplicate (e.g. looks the snapshot up by name before retrying).
   */
  idempotent?: boolean;
  /**
   * Treat a 503 as "may have been applied": a gateway can answer 503 for a backend that acted
   * (seen after lost create replies). The call is then not repeated (unless idempotent) and
   * fails with `outcomeUnknown: true`, for the caller's lookup to settle, as after a timeout.
   */
  distrust503?: boolean;
  /**
   * Called with every HTTP answer of this call (retries included): status, the API's resultCode
   * and the `Date` header (server time, failover-research.md A9). Never headers with tokens.
   */
  onResponse?: (response: NasResponseInfo) => void;
}

/** What `CallOptions.onResponse` receives: safe to record (no token, no body). */
export interface NasResponseInfo {
  operation: string;
  method: string;
  region: string;
  path: string;
  status: number;
  resultCode: number | null;
  /** The HTTP `Date` header, null when absent or unreadable. */
  date: Date | null;
}

type Authorization = Awaited<ReturnType<IdentityClient['getAuthorization']>>;

/** What an operation's schema yields. */
type OperationResult<N extends NasOperationName> = z.output<(typeof NAS_OPERATIONS)[N]['response']>;

type Query = Record<string, string | number | boolean | undefined>;

interface Call {
  params?: Record<string, string>;
  query?: Query;
  body?: unknown;
  options?: CallOptions;
}

export class NasClient {
  readonly region: string;
  readonly #identity: IdentityClient;
  readonly #endpointOverride: string | undefined;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #beforeRequest: (() => Promise<void>) | undefined;
  readonly #logger: Logger | undefined;
  readonly #onRequest: ((event: NasRequestEvent) => void) | undefined;
  readonly #fetch: typeof fetch;
  readonly #random: (() => number) | undefined;

  constructor(options: NasClientOptions) {
    this.region = options.region.toUpperCase();
    this.#identity = options.identity;
    this.#endpointOverride = options.endpointOverride?.replace(/\/+$/, '');
    this.#retry = resolveRetryPolicy(options.retry);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#beforeRequest = options.beforeRequest;
    this.#logger = options.logger;
    this.#onRequest = options.onRequest;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#random = options.random;
  }

  // ---- Volumes ----------------------------------------------------------------------------

  /**
   * One page of volumes. Entries are checked one by one: one that does not match the schema
   * (no usable id or name, …) is left out and listed in `skipped` with the field at fault.
   */
  async listVolumes(query: ListVolumesQuery = {}, options?: CallOptions): Promise<{ volumes: Volume[]; paging: Paging; skipped: SkippedItem[] }> {
    const { volumes: raw, paging } = await this.#call('listVolumes', { query: { ...query }, options });
    const { result, unknown } = collectUnknownValues(() => checkItems(raw, VolumeSchema));
    warnUnknownValuesOnce(this.#logger, unknown, { operation: 'listVolumes', region: this.region });
    return { volumes: result.items, paging, skipped: result.skipped };
  }

  /** Every volume matching the filters (all pages, `limit` = page size), and the entries skipped as malformed. */
  async listAllVolumesReporting(query: Omit<ListVolumesQuery, 'page'> = {}, options?: CallOptions): Promise<{ volumes: Volume[]; skipped: SkippedItem[] }> {
    const { items, skipped } = await collectPagesReporting(
      async (page, limit) => {
        const { volumes, paging, skipped } = await this.listVolumes({ ...query, page, limit }, options);
        return { items: volumes, paging, skipped };
      },
      { limit: query.limit ?? DEFAULT_PAGE_LIMIT },
      (volume) => volume.id,
    );
    return { volumes: items, skipped };
  }

  /** Every volume matching the filters; malformed entries are left out with a warning each. */
  async listAllVolumes(query: Omit<ListVolumesQuery, 'page'> = {}, options?: CallOptions): Promise<Volume[]> {
    const { volumes, skipped } = await this.listAllVolumesReporting(query, options);
    for (const entry of skipped) {
      this.#logger?.warn({ region: this.region, ...entry }, `skipped a malformed volume in the ${this.region} listing: ${describeSkippedVolume(entry)}`);
    }
    return volumes;
  }

  async getVolume(volumeId: string, options?: CallOptions): Promise<Volume> {
    return (await this.#call('getVolume', { params: { volumeId }, options })).volume;
  }

  /** Not retried after a timeout unless `options.idempotent` (it could create two volumes). */
  async createVolume(volume: CreateVolumeInput, options?: CallOptions): Promise<Volume> {
    return (await this.#call('createVolume', { body: { volume }, options })).volume;
  }

  /** Accepted asynchronously (202); poll getVolume for the result. */
  async updateVolume(volumeId: string, volume: UpdateVolumeInput, options?: CallOptions): Promise<void> {
    await this.#call('updateVolume', { params: { volumeId }, body: { volume }, options });
  }

  async deleteVolume(volumeId: string, options?: CallOptions): Promise<void> {
    await this.#call('deleteVolume', { params: { volumeId }, options });
  }

  // ---- Interfaces -------------------------------------------------------------------------

  async createInterface(volumeId: string, input: { subnetId: string }, options?: CallOptions): Promise<VolumeInterface> {
    return (await this.#call('createInterface', { params: { volumeId }, body: { interface: input }, options })).interface;
  }

  async deleteInterface(volumeId: string, interfaceId: string, options?: CallOptions): Promise<void> {
    await this.#call('deleteInterface', { params: { volumeId, interfaceId }, options });
  }

  // ---- Restore histories and usage ----------------------------------------------------

  async listRestoreHistories(
    volumeId: string,
    query: ListRestoreHistoriesQuery = {},
    options?: CallOptions,
  ): Promise<{ restoreHistories: RestoreHistory[]; paging: Paging }> {
    const { restoreHistories, paging } = await this.#call('listRestoreHistories', { params: { volumeId }, query: { ...query }, options });
    return { restoreHistories, paging };
  }

  async listAllRestoreHistories(volumeId: string, query: Omit<ListRestoreHistoriesQuery, 'page'> = {}, options?: CallOptions): Promise<RestoreHistory[]> {
    return collectPages(
      async (page, limit) => {
        const { restoreHistories, paging } = await this.listRestoreHistories(volumeId, { ...query, page, limit }, options);
        return { items: restoreHistories, paging };
      },
      { limit: query.limit ?? DEFAULT_PAGE_LIMIT },
    );
  }

  async getUsage(volumeId: string, options?: CallOptions): Promise<Usage> {
    return (await this.#call('getUsage', { params: { volumeId }, options })).usage;
  }

  // ---- Snapshots ---------------------------------------------------------------------------

  /** All snapshots of the volume (this listing is not paged). */
  async listSnapshots(volumeId: string, options?: CallOptions): Promise<Snapshot[]> {
    return (await this.#call('listSnapshots', { params: { volumeId }, options })).snapshots;
  }

  /** Not retried after a timeout unless `options.idempotent`: look the name up before trying again. */
  async createSnapshot(volumeId: string, input: { name: string }, options?: CallOptions): Promise<Snapshot> {
    return (await this.#call('createSnapshot', { params: { volumeId }, body: { snapshot: input }, options })).snapshot;
  }

  async getSnapshot(
    volumeId: string,
    snapshotId: string,
    options: CallOptions & { showReclaimableSpace?: boolean } = {},
  ): Promise<Snapshot> {
    const { showReclaimableSpace, ...callOptions } = options;
    const query = showReclaimableSpace === undefined ? {} : { showReclaimableSpace };
    return (await this.#call('getSnapshot', { params: { volumeId, snapshotId }, query, options: callOptions })).snapshot;
  }

  async deleteSnapshot(volumeId: string, snapshotId: string, options?: CallOptions): Promise<void> {
    await this.#call('deleteSnapshot', { params: { volumeId, snapshotId }, options });
  }

  /** Rolls the volume back to the snapshot and DELETES every newer snapshot. */
  async restoreSnapshot(volumeId: string, snapshotId: string, options?: CallOptions): Promise<void> {
    await this.#call('restoreSnapshot', { params: { volumeId, snapshotId }, options });
  }

  // ---- Volume mirrors (replication) ----------------------------------------------------

  async createMirror(volumeId: string, volumeMirror: CreateMirrorInput, options?: CallOptions): Promise<VolumeMirror> {
    return (await this.#call('createMirror', { params: { volumeId }, body: { volumeMirror }, options })).volumeMirror;
  }

  async deleteMirror(volumeId: string, mirrorId: string, options?: CallOptions): Promise<void> {
    await this.#call('deleteMirror', { params: { volumeId, mirrorId }, options });
  }

  /** Resumes replication; writes made on the destination meanwhile are discarded. */
  async startMirror(volumeId: string, mirrorId: string, options?: CallOptions): Promise<void> {
    await this.#call('startMirror', { params: { volumeId, mirrorId }, options });
  }

  /** Replicates up to now, then halts; the destination becomes writable (failover). */
  async stopMirror(volumeId: string, mirrorId: string, options?: CallOptions): Promise<void> {
    await this.#call('stopMirror', { params: { volumeId, mirrorId }, options });
  }

  /** Swaps source and destination; the new destination is wiped and re-synced. Never retried blindly. */
  async invertMirrorDirection(volumeId: string, mirrorId: string, options?: CallOptions): Promise<void> {
    await this.#call('invertMirrorDirection', { params: { volumeId, mirrorId }, options });
  }

  async getMirrorStat(volumeId: string, mirrorId: string, options?: CallOptions): Promise<MirrorStat> {
    return (await this.#call('getMirrorStat', { params: { volumeId, mirrorId }, options })).volumeMirrorStat;
  }

  // ---- Plumbing ----------------------------------------------------------------------------

  async #call<N extends NasOperationName>(name: N, call: Call): Promise<OperationResult<N>> {
    const spec = NAS_OPERATIONS[name];
    const request: RequestIdentity = {
      operation: name,
      method: spec.method,
      pathTemplate: spec.path,
      path: fillPath(spec.path, call.params ?? {}),
      region: this.region,
    };
    const signal = call.options?.signal;
    if (signal?.aborted) throw new NasApiError({ ...request, kind: 'aborted', retryable: false, detail: 'aborted by caller' });
    const search = queryString(call.query);
    const schema = spec.response;
    // A 401 earns one fresh token and one more request per call, not per attempt.
    let reauthenticated = false;
    return runWithRetries<OperationResult<N>>(
      {
        request,
        idempotent: call.options?.idempotent ?? spec.idempotent,
        distrust503: call.options?.distrust503,
        policy: this.#retry,
        signal,
        logger: this.#logger,
        random: this.#random,
      },
      async (attempt) => {
        const send = async ({ token, catalog }: Authorization): Promise<RawResponse | AttemptOutcome<never>> => {
          const base = this.#baseUrl(request, catalog);
          await this.#beforeRequest?.();
          const started = performance.now();
          try {
            const raw = await sendOnce({
              url: `${base}${request.path}${search}`,
              method: spec.method,
              headers: { 'X-Auth-Token': token },
              body: call.body,
              timeoutMs: this.#timeoutMs,
              signal,
              fetch: this.#fetch,
            });
            this.#logRequest(request, attempt, raw.status, started);
            call.options?.onResponse?.(responseInfo(request, raw));
            return raw;
          } catch (err) {
            if (!(err instanceof NoResponse)) throw err;
            this.#logRequest(request, attempt, err.failure.kind, started);
            return noResponseOutcome(request, err);
          }
        };
        const authorization = await this.#identity.getAuthorization();
        let result = await send(authorization);
        if (isRaw(result) && result.status === 401 && !reauthenticated) {
          // Revoked or expired early (password change, lost permission): one fresh token, one more try.
          reauthenticated = true;
          this.#identity.invalidateToken(authorization.token);
          result = await send(await this.#identity.getAuthorization());
        }
        if (!isRaw(result)) return result;
        const raw = result;
        const { result: outcome, unknown } = collectUnknownValues(() => interpretNasResponse(raw, schema, request));
        warnUnknownValuesOnce(this.#logger, unknown, { operation: name, region: this.region });
        return outcome as AttemptOutcome<OperationResult<N>>;
      },
    );
  }

  #baseUrl(request: RequestIdentity, catalog: ServiceCatalog): string {
    if (this.#endpointOverride) return this.#endpointOverride;
    const lookup = findNasEndpoint(catalog, this.region);
    if (lookup.ok) return lookup.url;
    throw new NasApiError({ ...request, kind: 'endpoint', retryable: false, message: lookup.message });
  }

  #logRequest(request: RequestIdentity, attempt: number, outcome: number | string, startedAt: number): void {
    const durationMs = performance.now() - startedAt;
    try {
      this.#onRequest?.({ operation: request.operation, ...(request.region ? { region: request.region } : {}), outcome, durationMs });
    } catch {
      // An observer's failure must not fail the call.
    }
    this.#logger?.debug(
      {
        operation: request.operation,
        method: request.method,
        path: request.path,
        region: request.region,
        attempt,
        outcome,
        durationMs: Math.round(durationMs),
      },
      'nas request',
    );
  }
}

function responseInfo(request: RequestIdentity, raw: RawResponse): NasResponseInfo {
  const header = raw.headers.get('date');
  const date = header ? new Date(header) : null;
  const code = (raw.json as { header?: { resultCode?: unknown } } | undefined)?.header?.resultCode;
  return {
    operation: request.operation,
    method: request.method,
    region: request.region ?? '',
    path: request.path,
    status: raw.status,
    resultCode: typeof code === 'number' ? code : null,
    date: date && !Number.isNaN(date.getTime()) ? date : null,
  };
}

/** `volume #3 (id "…", no name): name: expected string, received null` */
export function describeSkippedVolume(entry: SkippedItem): string {
  const names = [entry.id ? `id "${entry.id}"` : 'no id', entry.name ? `name "${entry.name}"` : 'no name'].join(', ');
  return `volume #${entry.position + 1} (${names}): ${entry.field}: ${entry.problem}`;
}

function isRaw(value: RawResponse | AttemptOutcome<never>): value is RawResponse {
  return 'status' in value;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
