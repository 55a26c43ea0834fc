// The status page's pure parts: escaping, the verdict, time wording, overdue and optional sections.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../src/status-page/html.ts';
import type { StatusPageData } from '../../src/status-page/page-data.ts';
import { ago, duration, renderStatusPage } from '../../src/status-page/render-page.ts';

const NOW = new Date('2026-12-03T03:00:00Z');

function data(overrides: Partial<StatusPageData> = {}): StatusPageData {
  return { generatedAt: NOW, policies: [], alerts: [], pairs: [], recentRuns: [], ...overrides };
}

describe('html', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"quoted" & 'single'`, '&quot;quoted&quot; &amp; &#39;single&#39;'],
    ['plain', 'plain'],
  ])('escapes %s', (input, output) => {
    expect(escapeHtml(input)).toBe(output);
    expect(html`<p title="${input}">${input}</p>`.text).toBe(`<p title="${output}">${output}</p>`);
  });

  it('nests templates unescaped, joins arrays, drops null/undefined/false', () => {
    const items = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}</ul>`.text).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
  });
});

describe('time wording', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [61, '1m 1s'],
    [3600, '1h 0m'],
    [3 * 86_400 + 7200, '3d 2h'],
  ])('duration(%i) = %s', (seconds, text) => expect(duration(seconds)).toBe(text));

  it('says ago for the past and in for the future', () => {
    expect(ago(new Date(NOW.getTime() - 90_000), NOW)).toBe('1m 30s ago');
    expect(ago(new Date(NOW.getTime() + 7_200_000), NOW)).toBe('in 2h 0m');
  });
});

describe('renderStatusPage', () => {
  const alert = (severity: string, message: string) => ({ key: `k-${message}`, severity, message, policy: null, firstSeenAt: NOW, lastSeenAt: NOW, count: 1 });

  it.each([
    [[], 'No open alerts', 'ok'],
    [[alert('warning', 'w')], '1 warning open', 'warning'],
    [[alert('critical', 'c'), alert('critical', 'd'), alert('warning', 'w')], '2 critical, 1 warning open', 'critical'],
  ])('verdict for %j', (alerts, text, cls) => {
    const page = renderStatusPage(data({ alerts }), { refreshSeconds: 15 });
    expect(page).toContain(`<header class="verdict ${cls}">`);
    expect(page).toContain(`<p id="verdict">${text}</p>`);
    expect(page).toContain('<meta http-equiv="refresh" content="15">');
  });

  it('escapes everything that comes from the database or the API', () => {
    const page = renderStatusPage(
      data({
        alerts: [alert('critical', '<img src=x onerror=alert(1)>')],
        recentRuns: [
          { id: 'r', kind: 'snapshot', policy: 'p', volumeId: 'v', volumeName: '<b>vol</b>', status: 'failed', trigger: 'schedule', startedAt: NOW, finishedAt: NOW, error: '"quoted" <error>' },
        ],
      }),
      { refreshSeconds: 30 },
    );
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>vol');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&quot;quoted&quot; &lt;error&gt;');
  });

  it('marks an overdue kind, names prune as following snapshots, and shows times in the policy zone', () => {
    const page = renderStatusPage(
      data({
        policies: [
          {
            name: 'prod',
            region: 'KR1',
            timezone: 'Asia/Seoul',
            volumes: [
              {
                id: 'v1',
                name: 'prod-db',
                kinds: [
                  { kind: 'snapshot', lastStatus: 'failed', lastStartedAt: NOW, lastSuccessAt: new Date('2026-12-01T03:00:00Z'), nextRunAt: null, overdue: true },
                  { kind: 'prune', lastStatus: 'succeeded', lastStartedAt: NOW, lastSuccessAt: NOW, nextRunAt: null, overdue: false },
                ],
              },
            ],
          },
        ],
      }),
      { refreshSeconds: 30 },
    );
    expect(page.match(/badge failed">overdue/g)).toHaveLength(1);
    expect(page).toContain('after each snapshot');
    expect(page).toContain('2026-12-03 12:00:00'); // 03:00Z in Seoul
  });

  it('has a failover section only when failover runs are given', () => {
    expect(renderStatusPage(data(), { refreshSeconds: 30 })).not.toContain('id="failover"');
    const page = renderStatusPage(data({ failoverRuns: [] }), { refreshSeconds: 30 });
    expect(page).toContain('id="failover"');
    expect(page).toContain('None yet.');
  });
});
