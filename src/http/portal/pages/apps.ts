// An App's pages: creating one, the keys shown once, and its settings (user authentication settings, regenerating
// credentials, the developer's own Access Token and Secret).
import type { AppPermission, DeveloperRecord } from '../../../domain/model.ts';
import { clientTypeOf } from '../../../domain/model.ts';
import { linkUserCommand, PERMISSIONS, type AppSettingsView, type OwnedApp, type Shown } from '../../../domain/portal/console.ts';
import { html, page } from '../../pages/layout.ts';
import { describedBy, fieldError, FOOTER, PERMISSION_NAMES, TYPE_NAMES, TYPE_ORDER } from './common.ts';

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
<select id="app-type" name="type"${describedBy('app-type', problems, 'type', 'app-type-help')}>
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

/** The fields of the user authentication settings form (the other problems belong to the keys and tokens). */
const SETTINGS_FIELDS = ['permission', 'type', 'callbacks', 'website'];

export interface AppPageOptions {
  notice?: string;
  problems?: Record<string, string>;
  /** The user authentication settings form as posted (after an error), instead of the saved settings. */
  values?: Record<string, string>;
}

export function portalAppPage(
  csrf: string,
  owned: OwnedApp,
  settings: AppSettingsView,
  developer: DeveloperRecord,
  options: AppPageOptions = {},
): string {
  const { app, project, callbacks, bearerActive } = owned;
  const { account, ownerToken } = settings;
  const problems = options.problems ?? {};
  const values = options.values ?? {};
  const confidential = clientTypeOf(app.appType) === 'confidential';
  const permission = values.permission ?? app.permission;
  const type = values.type ?? app.appType;
  const regenerate = (what: string, label: string, note: string) => html`
<form method="post" action="/portal/apps/${app.id}/regenerate" class="regen">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="what" value="${what}">
<button type="submit" class="secondary">${label}</button>
<p class="muted hint">${note}</p>
</form>`;
  const permissionName = (p: AppPermission) => PERMISSION_NAMES[p];
  return page(`${app.name} settings`, html`
<p><a href="/portal">Back to your Projects</a></p>
<h1>${app.name}</h1>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${SETTINGS_FIELDS.some((f) => problems[f]) ? html`<p class="error" role="alert">Check the fields marked below.</p>` : ''}
<section aria-labelledby="app-details">
<h2 id="app-details">App details</h2>
<dl class="keys">
<dt>App id</dt><dd><code>${app.id}</code></dd>
<dt>Project</dt><dd>${project.name}</dd>
<dt>Type of App</dt><dd>${TYPE_NAMES[app.appType]} (${confidential ? 'confidential client' : 'public client'})</dd>
<dt>App permissions</dt><dd>${permissionName(app.permission)}</dd>
<dt>Website URL</dt><dd>${settings.website ? html`<code>${settings.website}</code>` : 'None yet: set it in the user authentication settings'}</dd>
<dt>API Key (consumer key)</dt><dd><code>${app.consumerKey}</code></dd>
<dt>OAuth 2.0 Client ID</dt><dd><code>${app.clientId}</code></dd>
<dt>Bearer Token</dt><dd>${bearerActive ? 'Active (shown once when generated)' : 'None: generate one below'}</dd>
</dl>
</section>
<nav class="portal" aria-label="More about ${app.name}">
<a href="/portal/apps/${app.id}/usage">Usage and rate limits of ${app.name}</a>
<a href="/portal/apps/${app.id}/webhooks">Webhooks and events of ${app.name}</a>
<a href="/portal/apps/${app.id}/requests">Request inspector of ${app.name}</a>
</nav>
<section aria-labelledby="app-auth-heading">
<h2 id="app-auth-heading">User authentication settings</h2>
<form method="post" action="/portal/apps/${app.id}/settings">
<input type="hidden" name="csrf" value="${csrf}">
<label for="app-permission">App permissions</label>
<select id="app-permission" name="permission"${describedBy('app-permission', problems, 'permission', 'app-permission-help')}>
${PERMISSIONS.map((p) => html`<option value="${p}"${p === permission ? html` selected` : ''}>${permissionName(p)}</option>`)}
</select>
<p class="muted hint" id="app-permission-help">Applies to tokens made from now on. Tokens already issued keep the permission they were issued with, as on X: make new ones to get the new permissions.</p>
${fieldError('app-permission', problems, 'permission')}
<label for="app-type">Type of App</label>
<select id="app-type" name="type"${describedBy('app-type', problems, 'type', 'app-type-help')}>
${TYPE_ORDER.map((t) => html`<option value="${t}"${t === type ? html` selected` : ''}>${TYPE_NAMES[t]} (${clientTypeOf(t) === 'confidential' ? 'confidential client' : 'public client'})</option>`)}
</select>
<p class="muted hint" id="app-type-help">${confidential
    ? 'A public client (Native App, Single page App) has no client secret: the current one stops working.'
    : 'A confidential client (Web App, Automated App or bot) gets a new client secret, shown once.'}</p>
${fieldError('app-type', problems, 'type')}
<label for="app-callbacks">Callback URI / Redirect URL (one per line)</label>
<textarea id="app-callbacks" name="callbacks" rows="4" spellcheck="false" autocapitalize="none"${describedBy('app-callbacks', problems, 'callbacks')}>${values.callbacks ?? callbacks.join('\n')}</textarea>
${fieldError('app-callbacks', problems, 'callbacks')}
<label for="app-website">Website URL</label>
<input type="url" id="app-website" name="website" required maxlength="2000" spellcheck="false" autocapitalize="none" value="${values.website ?? settings.website ?? ''}"${describedBy('app-website', problems, 'website')}>
${fieldError('app-website', problems, 'website')}
<div class="actions"><button type="submit" class="primary">Save user authentication settings</button></div>
</form>
</section>
<section aria-labelledby="app-regenerate">
<h2 id="app-regenerate">Keys and tokens</h2>
<p class="muted">Regenerating replaces a credential at once: the old one stops working. The new value is shown once.</p>
${problems.what ? html`<p class="error" role="alert">${problems.what}</p>` : ''}
${regenerate('consumer-keys', 'Regenerate API Key and Secret', 'Also revokes every OAuth 1.0a user access token of the App.')}
${regenerate('bearer', bearerActive ? 'Regenerate Bearer Token' : 'Generate Bearer Token', 'The current Bearer Token stops working.')}
${confidential ? regenerate('client-secret', 'Regenerate OAuth 2.0 Client Secret', 'The current client secret stops working.') : ''}
<h3 id="app-owner-token">Access Token and Secret${account ? ` (for @${account.username})` : ''}</h3>
${problems.accessToken ? html`<p class="error" role="alert">${problems.accessToken}</p>` : ''}
${account === null ? html`
<p>Access Tokens made here are for your own X account, and your developer account has none linked yet. The operator links one with <code>${linkUserCommand(developer)}</code>; for other accounts, use the OAuth 1.0a or OAuth 2.0 authorization flows.</p>` : html`
<p>${ownerToken
    ? `Created with ${permissionName(ownerToken.permission)} permissions for @${ownerToken.username}.`
    : 'None yet.'}${ownerToken && ownerToken.permission !== app.permission ? ' The App\'s permissions changed since: regenerate it to get a token with the new ones.' : ''}</p>
${regenerate('access-token', ownerToken ? 'Regenerate Access Token and Secret' : 'Generate Access Token and Secret',
    `An OAuth 1.0a token of @${account.username} with the App's permissions (${permissionName(app.permission)}).${ownerToken ? ' The current one stops working.' : ''}`)}`}
</section>`, { footer: FOOTER, wide: true });
}
