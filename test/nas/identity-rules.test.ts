import { describe, expect, it } from 'vitest';
import { findNasEndpoint, parseIdentityTimestamp, tokenValidity, type CatalogEntry } from '../../src/nas/identity.ts';

describe('parseIdentityTimestamp', () => {
  it('reads issued_at (no zone, microseconds) as UTC, not local time', () => {
    expect(parseIdentityTimestamp('2025-04-01T06:44:25.123456')).toBe(Date.UTC(2025, 3, 1, 6, 44, 25, 123));
  });
  it('reads expires with its Z', () => {
    expect(parseIdentityTimestamp('2025-04-01T18:44:25Z')).toBe(Date.UTC(2025, 3, 1, 18, 44, 25));
  });
  it('rejects garbage', () => {
    expect(parseIdentityTimestamp('tomorrow')).toBeUndefined();
  });
});

describe('tokenValidity', () => {
  const issued = Date.UTC(2025, 3, 1, 6, 0, 0);
  const hour = 3_600_000;

  it('refreshes the margin before expiry', () => {
    const v = tokenValidity('2025-04-01T18:00:00Z', '2025-04-01T06:00:00.000000', issued, 5 * 60_000)!;
    expect(v.lifetimeMs).toBe(12 * hour);
    expect(v.expiresAtMs).toBe(issued + 12 * hour);
    expect(v.refreshAtMs).toBe(issued + 12 * hour - 5 * 60_000);
  });

  it('never uses more than half the lifetime as margin', () => {
    const v = tokenValidity('2025-04-01T06:04:00Z', '2025-04-01T06:00:00.000000', issued, 5 * 60_000)!;
    expect(v.refreshAtMs).toBe(issued + 2 * 60_000);
  });

  it('measures the lifetime on the server clock, so local clock skew does not matter', () => {
    const skewedLocalNow = issued + 2 * hour; // our clock runs two hours ahead
    const v = tokenValidity('2025-04-01T07:00:00Z', '2025-04-01T06:00:00.000000', skewedLocalNow, 0)!;
    expect(v.expiresAtMs).toBe(skewedLocalNow + hour);
  });

  it('falls back to expires against the local clock without issued_at', () => {
    const v = tokenValidity('2025-04-01T07:00:00Z', undefined, issued, 0)!;
    expect(v.expiresAtMs).toBe(issued + hour);
  });

  it('returns undefined for an unreadable expires', () => {
    expect(tokenValidity('never', undefined, issued, 0)).toBeUndefined();
  });
});

describe('findNasEndpoint', () => {
  const catalog: CatalogEntry[] = [
    { type: 'compute', endpoints: [{ region: 'KR1', publicURL: 'https://compute' }] },
    {
      type: 'nasv1',
      name: 'nas',
      endpoints: [
        { region: 'KR1', publicURL: 'https://kr1-api-nas-infrastructure.nhncloudservice.com/' },
        { region: 'KR2', publicURL: 'https://kr2-api-nas-infrastructure.nhncloudservice.com' },
      ],
    },
  ];

  it('matches the region case-insensitively and trims the trailing slash', () => {
    expect(findNasEndpoint(catalog, 'kr1')).toEqual({ ok: true, url: 'https://kr1-api-nas-infrastructure.nhncloudservice.com' });
  });

  it('never falls back to another region, and names the regions offered', () => {
    expect(findNasEndpoint(catalog, 'KR3')).toEqual({
      ok: false,
      message: 'no NAS (nasv1) endpoint for region KR3 in the service catalog (it offers: KR1, KR2)',
    });
  });

  it('says so when NAS is missing altogether', () => {
    const lookup = findNasEndpoint([catalog[0]!], 'KR1');
    expect(lookup.ok).toBe(false);
    expect(!lookup.ok && lookup.message).toMatch(/no NAS \(nasv1\) entry.*compute/);
  });
});
