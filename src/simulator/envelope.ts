// The NAS response envelope: every answer carries header{isSuccessful,resultCode,resultMessage}
// and resultCode mirrors the HTTP status. Handlers throw NasError; the server turns it into
// an envelope with the same status.

export interface ResponseHeader {
  isSuccessful: boolean;
  resultCode: number;
  resultMessage: string;
}

const STANDARD_MESSAGES: Record<number, string> = {
  200: 'Success',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Authorization failed',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function standardMessage(status: number): string {
  return STANDARD_MESSAGES[status] ?? (status >= 500 ? 'Server Error' : status >= 400 ? 'Client Error' : 'Success');
}

export function header(status: number, message = standardMessage(status)): ResponseHeader {
  return { isSuccessful: status < 400, resultCode: status, resultMessage: message };
}

/** A NAS API failure: the HTTP status and the header's resultMessage. */
export class NasError extends Error {
  override name = 'NasError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new NasError(400, message);
export const notFound = (message: string) => new NasError(404, message);
export const unauthorized = () => new NasError(401, 'Authorization failed');

export function errorBody(status: number, message: string): { header: ResponseHeader } {
  return { header: header(status, message) };
}

/** Keystone-style error body used by the Identity service. */
export function keystoneErrorBody(status: number, message: string) {
  return { error: { code: status, title: keystoneTitle(status), message } };
}

function keystoneTitle(status: number): string {
  if (status === 401) return 'Unauthorized';
  return standardMessage(status);
}
