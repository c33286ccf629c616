// An App's usage page: the Project's monthly Tweet-cap use, requests and estimated cost per UTC day (an SVG chart
// and a table), and its app-only rate-limit windows as they stand, the Likes endpoints' first.
import type { EndpointId } from '../../../domain/access.ts';
import type { EventEndpointId } from '../../../domain/events/eventEndpoints.ts';
import type { OwnedApp } from '../../../domain/portal/console.ts';
import type { AppUsage, AppUsageDay, CapUse } from '../../../domain/portal/usage.ts';
import type { BucketState } from '../../../domain/rateLimits.ts';
import { html, page, type Html } from '../../pages/layout.ts';
import { count, FOOTER, TIER_NAMES, usd } from './common.ts';

const windowName = (seconds: number): string =>
  seconds % 86_400 === 0 ? `${seconds / 86_400 === 1 ? '24 hours' : `${seconds / 86_400} days`}` : seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`;

/** The Project's monthly Tweet-cap use in words (the dashboard and the usage page). */
export function capUseText(cap: CapUse): string {
  const percent = cap.cap > 0 ? Math.min(100, (cap.used / cap.cap) * 100) : 0;
  return `${count(cap.used)} of ${count(cap.cap)} Tweets this month (${percent > 0 && percent < 0.01 ? 'under 0.01' : percent.toFixed(percent < 1 ? 2 : 0)}%), resets in ${cap.resetsInDays} day${cap.resetsInDays === 1 ? '' : 's'}`;
}

/** Made on first use: building it costs milliseconds at start-up, and most processes never show a usage page. */
let compact: Intl.NumberFormat | null = null;

/**
 * The chart in two sizes, each shown by CSS at its widths (layout.ts): an SVG scales its text with it, so the 640-unit
 * chart's labels would be about 5 px tall on a phone; the narrow one is drawn about as wide as a phone shows it, with
 * its counts abbreviated (1.2K) to fit its slots. No script chooses: the hidden one is out of the accessibility tree.
 */
const CHART_SIZES = {
  wide: { width: 640, height: 220, side: 8, valueFont: 13, dayFont: 12, value: count },
  narrow: { width: 250, height: 180, side: 4, valueFont: 12, dayFont: 11, value: (n: number) => (compact ??= new Intl.NumberFormat('en-US', { notation: 'compact' })).format(n) },
} as const;

/** Bars of requests per UTC day, server-rendered: no script, no external resource; named for assistive technology. */
function requestsChart(days: readonly AppUsageDay[], size: keyof typeof CHART_SIZES): Html {
  const { width: W, height: H, side, valueFont, dayFont, value } = CHART_SIZES[size];
  const top = valueFont + 11;
  const bottom = dayFont + 24;
  const plot = H - top - bottom;
  const max = Math.max(1, ...days.map((d) => d.requests));
  const slot = (W - side * 2) / days.length;
  const bar = Math.min(56, slot * 0.6);
  const label = `Requests per UTC day, ${days[0].day} to ${days[days.length - 1].day}: ${days.map((d) => `${d.day} ${count(d.requests)}`).join(', ')}`;
  return html`<svg class="chart" data-size="${size}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}" preserveAspectRatio="xMidYMid meet">
<title>${label}</title>
<line x1="${side}" y1="${top + plot}" x2="${W - side}" y2="${top + plot}" stroke="#cfd9de" stroke-width="1"/>
${days.map((d, i) => {
    const h = d.requests === 0 ? 0 : Math.max(2, Math.round((d.requests / max) * plot));
    const x = side + i * slot + (slot - bar) / 2;
    const cx = side + i * slot + slot / 2;
    return html`<g><rect x="${x.toFixed(1)}" y="${top + plot - h}" width="${bar.toFixed(1)}" height="${h}" rx="3" fill="#1d9bf0"/>
<text x="${cx.toFixed(1)}" y="${top + plot - h - 6}" text-anchor="middle" font-size="${valueFont}" fill="#0f1419">${value(d.requests)}</text>
<text x="${cx.toFixed(1)}" y="${H - 12}" text-anchor="middle" font-size="${dayFont}" fill="#536471">${d.day.slice(5)}</text></g>`;
  })}
