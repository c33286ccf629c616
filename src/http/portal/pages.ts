// The developer portal's pages (/portal): sign-in, the dashboard of the signed-in developer's Projects and Apps,
// and the refusal of a form without its CSRF token. Server-rendered with the escaping layout of the consent pages.
import type { AppPermission, AppType, RateLimitTier } from '../../domain/model.ts';
import { clientTypeOf } from '../../domain/model.ts';
import { PERMISSIONS, TIERS, type OwnedApp, type Shown } from '../../domain/portal/console.ts';
import type { DashboardProject } from '../../domain/portal/dashboard.ts';
import type { AppUsage, AppUsageDay, CapUse } from '../../domain/portal/usage.ts';
import { html, page, type Html } from '../pages/layout.ts';

const FOOTER = 'Developer portal of a self-hosted stand-in for the X API.';
const TYPE_NAMES = { web: 'Web App', bot: 'Automated App or bot', native: 'Native App', spa: 'Single page App' } as const;
const PERMISSION_NAMES = { read: 'Read', 'read-write': 'Read and write', 'read-write-directmessages': 'Read, write and Direct Messages' } as const;
const TIER_NAMES: Record<RateLimitTier, string> = { classic: 'Classic', free: 'Free', basic: 'Basic', pro: 'Pro', 'pay-per-use': 'Pay-per-use' };
const TYPE_ORDER: readonly AppType[] = ['web', 'bot', 'native', 'spa'];

const tierOf = (policy: { rateLimitTier?: RateLimitTier }): string => TIER_NAMES[policy.rateLimitTier ?? 'classic'];

/** A form field's error (linked to the field by aria-describedby). */
function fieldError(id: string, problems: Record<string, string>, key: string): Html | string {
  return problems[key] ? html`<p class="error" id="${id}-error">${problems[key]}</p>` : '';
}
const describedBy = (id: string, problems: Record<string, string>, key: string): Html | string =>
  problems[key] ? html` aria-invalid="true" aria-describedby="${id}-error"` : '';

export function portalSignInPage(csrf: string, options: { username?: string; error?: string } = {}): string {
  return page('Sign in to the developer portal', html`
<h1>Sign in to the developer portal</h1>
<p class="muted">Use a developer account (<code>likes-api developer create</code>).</p>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/portal/signin">
<input type="hidden" name="csrf" value="${csrf}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${options.username ?? ''}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`, { footer: FOOTER });
}

export function portalDashboardPage(
  username: string,
  csrf: string,
  projects: readonly DashboardProject[],
  options: { notice?: string; problems?: Record<string, string>; values?: Record<string, string>; capUse?: ReadonlyMap<string, CapUse> } = {},
): string {
  const sections = projects.map(({ project, apps }) => html`
<section aria-labelledby="project-${project.id}">
<h2 id="project-${project.id}">${project.name}</h2>
<p class="muted">Project ${project.id} · ${tierOf(project.policy)} tier · monthly Tweet cap ${project.monthlyTweetCap.toLocaleString('en-US')}</p>
${options.capUse?.get(project.id) ? html`<p class="cap-use">Tweet cap use: ${capUseText(options.capUse.get(project.id)!)}</p>` : ''}
${apps.length === 0 ? html`<p>No Apps in this Project yet.</p>` : html`
<table>
<caption class="muted">Apps of ${project.name}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">App id</th><th scope="col">Type</th><th scope="col">Permission</th><th scope="col">Settings</th></tr></thead>
<tbody>${apps.map((a) => html`<tr><td>${a.name}${a.suspended ? ' (suspended)' : ''}</td><td><code>${a.id}</code></td><td>${TYPE_NAMES[a.type]}</td><td>${PERMISSION_NAMES[a.permission]}</td><td><a href="/portal/apps/${a.id}" aria-label="Settings and keys of ${a.name}">Settings and keys</a></td></tr>`)}</tbody>
</table>`}
<p><a href="/portal/projects/${project.id}/apps/new">Create an App in ${project.name}</a></p>
</section>`);
  return page('Dashboard', html`
<div class="bar">
<h1>Your Projects</h1>
<form method="post" action="/portal/signout">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="secondary">Sign out</button>
</form>
</div>
<p class="who">Signed in as <b>${username}</b></p>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${projects.length === 0 ? html`<p>You have no Projects yet.</p>` : sections}
${createProjectForm(csrf, options.problems ?? {}, options.values ?? {})}`, { footer: FOOTER, wide: true });
}

