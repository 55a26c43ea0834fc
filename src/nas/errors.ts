// The one error type every NAS client failure surfaces as (token requests included), so
// callers branch on fields, not on classes. Its message is a single human line; it never
// carries the token, the password or request headers.

export type NasFailureKind =
  /** The server answered with a non-2xx status, or 2xx with `header.isSuccessful: false`. */
  | 'status'
  /** No complete answer within the per-request timeout. */
  | 'timeout'
  /** Connection refused/reset, DNS failure, TLS failure… */
  | 'network'
  /** 2xx answer whose body does not match the documented schema. */
  | 'invalid-response'
  /** Identity rejected the credentials (401 on POST /v2.0/tokens). */
  | 'authentication'
  /** The service catalog has no NAS endpoint for the region. */
  | 'endpoint'
  /** The caller's AbortSignal fired. */
  | 'aborted';

export interface NasApiErrorDetails {
  kind: NasFailureKind;
  /** Client operation, e.g. `createSnapshot`, or `authenticate` for the token request. */
  operation: string;
  method: string;
  /** Path template, e.g. `/v1/volumes/{volumeId}/snapshots`. */
  pathTemplate: string;
  /** Concrete path without query string, e.g. `/v1/volumes/3f…/snapshots`. */
  path: string;
  region?: string;
  httpStatus?: number;
  resultCode?: number;
  resultMessage?: string;
  /**
   * The failure is transient (5xx, 429, timeout, network): trying again later may succeed.
   * For non-idempotent operations check first whether the first try took effect
   * (see `outcomeUnknown`).
   */
  retryable: boolean;
  /**
   * A mutating request may have been applied even though it failed (timeout, reset, most 5xx),
   * in this attempt or an earlier one of the same call: a 400 to a retry after a timeout often
   * means the first attempt took effect. Re-observe before deciding.
   */
  outcomeUnknown?: boolean;
  /** The last attempt failed definitely, but an earlier attempt's outcome is unknown (so is the call's). */
  earlierOutcomeUnknown?: boolean;
  /** How many HTTP requests were made for this call. */
  attempts?: number;
  /** One-line explanation; defaults to one derived from the fields. */
  detail?: string;
  /** Complete message, for failures that are not about one request (authentication, endpoint). */
  message?: string;
  cause?: unknown;
}

const MAX_SERVER_TEXT = 300;

/** Server-provided text made safe for a one-line message. */
export function oneLine(text: string, max = MAX_SERVER_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export class NasApiError extends Error {
  override name = 'NasApiError';
  readonly kind: NasFailureKind;
  readonly operation: string;
  readonly method: string;
  readonly pathTemplate: string;
  readonly path: string;
  readonly region: string | undefined;
  readonly httpStatus: number | undefined;
  readonly resultCode: number | undefined;
  readonly resultMessage: string | undefined;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;
  readonly earlierOutcomeUnknown: boolean;
  readonly attempts: number;
  /** The part of the message after "failed: " (without the attempt count), if given explicitly. */
  readonly detail: string | undefined;

  constructor(details: NasApiErrorDetails) {
    super(details.message ?? describe(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.operation = details.operation;
    this.method = details.method;
    this.pathTemplate = details.pathTemplate;
    this.path = details.path;
    this.region = details.region;
    this.httpStatus = details.httpStatus;
    this.resultCode = details.resultCode;
    this.resultMessage = details.resultMessage;
    this.retryable = details.retryable;
    this.earlierOutcomeUnknown = details.earlierOutcomeUnknown ?? false;
    this.outcomeUnknown = (details.outcomeUnknown ?? false) || this.earlierOutcomeUnknown;
    this.attempts = details.attempts ?? 1;
    this.detail = details.detail;
  }

  /** Same error, with the attempt count the retry loop ended at. */
  withAttempts(attempts: number): NasApiError {
    if (attempts === this.attempts) return this;
    return new NasApiError({ ...this.details(), attempts, message: undefined });
  }

  /** Same error, marked as possibly applied (by this attempt, or by an earlier one: `earlier`). */
  withOutcomeUnknown(earlier: boolean): NasApiError {
    if (this.outcomeUnknown && this.earlierOutcomeUnknown === (earlier || this.earlierOutcomeUnknown)) return this;
    return new NasApiError({
      ...this.details(),
      outcomeUnknown: true,
      earlierOutcomeUnknown: earlier || this.earlierOutcomeUnknown,
      message: this.kind === 'authentication' || this.kind === 'endpoint' ? this.message : undefined,
    });
  }

  details(): NasApiErrorDetails {
    return {
      kind: this.kind,
      operation: this.operation,
      method: this.method,
      pathTemplate: this.pathTemplate,
      path: this.path,
      region: this.region,
      httpStatus: this.httpStatus,
      resultCode: this.resultCode,
      resultMessage: this.resultMessage,
      retryable: this.retryable,
      outcomeUnknown: this.outcomeUnknown,
      earlierOutcomeUnknown: this.earlierOutcomeUnknown,
      attempts: this.attempts,
      detail: this.detail,
      ...(this.kind === 'authentication' || this.kind === 'endpoint' ? { message: this.message } : {}),
      ...(this.cause === undefined ? {} : { cause: this.cause }),
    };
  }

  /** Fields only (no stack, no cause): what logs and JSON output should carry. */
  toJSON(): Record<string, unknown> {
    const { detail: _detail, cause: _cause, message: _message, ...fields } = this.details();
    return { name: this.name, message: this.message, ...fields };
  }
}

function describe(d: NasApiErrorDetails): string {
  const where = `${d.method} ${d.path}${d.region ? ` (${d.region})` : ''}`;
  const attempts = (d.attempts ?? 1) > 1 ? ` after ${d.attempts} attempts` : '';
  const earlier = d.earlierOutcomeUnknown ? ' (an earlier attempt may have taken effect)' : '';
  return `${where} failed: ${d.detail ?? statusDetail(d)}${attempts}${earlier}`;
}

function statusDetail(d: NasApiErrorDetails): string {
  const parts: string[] = [];
  if (d.httpStatus !== undefined) parts.push(String(d.httpStatus));
  if (d.resultMessage) parts.push(oneLine(d.resultMessage));
  let text = parts.join(' ') || d.kind;
  if (d.resultCode !== undefined) text += ` [resultCode ${d.resultCode}]`;
  return text;
}

export function isNasApiError(err: unknown): err is NasApiError {
  return err instanceof NasApiError;
}