</svg>`;
}

/** Which family each events endpoint belongs to, for the rate-limit tables (every one named: the compiler checks). */
const EVENT_FAMILIES: Record<EventEndpointId, string> = {
  webhooks_create: 'Webhooks', webhooks_list: 'Webhooks', webhooks_validate: 'Webhooks', webhooks_delete: 'Webhooks', webhooks_replay: 'Webhooks',
  activity_subscriptions_create: 'X Activity API', activity_subscriptions_list: 'X Activity API', activity_subscriptions_update: 'X Activity API',
  activity_subscriptions_delete: 'X Activity API', activity_stream: 'X Activity API',
  account_activity_subscribe: 'Account Activity API', account_activity_validate: 'Account Activity API', account_activity_list: 'Account Activity API',
  account_activity_count: 'Account Activity API', account_activity_delete: 'Account Activity API',
  likes_firehose: 'Likes streams', likes_sample10: 'Likes streams', likes_compliance: 'Likes streams',
  connections_list: 'Stream connections', connections_delete: 'Stream connections',
};
const familyOf = (endpoint: EndpointId): string | null => (EVENT_FAMILIES as Record<string, string>)[endpoint] ?? null;

/** The windows of the Likes endpoints (and the usage one), then the events endpoints' by family, in the order given. */
function windowGroups(windows: readonly BucketState[]): { likes: BucketState[]; events: Map<string, BucketState[]> } {
  const likes: BucketState[] = [];
  const events = new Map<string, BucketState[]>();
  for (const w of windows) {
    const family = familyOf(w.endpoints[0]);
    if (family === null) likes.push(w);
    else events.set(family, [...(events.get(family) ?? []), w]);
  }
  return { likes, events };
}

/** One table of windows; each group under a row naming it (one table, so that every group's columns line up). */
function windowsTable(caption: string, groups: readonly (readonly [string | null, readonly BucketState[]])[]): Html {
  return html`<table>
<caption class="muted">${caption}</caption>
<thead><tr><th scope="col">Endpoints</th><th scope="col">Remaining in the window</th><th scope="col">Resets (UTC)</th></tr></thead>
${groups.map(([name, windows]) => html`<tbody>${name ? html`<tr><th scope="rowgroup" colspan="3" class="group">${name}</th></tr>` : ''}
${windows.map((b) => html`<tr data-bucket="${b.bucket}"><td>${b.endpoints.map((e, i) => html`${i ? ', ' : ''}<code>${e}</code>`)}</td><td><span class="remaining">${count(b.remaining)}</span> of ${count(b.limit)}<br><span class="muted">per ${windowName(b.windowSeconds)}</span></td><td>${b.resetAt.slice(11, 19)}</td></tr>`)}</tbody>`)}
</table>`;
}

export function portalUsagePage(owned: Pick<OwnedApp, 'app' | 'project'>, usage: AppUsage): string {
  const { app, project } = owned;
  const today = usage.days[usage.days.length - 1];
  const limits = windowGroups(usage.rateLimits);
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
${requestsChart(usage.days, 'wide')}
${requestsChart(usage.days, 'narrow')}
<table class="days">
<caption class="muted">Requests of ${app.name} per UTC day, the last ${usage.days.length} days</caption>
<thead><tr><th scope="col">Day (UTC)</th><th scope="col">Requests</th><th scope="col">Posts billed</th><th scope="col">Estimated cost</th></tr></thead>
<tbody>${usage.days.map((d) => html`<tr data-day="${d.day}"><th scope="row">${d.day}</th><td>${count(d.requests)}</td><td>${count(d.postsBillable)}</td><td>${usd(d.costUsd)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Total</th><td>${count(usage.totals.requests)}</td><td>${count(usage.days.reduce((n, d) => n + d.postsBillable, 0))}</td><td>${usd(usage.totals.costUsd)}</td></tr></tfoot>
</table>
<p class="muted hint">Estimated at X's pay-per-use prices (${usage.note}).</p>
</section>
<section aria-labelledby="usage-limits">
<h2 id="usage-limits">App-only rate limits</h2>
<p class="muted">The windows of ${app.name}'s requests with its Bearer Token, as they stand.</p>
<h3 id="limits-likes">Likes and usage endpoints</h3>
${windowsTable(`App-only windows of ${app.name} for the Likes endpoints and GET /2/usage/tweets`, [[null, limits.likes]])}
${limits.events.size ? html`<h3 id="limits-events">Events endpoints</h3>
${windowsTable(`App-only windows of ${app.name} for webhooks, subscriptions and streams: the same on every tier`, [...limits.events])}` : ''}
</section>`, { footer: FOOTER, wide: true });
}
