// The developer portal's pages (/portal): sign-in, the dashboard of the signed-in developer's Projects and Apps,
// and the refusal of a form without its CSRF token. Server-rendered with the escaping layout of the consent pages.
import type { AppPermission, AppType, RateLimitTier } from '../../domain/model.ts';
import { clientTypeOf } from '../../domain/model.ts';
import { PERMISSIONS, TIERS, type OwnedApp, type Shown } from '../../domain/portal/console.ts';
import type { DashboardProject } from '../../domain/portal/dashboard.ts';
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
  options: { notice?: string; problems?: Record<string, string>; values?: Record<string, string> } = {},
): string {
  const sections = projects.map(({ project, apps }) => html`
<section aria-labelledby="project-${project.id}">
<h2 id="project-${project.id}">${project.name}</h2>
<p class="muted">Project ${project.id} · ${tierOf(project.policy)} tier · monthly Tweet cap ${project.monthlyTweetCap.toLocaleString('en-US')}</p>
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
