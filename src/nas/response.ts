// How a NAS API answer is judged: success is a 2xx status AND `header.isSuccessful: true`
// AND a body matching the operation's schema. Everything else becomes a NasApiError.
import type { z } from 'zod';
import { NasApiError, oneLine } from './errors.ts';
import type { AttemptOutcome, RawResponse, RequestIdentity } from './http.ts';
import { outcomeUnknown, parseRetryAfter, type AttemptFailure } from './retry-policy.ts';
import { ResponseHeader } from './schemas.ts';

/** `["volumes", 0, "sizeGb"]` → `volumes[0].sizeGb`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** First schema violation as `path: message`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return `${formatIssuePath(issue.path)}: ${issue.message}`;
}

function headerOf(body: unknown): ResponseHeader | undefined {
  const parsed = ResponseHeader.safeParse((body as { header?: unknown } | undefined)?.header);
  return parsed.success ? parsed.data : undefined;
}

export function interpretNasResponse<S extends z.ZodType>(
  raw: RawResponse,
  schema: S,
  request: RequestIdentity,
  now: () => number = Date.now,
): AttemptOutcome<z.output<S>> {
  const header = headerOf(raw.json);
  const is2xx = raw.status >= 200 && raw.status < 300;

  if (!is2xx || header?.isSuccessful === false) {
    // On 2xx with isSuccessful:false, resultCode is the real status.
    const effectiveStatus = is2xx ? (header?.resultCode ?? 500) : raw.status;
    const failure: AttemptFailure = { kind: 'status', status: effectiveStatus };
    const resultMessage = header?.resultMessage ?? (raw.json === undefined && raw.text ? oneLine(raw.text, 120) : raw.statusText);
    return {
      ok: false,
      failure,
      retryAfterMs: parseRetryAfter(raw.headers.get('retry-after'), now()),
      error: new NasApiError({
        ...request,
        kind: 'status',
        httpStatus: raw.status,
        resultCode: header?.resultCode,
        resultMessage: resultMessage || undefined,
        retryable: effectiveStatus >= 500 || effectiveStatus === 429,
        outcomeUnknown: outcomeUnknown(failure, request.method),
      }),
    };
  }

  if (raw.json === undefined) {
    return invalid(request, raw.status, raw.text.trim() === '' ? 'empty response body' : 'response body is not JSON');
  }
  const parsed = schema.safeParse(raw.json);
  if (!parsed.success) {
    return invalid(request, raw.status, `response does not match the ${request.operation} schema at ${firstIssue(parsed.error)}`);
  }
  return { ok: true, value: parsed.data };
}

function invalid(request: RequestIdentity, httpStatus: number, detail: string): AttemptOutcome<never> {
  // Not retryable: the same server would give the same answer. The request did succeed,
  // so a mutating call most likely took effect.
  return {
    ok: false,
    error: new NasApiError({ ...request, kind: 'invalid-response', httpStatus, retryable: false, outcomeUnknown: request.method !== 'GET', detail }),
  };
}