function createProjectForm(csrf: string, problems: Record<string, string>, values: Record<string, string>): Html {
  const tier = values.tier ?? 'classic';
  return html`
<section aria-labelledby="create-project">
<h2 id="create-project">Create a Project</h2>
${problems.form ? html`<p class="error" role="alert">${problems.form}</p>` : ''}
<form method="post" action="/portal/projects">
<input type="hidden" name="csrf" value="${csrf}">
<label for="project-name">Project name</label>
<input type="text" id="project-name" name="name" maxlength="100" required value="${values.name ?? ''}"${describedBy('project-name', problems, 'name')}>
${fieldError('project-name', problems, 'name')}
<label for="project-tier">Tier</label>
<select id="project-tier" name="tier"${describedBy('project-tier', problems, 'tier')}>
${TIERS.map((t) => html`<option value="${t}"${t === tier ? html` selected` : ''}>${TIER_NAMES[t]}</option>`)}
</select>
${fieldError('project-tier', problems, 'tier')}
<div class="actions"><button type="submit" class="primary">Create Project</button></div>
</form>
</section>`;
}

export function portalCreateAppPage(
  csrf: string,
  project: { id: string; name: string },
  problems: Record<string, string> = {},
  values: Record<string, string> = {},
): string {
  const type = values.type ?? 'web';
  const permission = values.permission ?? 'read';
  return page('Create an App', html`
<p><a href="/portal">Back to your Projects</a></p>
<h1>Create an App</h1>
<p class="muted">In Project ${project.name}</p>
${Object.keys(problems).length ? html`<p class="error" role="alert">Check the fields marked below.</p>` : ''}
<form method="post" action="/portal/projects/${project.id}/apps">
<input type="hidden" name="csrf" value="${csrf}">
<label for="app-name">App name</label>
<input type="text" id="app-name" name="name" maxlength="100" required value="${values.name ?? ''}"${describedBy('app-name', problems, 'name')}>
${fieldError('app-name', problems, 'name')}
<label for="app-type">Type of App</label>
<select id="app-type" name="type" aria-describedby="app-type-help"${describedBy('app-type', problems, 'type')}>
${TYPE_ORDER.map((t) => html`<option value="${t}"${t === type ? html` selected` : ''}>${TYPE_NAMES[t]} (${clientTypeOf(t) === 'confidential' ? 'confidential client' : 'public client'})</option>`)}
</select>
<p class="muted hint" id="app-type-help">Confidential clients get an OAuth 2.0 client secret; public clients use their client id alone.</p>
${fieldError('app-type', problems, 'type')}
<label for="app-permission">App permissions</label>
<select id="app-permission" name="permission"${describedBy('app-permission', problems, 'permission')}>
${PERMISSIONS.map((p) => html`<option value="${p}"${p === permission ? html` selected` : ''}>${PERMISSION_NAMES[p]}</option>`)}
</select>
${fieldError('app-permission', problems, 'permission')}
<label for="app-callbacks">Callback URI / Redirect URL (one per line)</label>
<textarea id="app-callbacks" name="callbacks" rows="3" spellcheck="false" autocapitalize="none"${describedBy('app-callbacks', problems, 'callbacks')}>${values.callbacks ?? ''}</textarea>
${fieldError('app-callbacks', problems, 'callbacks')}
<div class="actions"><button type="submit" class="primary">Create App</button></div>
</form>`, { footer: FOOTER });
}

/** The one page that shows new secrets; they are not kept anywhere it could show them from again. */
export function portalKeysPage(app: { id: string; name: string }, reveal: { heading: string; shown: readonly Shown[] } | null): string {
  if (!reveal) {
    return page('Keys already shown', html`
<h1>These keys were already shown</h1>
<p>Secrets are shown once, on the page that creates them. If you did not save them, regenerate them on the <a href="/portal/apps/${app.id}">settings page of ${app.name}</a>.</p>`, { footer: FOOTER });
  }
  return page(reveal.heading, html`
<h1>${reveal.heading}</h1>
<p class="notice" role="status"><b>Save these now: they will not be shown again.</b> The service keeps only hashed or sealed copies.</p>
<dl class="keys">
${reveal.shown.map((s) => html`<dt>${s.label}</dt><dd><code>${s.value}</code></dd>`)}
</dl>
<p><a href="/portal/apps/${app.id}">Go to the settings of ${app.name}</a></p>
<p><a href="/portal">Back to your Projects</a></p>`, { footer: FOOTER });
}

