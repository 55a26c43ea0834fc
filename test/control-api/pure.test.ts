import { describe, expect, it } from 'vitest';
import { readAlertmanagerPayload } from '../../src/control-api/alertmanager-payload.ts';
import { bearerTokenChecker } from '../../src/control-api/bearer-token.ts';

describe('bearerTokenChecker', () => {
  const check = bearerTokenChecker('s3cret-token');
  it.each([
    ['Bearer s3cret-token', 'ok'],
    ['bearer s3cret-token', 'ok'],
    ['Bearer  s3cret-token ', 'ok'],
    ['Bearer s3cret-tokem', 'wrong'],
    ['Bearer s3cret', 'wrong'],
    ['Bearer s3cret-token-and-more', 'wrong'],
    ['Basic czNjcmV0', 'missing'],
    ['s3cret-token', 'missing'],
    ['', 'missing'],
    [undefined, 'missing'],
  ])('%j → %s', (header, verdict) => expect(check(header)).toBe(verdict));
  it('refuses an empty configured token', () => expect(() => bearerTokenChecker('')).toThrow(/NASORCH_API_TOKEN/));
});

describe('readAlertmanagerPayload', () => {
  const alert = (labels: Record<string, string>, status = 'firing') => ({ status, labels, annotations: { summary: 'KR1 NAS down' }, startsAt: '2026-12-03T10:00:00Z' });
  const payload = (alerts: unknown[], over: Record<string, unknown> = {}) => ({ version: '4', groupKey: '{}:{alertname="NasDown"}', status: 'firing', receiver: 'nasorch', alerts, ...over });

  it('one request per (group, kind) of the firing alerts, keyed by the group key', () => {
    const result = readAlertmanagerPayload(
      payload([
        alert({ alertname: 'NasDown', nasorch_group: 'web-dr', nasorch_kind: 'emergency' }),
        alert({ alertname: 'NasDown', nasorch_group: 'web-dr', nasorch_kind: 'emergency', instance: 'b' }),
        alert({ alertname: 'NasDown', nasorch_group: 'db-dr', nasorch_kind: 'emergency' }),
        alert({ alertname: 'NasDown', nasorch_group: 'web-dr', nasorch_kind: 'emergency' }, 'resolved'),
        alert({ alertname: 'Other' }),
      ]),
    );
    expect(result).toEqual({
      ok: true,
      ignored: 2,
      requests: [
        { groupKey: '{}:{alertname="NasDown"}|web-dr|emergency', group: 'web-dr', kind: 'emergency', reason: 'Alertmanager: NasDown — KR1 NAS down' },
        { groupKey: '{}:{alertname="NasDown"}|db-dr|emergency', group: 'db-dr', kind: 'emergency', reason: 'Alertmanager: NasDown — KR1 NAS down' },
      ],
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'hello', /alertmanager payload: body:/],
    ['no groupKey', { version: '4', status: 'firing', alerts: [] }, /groupKey/],
    ['alerts not a list', { version: '4', groupKey: 'k', status: 'firing', alerts: {} }, /alerts/],
    ['another version', { version: '3', groupKey: 'k', status: 'firing', alerts: [] }, /version: expected "4"/],
  ])('%s: a one-line error naming the field', (_name, body, message) => {
    const result = readAlertmanagerPayload(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.error).not.toContain('\n');
    }
  });
});
