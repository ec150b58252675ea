/**
 * The dashboard's HTML, rendered on the server with every value escaped. The page carries no inline script or
 * style (the CSP forbids both): the charts are drawn by /dashboard/assets/dashboard.js from data.json.
 */
import { QUOTA_LABELS } from '../../core/quota-limits.js';
import type { DashboardView } from './dashboard-view.js';

export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const usd = (n: number) => `$${n < 1 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
const pct = (f: number) => (Number.isFinite(f) ? `${Math.round(f * 100)}%` : 'over');

function tile(key: string, label: string, value: string, note = ''): string {
  return (
    `<div class="tile" data-tile="${key}"><span class="label">${escapeHtml(label)}</span>` +
    `<span class="value">${escapeHtml(value)}</span>` +
    (note ? `<span class="note">${escapeHtml(note)}</span>` : '') +
    '</div>'
  );
}

function table(id: string, caption: string, head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0)
    return `<section class="card" id="${id}"><h2>${escapeHtml(caption)}</h2><p>${escapeHtml(empty)}</p></section>`;
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<section class="card" id="${id}"><h2>${escapeHtml(caption)}</h2><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></section>`;
}

/** The query string of the view's range (and tenant), for links that keep it. */
export function rangeQuery(view: Pick<DashboardView, 'range' | 'tenantId'>, operator: boolean): string {
  const q = new URLSearchParams({ from: view.range.fromDay, to: view.range.toDay });
  if (operator && view.tenantId) q.set('tenant', view.tenantId);
  return q.toString();
}

export function renderDashboard(view: DashboardView, operator: boolean, tenantChoices: readonly string[]): string {
  const s = view.summary;
  const query = rangeQuery(view, operator);
  const scope = view.tenantId ? `tenant ${view.tenantId}` : 'every tenant';
  const tenantPicker = operator
    ? `<label>Tenant <select name="tenant" id="tenant"><option value="">Every tenant</option>${tenantChoices
        .map(
          (t) => `<option value="${escapeHtml(t)}"${t === view.tenantId ? ' selected' : ''}>${escapeHtml(t)}</option>`,
        )
        .join('')}</select></label>`
    : '';
  const tiles = [
    tile('requests', 'Requests', int(s.requests)),
    tile('answered', 'Answered', int(s.answered), s.answered + s.failed > 0 ? `${pct(s.successRate)} success` : ''),
    tile('failed', 'Failed', int(s.failed)),
    tile('refused', 'Refused', int(s.refused)),
    tile('tokens', 'Tokens', int(s.totalTokens), `${int(s.promptTokens)} in, ${int(s.completionTokens)} out`),
    tile('cost', 'Estimated cost', usd(s.costUsd)),
    tile('p50', 'Latency p50', ms(s.p50LatencyMs)),
    tile('p95', 'Latency p95', ms(s.p95LatencyMs)),
  ].join('');
  const tenants = table(
    'by-tenant',
    'By tenant',
    ['Tenant', 'Requests', 'Answered', 'Failed', 'Refused', 'Tokens', 'Est. cost'],
    view.tenants.map((t) => [
      t.tenantId,
      int(t.requests),
      int(t.answered),
      int(t.failed),
      int(t.refused),
      int(t.tokens),
      usd(t.costUsd),
    ]),
    'No requests in this range.',
  );
  const models = table(
    'by-model',
    'By model',
    ['Model', 'Requests', 'Input tokens', 'Output tokens', 'Est. cost'],
    s.byModel.map((m) => [m.model, int(m.requests), int(m.promptTokens), int(m.completionTokens), usd(m.costUsd)]),
    'No model was called in this range.',
  );
  const failures = table(
    'failures',
    'Top failure reasons',
    ['Reason', 'Requests'],
    s.topFailures.map((f) => [f.label ?? f.key, int(f.count)]),
    'No failures in this range.',
  );
  const quotas = table(
    'quotas',
    'Quota use now (UTC day and month)',
    ['Tenant', 'Limit', 'Used', 'Limit value', 'Share'],
    view.quotas.flatMap((q) =>
      q.uses.map((u) => [
        q.tenantId,
        QUOTA_LABELS[u.field],
        u.spec.unit === 'dollars' ? usd(u.used) : int(u.used),
        u.spec.unit === 'dollars' ? usd(u.limit) : int(u.limit),
        pct(u.fraction),
      ]),
    ),
    'No quota is set for the tenants shown.',
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>twinbot usage: ${escapeHtml(scope)}</title>
<link rel="stylesheet" href="/dashboard/assets/uPlot.min.css">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
<body>
<header>
<h1>twinbot usage <small>${escapeHtml(scope)}, ${escapeHtml(view.range.fromDay)} to ${escapeHtml(view.range.toDay)} (UTC)</small></h1>
<form method="get" action="/dashboard" id="range">
<label>From <input type="date" name="from" id="from" value="${escapeHtml(view.range.fromDay)}" required></label>
<label>To <input type="date" name="to" id="to" value="${escapeHtml(view.range.toDay)}" required></label>
${tenantPicker}
<button type="submit">Show</button>
<a class="button" id="csv" href="/dashboard/usage.csv?${escapeHtml(query)}" download>Download CSV</a>
</form>
</header>
<main>
<section class="tiles" id="tiles">${tiles}</section>
<section class="charts">
<div class="card"><h2>Requests over time</h2><div class="chart" id="chart-requests" data-series="requests"></div></div>
<div class="card"><h2>Tokens over time</h2><div class="chart" id="chart-tokens" data-series="tokens"></div></div>
</section>
<div id="dashboard-data" data-src="/dashboard/data.json?${escapeHtml(query)}"></div>
<section class="tables">${tenants}${models}${failures}${quotas}</section>
</main>
<script src="/dashboard/assets/uPlot.iife.min.js"></script>
<script src="/dashboard/assets/dashboard.js"></script>
</body>
</html>
`;
}

/** A short page for a refusal or a problem: what happened and what to do. */
export function renderMessage(title: string, text: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css"></head>
<body><main class="message"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>
`;
}

/** The page that moves a browser on after a token or link was exchanged for the cookie. */
export function renderContinue(location: string): string {
  // why: a meta refresh from our own page is a same-site navigation, so the SameSite=Strict cookie set here is sent
  // with it even when the link was opened from Slack or Discord (an HTTP redirect there would still count as
  // cross-site and arrive without the cookie).
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<meta http-equiv="refresh" content="0;url=${escapeHtml(location)}"><title>Opening the dashboard</title></head>
<body><p><a href="${escapeHtml(location)}">Open the dashboard</a></p></body></html>
`;
}
