// An App's usage page: the Project's monthly Tweet-cap use, requests and estimated cost per UTC day (an SVG chart
// and a table), and its app-only rate-limit windows as they stand.
import type { OwnedApp } from '../../../domain/portal/console.ts';
import type { AppUsage, AppUsageDay, CapUse } from '../../../domain/portal/usage.ts';
import { html, page, type Html } from '../../pages/layout.ts';
import { count, FOOTER, TIER_NAMES, usd } from './common.ts';

const windowName = (seconds: number): string =>
  seconds % 86_400 === 0 ? `${seconds / 86_400 === 1 ? '24 hours' : `${seconds / 86_400} days`}` : seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`;

/** The Project's monthly Tweet-cap use in words (the dashboard and the usage page). */
export function capUseText(cap: CapUse): string {
  const percent = cap.cap > 0 ? Math.min(100, (cap.used / cap.cap) * 100) : 0;
  return `${count(cap.used)} of ${count(cap.cap)} Tweets this month (${percent > 0 && percent < 0.01 ? 'under 0.01' : percent.toFixed(percent < 1 ? 2 : 0)}%), resets in ${cap.resetsInDays} day${cap.resetsInDays === 1 ? '' : 's'}`;
}

/** Bars of requests per UTC day, server-rendered: no script, no external resource; named for assistive technology. */
function requestsChart(days: readonly AppUsageDay[]): Html {
  const W = 640;
  const H = 220;
  const top = 24;
  const bottom = 36;
  const left = 8;
  const plot = H - top - bottom;
  const max = Math.max(1, ...days.map((d) => d.requests));
  const slot = (W - left * 2) / days.length;
  const bar = Math.min(56, slot * 0.6);
  const label = `Requests per UTC day, ${days[0].day} to ${days[days.length - 1].day}: ${days.map((d) => `${d.day} ${count(d.requests)}`).join(', ')}`;
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}" preserveAspectRatio="xMidYMid meet">
<title>${label}</title>
<line x1="${left}" y1="${top + plot}" x2="${W - left}" y2="${top + plot}" stroke="#cfd9de" stroke-width="1"/>
${days.map((d, i) => {
    const h = d.requests === 0 ? 0 : Math.max(2, Math.round((d.requests / max) * plot));
    const x = left + i * slot + (slot - bar) / 2;
    const cx = left + i * slot + slot / 2;
    return html`<g><rect x="${x.toFixed(1)}" y="${top + plot - h}" width="${bar.toFixed(1)}" height="${h}" rx="3" fill="#1d9bf0"/>
<text x="${cx.toFixed(1)}" y="${top + plot - h - 6}" text-anchor="middle" font-size="13" fill="#0f1419">${count(d.requests)}</text>
<text x="${cx.toFixed(1)}" y="${H - 12}" text-anchor="middle" font-size="12" fill="#536471">${d.day.slice(5)}</text></g>`;
  })}
</svg>`;
}

export function portalUsagePage(owned: Pick<OwnedApp, 'app' | 'project'>, usage: AppUsage): string {
  const { app, project } = owned;
  const today = usage.days[usage.days.length - 1];
  return page(`${app.name} usage`, html`
<p><a href="/portal/apps/${app.id}">Back to the settings of ${app.name}</a></p>
<h1>Usage of ${app.name}</h1>
<p class="muted">App <code>${app.id}</code> in Project ${project.name} · ${TIER_NAMES[usage.tier]} tier · as of ${usage.at.slice(0, 19).replace('T', ' ')} UTC</p>
<section aria-labelledby="usage-cap">
<h2 id="usage-cap">Monthly Tweet cap of ${project.name}</h2>
<p id="cap-use">${capUseText(usage.cap)}</p>
<p class="muted">Tweets returned by the Likes lookups count against the Project's cap, for every App in it (as <code>GET /2/usage/tweets</code> reports).</p>
</section>
<section aria-labelledby="usage-days">
<h2 id="usage-days">Requests and estimated cost per UTC day</h2>
<p>Today (${today.day}): <b id="requests-today">${count(today.requests)}</b> request${today.requests === 1 ? '' : 's'}, estimated ${usd(today.costUsd)}.</p>
${requestsChart(usage.days)}
<table>
<caption class="muted">Requests of ${app.name} per UTC day, the last ${usage.days.length} days</caption>
<thead><tr><th scope="col">Day (UTC)</th><th scope="col">Requests</th><th scope="col">Billable Posts</th><th scope="col">Estimated cost</th></tr></thead>
<tbody>${usage.days.map((d) => html`<tr data-day="${d.day}"><th scope="row">${d.day}</th><td>${count(d.requests)}</td><td>${count(d.postsBillable)}</td><td>${usd(d.costUsd)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Total</th><td>${count(usage.totals.requests)}</td><td>${count(usage.days.reduce((n, d) => n + d.postsBillable, 0))}</td><td>${usd(usage.totals.costUsd)}</td></tr></tfoot>
</table>
<p class="muted hint">Estimated at X's pay-per-use prices (${usage.note}).</p>
</section>
<section aria-labelledby="usage-limits">
<h2 id="usage-limits">App-only rate limits</h2>
<table>
<caption class="muted">Rate-limit windows of ${app.name} with its Bearer token, as they stand</caption>
<thead><tr><th scope="col">Endpoints</th><th scope="col">Window</th><th scope="col">Remaining</th><th scope="col">Resets (UTC)</th></tr></thead>
<tbody>${usage.rateLimits.map((b) => html`<tr data-bucket="${b.bucket}"><td>${b.endpoints.map((e, i) => html`${i ? ', ' : ''}<code>${e}</code>`)}</td><td>${windowName(b.windowSeconds)}</td><td><span class="remaining">${count(b.remaining)}</span> of ${count(b.limit)}</td><td>${b.resetAt.slice(11, 19)}</td></tr>`)}</tbody>
</table>
</section>`, { footer: FOOTER, wide: true });
}
