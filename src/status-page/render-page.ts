// The status page as HTML: pure (data in, text out), no scripts, refreshed by the browser.
// Built for a phone at 3 a.m.: the verdict first (open alerts), then policies, replication,
// failover and recent runs; cards that stack on a narrow screen, tables that scroll sideways.
import type { FailoverRunSummary } from '../metrics/failover-view.ts';
import { html, type Html } from './html.ts';
import type { AlertRow, KindCell, PairRow, PolicyRow, RunRow, StatusPageData } from './page-data.ts';

export interface RenderOptions {
  refreshSeconds: number;
}

export function renderStatusPage(data: StatusPageData, options: RenderOptions): string {
  const now = data.generatedAt;
  const critical = data.alerts.filter((a) => a.severity === 'critical').length;
  const warning = data.alerts.length - critical;
  const verdict = critical > 0 ? 'critical' : warning > 0 ? 'warning' : 'ok';
  const verdictText =
    verdict === 'ok' ? 'No open alerts' : [critical && `${critical} critical`, warning && `${warning} warning`].filter(Boolean).join(', ') + ' open';
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${options.refreshSeconds}">
<link rel="icon" href="data:,">
<title>${verdict === 'ok' ? '' : `(${data.alerts.length}) `}nasorch status</title>
<style>${STYLE}</style>
</head>
<body>
<header class="verdict ${verdict}">
  <h1>nasorch</h1>
  <p id="verdict">${verdictText}</p>
  <p class="muted">As of ${time(now, 'UTC')} UTC · refreshes every ${options.refreshSeconds} s</p>
</header>
<main>
${alertsSection(data.alerts, now)}
${policiesSection(data.policies, now)}
${pairsSection(data.pairs, now)}
${data.failoverRuns ? failoverSection(data.failoverRuns, now) : null}
${runsSection(data.recentRuns, now)}
</main>
</body>
</html>
`;
  return page.text;
}

function alertsSection(alerts: AlertRow[], now: Date): Html {
  return html`<section id="alerts">
<h2>Open alerts (${alerts.length})</h2>
${
  alerts.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<ul class="cards">${alerts.map(
        (a) => html`<li class="card alert ${a.severity}">
  <div><span class="badge ${a.severity}">${a.severity}</span> <code>${a.key}</code></div>
  <p>${a.message}</p>
  <p class="muted">${a.policy ? html`policy ${a.policy} · ` : null}since ${ago(a.firstSeenAt, now)} · seen ${a.count}× · last ${ago(a.lastSeenAt, now)}</p>
</li>`,
      )}</ul>`
}
</section>`;
}

function policiesSection(policies: PolicyRow[], now: Date): Html {
  return html`<section id="policies">
<h2>Policies (${policies.length})</h2>
${policies.length === 0 ? html`<p class="muted">No policies configured.</p>` : null}
${policies.map(
  (p) => html`<div class="card policy">
  <h3>${p.name} <span class="muted">${p.region} · ${p.timezone}</span></h3>
  ${p.description ? html`<p class="muted">${p.description}</p>` : null}
  ${
    p.volumes.length === 0
      ? html`<p class="muted">No volumes selected (none match, or the region could not be listed).</p>`
      : p.volumes.map(
          (v) => html`<div class="volume">
    <h4>${v.name} <span class="muted"><code>${v.id}</code></span>${v.paused ? html` <span class="badge skipped" title="${v.paused}">paused</span>` : null}</h4>${v.paused ? html`<div class="muted">paused: ${v.paused}</div>` : null}
    <div class="scroll"><table class="stack">
      <thead><tr><th>kind</th><th>status</th><th>last run</th><th>last success</th><th>next run</th></tr></thead>
      <tbody>${v.kinds.map((k) => kindRow(k, p.timezone, now))}</tbody>
    </table></div>
  </div>`,
        )
  }
</div>`,
)}
</section>`;
}

function kindRow(k: KindCell, timeZone: string, now: Date): Html {
  const status = k.lastStatus ?? 'never run';
  return html`<tr>
  <td data-label="kind">${k.kind}</td>
  <td data-label="status"><span class="badge ${k.lastStatus ?? 'none'}">${status}</span>${k.overdue ? html` <span class="badge failed">overdue</span>` : null}</td>
  <td data-label="last run">${k.lastStartedAt ? stamp(k.lastStartedAt, timeZone, now) : '—'}</td>
  <td data-label="last success">${k.lastSuccessAt ? stamp(k.lastSuccessAt, timeZone, now) : '—'}</td>
  <td data-label="next run">${k.nextRunAt ? stamp(k.nextRunAt, timeZone, now) : k.kind === 'prune' ? 'after each snapshot' : '—'}</td>
</tr>`;
}

function pairsSection(pairs: PairRow[], now: Date): Html {
  return html`<section id="replication">
<h2>Replication (${pairs.length})</h2>
${
  pairs.length === 0
    ? html`<p class="muted">No replication samples yet.</p>`
    : html`<div class="scroll"><table class="stack">
<thead><tr><th>volume</th><th>direction</th><th>status</th><th>lag</th><th>RPO</th><th>sampled</th></tr></thead>
<tbody>${pairs.map((p) => {
        const overRpo = p.rpoSeconds !== null && (p.lagSeconds === null || p.lagSeconds > p.rpoSeconds);
        return html`<tr>
  <td data-label="volume">${p.volumeName}<div class="muted">policy ${p.policy} · mirror <code>${p.mirrorId}</code></div></td>
  <td data-label="direction">${direction(p)}</td>
  <td data-label="status"><span class="badge ${p.status === 'ACTIVE' ? 'succeeded' : 'failed'}">${p.status}</span>${p.lastTransferStatus ? html`<div class="muted">last transfer ${p.lastTransferStatus}</div>` : null}</td>
  <td data-label="lag" class="${overRpo ? 'bad' : ''}">${p.lagSeconds === null ? 'no successful transfer yet' : duration(p.lagSeconds)}</td>
  <td data-label="RPO">${p.rpoSeconds === null ? '—' : duration(p.rpoSeconds)}</td>
  <td data-label="sampled">${ago(p.sampledAt, now)}</td>
</tr>`;
      })}</tbody>
</table></div>`
}
</section>`;
}

function direction(p: PairRow): Html {
  const pair = p.pair;
  if (!pair || !pair.writer || !pair.destination) return html`<span class="muted">unknown${p.directionProblem ? html` (${p.directionProblem})` : null}</span>`;
  return html`${pair.writer.name} <span class="muted">(${pair.writer.region})</span> → ${pair.destination.name} <span class="muted">(${pair.destination.region})</span>
<div class="muted">${pair.direction}${pair.direction === 'REVERSE' ? ' (the replica takes writes)' : ''}</div>`;
}

function failoverSection(runs: FailoverRunSummary[], now: Date): Html {
  return html`<section id="failover">
<h2>Failover runs</h2>
${
  runs.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<div class="scroll"><table class="stack">
<thead><tr><th>group</th><th>kind</th><th>state</th><th>step</th><th>started</th><th>finished</th></tr></thead>
<tbody>${runs.map(
        (r) => html`<tr>
  <td data-label="group">${r.group}<div class="muted"><code>${r.id}</code></div></td>
  <td data-label="kind">${r.kind}</td>
  <td data-label="state"><span class="badge ${failoverBadge(r.state)}">${r.state}</span>${r.error ? html`<div class="muted">${r.error}</div>` : null}</td>
  <td data-label="step">${r.currentStep ?? '—'}</td>
  <td data-label="started">${ago(r.createdAt, now)}</td>
  <td data-label="finished">${r.finishedAt ? ago(r.finishedAt, now) : '—'}</td>
</tr>`,
      )}</tbody>
</table></div>`
}
</section>`;
}

function failoverBadge(state: string): string {
  if (state === 'succeeded') return 'succeeded';
  if (state === 'failed' || state === 'aborted') return 'failed';
  if (state === 'running') return 'running';
  return 'warning';
}

function runsSection(runs: RunRow[], now: Date): Html {
  return html`<section id="runs">
<h2>Recent runs</h2>
${
  runs.length === 0
    ? html`<p class="muted">No runs recorded yet.</p>`
    : html`<div class="scroll"><table class="stack">
<thead><tr><th>started</th><th>kind</th><th>policy</th><th>volume</th><th>status</th></tr></thead>
<tbody>${runs.map(
        (r) => html`<tr class="run">
  <td data-label="started">${ago(r.startedAt, now)}<div class="muted">${time(r.startedAt, 'UTC')} UTC</div></td>
  <td data-label="kind">${r.kind}${r.trigger === 'manual' ? html` <span class="muted">(manual)</span>` : null}</td>
  <td data-label="policy">${r.policy}</td>
  <td data-label="volume">${r.volumeName ?? r.volumeId}</td>
  <td data-label="status"><span class="badge ${r.status}">${r.status}</span>${r.error ? html`<div class="muted">${r.error}</div>` : null}</td>
</tr>`,
      )}</tbody>
</table></div>`
}
</section>`;
}

/** Relative time with the absolute one (in the policy's zone) as a tooltip. */
function stamp(at: Date, timeZone: string, now: Date): Html {
  return html`<span title="${at.toISOString()}">${ago(at, now)}</span><div class="muted">${time(at, timeZone)}</div>`;
}

function time(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
    .format(at)
    .replace(',', '');
}

export function ago(at: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  return seconds >= 0 ? `${duration(seconds)} ago` : `in ${duration(-seconds)}`;
}

export function duration(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --run: #0969da; --muted: #6e7781; --card: rgba(127,127,127,.08); }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { padding: 12px 16px; color: #fff; }
header.ok { background: var(--ok); } header.warning { background: var(--warn); } header.critical { background: var(--bad); }
header h1 { margin: 0; font-size: 18px; } header p { margin: 2px 0; } header .muted { color: rgba(255,255,255,.85); }
#verdict { font-size: 22px; font-weight: 600; }
main { padding: 8px 12px 32px; max-width: 1100px; margin: 0 auto; }
h2 { font-size: 17px; margin: 20px 0 8px; } h3 { font-size: 16px; margin: 0 0 6px; } h4 { font-size: 15px; margin: 10px 0 4px; }
.muted { color: var(--muted); font-size: 13px; font-weight: normal; }
.cards { list-style: none; padding: 0; margin: 0; }
.card { background: var(--card); border-radius: 8px; padding: 10px 12px; margin: 0 0 10px; }
.card p { margin: 4px 0; }
.alert.critical { border-left: 4px solid var(--bad); } .alert.warning { border-left: 4px solid var(--warn); }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px; font-weight: 600; color: #fff; background: var(--muted); white-space: nowrap; }
.badge.succeeded { background: var(--ok); } .badge.failed, .badge.critical { background: var(--bad); }
.badge.warning { background: var(--warn); } .badge.running { background: var(--run); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; min-width: 520px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid rgba(127,127,127,.25); }
th { font-size: 12px; text-transform: uppercase; color: var(--muted); }
td.bad { color: var(--bad); font-weight: 600; }
code { font-size: 12px; word-break: break-all; }
/* On a phone each table row becomes a small card: label, then value. */
@media (max-width: 640px) {
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; min-width: 0; }
  table.stack thead { display: none; }
  table.stack tr { padding: 6px 0; border-bottom: 1px solid rgba(127,127,127,.25); }
  table.stack td { position: relative; border: none; padding: 2px 0 2px 7.5em; overflow-wrap: anywhere; }
  table.stack td::before { content: attr(data-label); position: absolute; left: 0; width: 7em; color: var(--muted); font-size: 12px; text-transform: uppercase; padding-top: 2px; white-space: nowrap; overflow: hidden; }
}
`;
