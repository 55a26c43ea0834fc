// One pino logger for the process: JSON lines, pretty on a terminal. Secrets are redacted
// by path; pino's `*` matches one level only, so every depth that can hold one is listed.
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

export type { Logger };

// Redaction paths are case-sensitive: list the spellings that occur (headers arrive both ways).
const SECRET_KEYS = ['password', 'token', 'authorization', 'Authorization', 'x-auth-token', 'X-Auth-Token', 'apiPassword', 'controlToken'];

export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`, `*.*.*${dot}${key}`];
});

/** pino-pretty on a terminal: one line per event (fields inline), to stderr. */
export const PRETTY_OPTIONS = { destination: 2, singleLine: true } as const;

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
}

/** pino-pretty is a dev dependency: an installed package logs JSON lines on a terminal too. */
function prettyPrinterInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const pretty = (options.pretty ?? (process.stdout.isTTY === true && !process.env.CI)) && prettyPrinterInstalled();
  const redact = { paths: REDACT_PATHS, censor: '[redacted]' };
  if (options.destination) return pino({ level, redact }, options.destination as pino.DestinationStream);
  if (pretty) return pino({ level, redact, transport: { target: 'pino-pretty', options: PRETTY_OPTIONS } });
  return pino({ level, redact }, pino.destination(2));
}
