// The control API's only credential: `Authorization: Bearer <NASORCH_API_TOKEN>`. Compared as
// SHA-256 digests with timingSafeEqual, so neither the length nor a prefix of the token leaks
// through response times. The token itself is never logged or echoed.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export type TokenCheck = 'ok' | 'missing' | 'wrong';

/** A checker for one configured token. */
export function bearerTokenChecker(token: string): (authorization: string | undefined) => TokenCheck {
  if (token.length === 0) throw new Error('NASORCH_API_TOKEN must not be empty');
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (!match) return 'missing';
    return timingSafeEqual(digest(match[1]!), expected) ? 'ok' : 'wrong';
  };
}