export function portalAppPage(
  csrf: string,
  owned: OwnedApp,
  options: { notice?: string; problems?: Record<string, string>; callbacksText?: string } = {},
): string {
  const { app, project, callbacks, bearerActive } = owned;
  const problems = options.problems ?? {};
  const confidential = clientTypeOf(app.appType) === 'confidential';
  const regenerate = (what: string, label: string, note: string) => html`
<form method="post" action="/portal/apps/${app.id}/regenerate" class="regen">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="what" value="${what}">
<button type="submit" class="secondary">${label}</button>
<p class="muted hint">${note}</p>
</form>`;
  return page(`${app.name} settings`, html`
<p><a href="/portal">Back to your Projects</a></p>
<h1>${app.name}</h1>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
<section aria-labelledby="app-details">
<h2 id="app-details">App details</h2>
<dl class="keys">
<dt>App id</dt><dd><code>${app.id}</code></dd>
<dt>Project</dt><dd>${project.name}</dd>
<dt>Type of App</dt><dd>${TYPE_NAMES[app.appType]} (${confidential ? 'confidential client' : 'public client'})</dd>
<dt>App permissions</dt><dd>${PERMISSION_NAMES[app.permission as AppPermission]}</dd>
<dt>API Key (consumer key)</dt><dd><code>${app.consumerKey}</code></dd>
<dt>OAuth 2.0 Client ID</dt><dd><code>${app.clientId}</code></dd>
<dt>Bearer Token</dt><dd>${bearerActive ? 'Active (shown once when generated)' : 'None: generate one below'}</dd>
</dl>
</section>
<p><a href="/portal/apps/${app.id}/usage">Usage and rate limits of ${app.name}</a></p>
<section aria-labelledby="app-callbacks-heading">
<h2 id="app-callbacks-heading">User authentication settings</h2>
<form method="post" action="/portal/apps/${app.id}/callbacks">
<input type="hidden" name="csrf" value="${csrf}">
<label for="app-callbacks">Callback URI / Redirect URL (one per line)</label>
<textarea id="app-callbacks" name="callbacks" rows="4" spellcheck="false" autocapitalize="none"${describedBy('app-callbacks', problems, 'callbacks')}>${options.callbacksText ?? callbacks.join('\n')}</textarea>
${fieldError('app-callbacks', problems, 'callbacks')}
<div class="actions"><button type="submit" class="primary">Save callback URLs</button></div>
</form>
</section>
<section aria-labelledby="app-regenerate">
<h2 id="app-regenerate">Keys and tokens</h2>
<p class="muted">Regenerating replaces a credential at once: the old one stops working. The new value is shown once.</p>
${problems.what ? html`<p class="error" role="alert">${problems.what}</p>` : ''}
${regenerate('consumer-keys', 'Regenerate API Key and Secret', 'Also revokes every OAuth 1.0a user access token of the App.')}
${regenerate('bearer', bearerActive ? 'Regenerate Bearer Token' : 'Generate Bearer Token', 'The current Bearer Token stops working.')}
${confidential ? regenerate('client-secret', 'Regenerate OAuth 2.0 Client Secret', 'The current client secret stops working.') : ''}
</section>`, { footer: FOOTER, wide: true });
}

export function portalNotFoundPage(): string {
  return page('Not found', html`
<h1>Not found</h1>
<p>There is no such Project or App among yours. <a href="/portal">Go back to your Projects</a>.</p>`, { footer: FOOTER });
}

export function portalForbiddenPage(): string {
  return page('Form expired', html`
<h1>This form has expired</h1>
<p>The page was open too long or came from somewhere else. <a href="/portal">Go back to the developer portal</a> and try again.</p>`, { footer: FOOTER });
}

const count = (n: number): string => n.toLocaleString('en-US');
const usd = (n: number): string => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
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
