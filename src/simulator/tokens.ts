// Identity tokens: issued by POST /v2.0/tokens, valid for every region until they expire
// on the simulated clock or are revoked (an API-password change revokes them in NHN Cloud).
import { randomBytes } from 'node:crypto';
import type { SimClock } from './clock.ts';

export interface IssuedToken {
  id: string;
  tenantId: string;
  issuedAt: Date;
  expiresAt: Date;
}

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clock: SimClock,
    private readonly ttlSeconds: number,
  ) {}

  issue(tenantId: string): IssuedToken {
    const issuedAt = this.clock.now();
    // `expires` is written with second precision; keep the instant the client will read.
    const expiresMs = Math.floor((issuedAt.getTime() + this.ttlSeconds * 1000) / 1000) * 1000;
    const token: IssuedToken = { id: randomBytes(16).toString('hex'), tenantId, issuedAt, expiresAt: new Date(expiresMs) };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The token if it is known and not expired. */
  validate(id: string | undefined): IssuedToken | undefined {
    if (!id) return undefined;
    const token = this.tokens.get(id);
    if (!token) return undefined;
    if (this.clock.nowMs() >= token.expiresAt.getTime()) {
      this.tokens.delete(id);
      return undefined;
    }
    return token;
  }

  revokeAll(): void {
    this.tokens.clear();
  }
}
