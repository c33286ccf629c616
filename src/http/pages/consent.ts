// The pages of the authorization flows: sign in, consent ("Authorize <App> to: …"), the oob PIN, cancellation
// and error pages. Forms post back to the page's own path with the pending authorization id and a signed token.
import { X_SCOPES } from '../../auth/flows/scopes.ts';
import type { AppPermission } from '../../domain/model.ts';
import { html, page, type Html } from './layout.ts';

export interface FormContext {
  /** Path the form posts to (the page's own path). */
  action: string;
  pendingId: string;
  csrf: string;
  appName: string;
}

function appBadge(appName: string, line: string): Html {
  const initial = [...appName.trim()][0]?.toUpperCase() ?? 'A';
  return html`<div class="app"><div class="avatar" aria-hidden="true">${initial}</div><div><b>${appName}</b><span class="muted">${line}</span></div></div>`;
}

function hidden(ctx: FormContext, step: 'signin' | 'consent'): Html {
  return html`<input type="hidden" name="pending" value="${ctx.pendingId}"><input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="step" value="${step}">`;
}

export function signInPage(ctx: FormContext, opts: { username?: string; error?: string } = {}): string {
  return page(
    `Sign in to authorize ${ctx.appName}`,
    html`<h1>Sign in to continue</h1>
${appBadge(ctx.appName, 'wants to access your account')}
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="${ctx.action}">${hidden(ctx, 'signin')}
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="16" required value="${opts.username ?? ''}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" maxlength="1024" required>
<div class="actions"><button class="primary" type="submit" name="action" value="signin">Sign in</button>
<button class="secondary" type="submit" name="action" value="cancel" formnovalidate>Cancel</button></div>
</form>`,
  );
}

/** What an OAuth 1.0a token of each access level lets the App do (X's authorize page lists the same kinds of thing). */
const PERMISSION_ITEMS: Record<AppPermission, string[]> = {
  read: [
    'See Posts from your timeline, including protected Posts, and the Posts you liked.',
    'See your profile information and the accounts that liked your Posts.',
  ],
  'read-write': [
    'See Posts from your timeline, including protected Posts, and the Posts you liked.',
    'See your profile information and the accounts that liked your Posts.',
    'Like and unlike Posts for you.',
  ],
  'read-write-directmessages': [
    'See Posts from your timeline, including protected Posts, and the Posts you liked.',
    'See your profile information and the accounts that liked your Posts.',
    'Like and unlike Posts for you.',
    'Send, read and manage your Direct Messages.',
  ],
};

export type ConsentWhat = { kind: 'scopes'; scopes: readonly string[] } | { kind: 'permission'; permission: AppPermission };

export function consentPage(ctx: FormContext, user: { username: string; name: string }, what: ConsentWhat, redirectHost: string | null): string {
  const items = what.kind === 'scopes'
    ? what.scopes.map((s) => html`<li>${X_SCOPES[s] ?? s}<code>${s}</code></li>`)
    : PERMISSION_ITEMS[what.permission].map((t) => html`<li>${t}</li>`);
  return page(
    `Authorize ${ctx.appName}`,
    html`${appBadge(ctx.appName, 'wants to access your account')}
<h1>Authorize ${ctx.appName} to:</h1>
<p class="who">Signed in as <b>@${user.username}</b> (${user.name})</p>
<ul class="scopes">${items}</ul>
<form method="post" action="${ctx.action}">${hidden(ctx, 'consent')}
<div class="actions"><button class="primary" type="submit" name="action" value="authorize">Authorize app</button>
<button class="secondary" type="submit" name="action" value="cancel">Cancel</button></div>
</form>
${redirectHost ? html`<p class="muted" style="margin-top:16px">Either way you will be sent back to <b>${redirectHost}</b>.</p>` : ''}`,
  );
}

export function pinPage(appName: string, pin: string): string {
  return page(
    'Authorization PIN',
    html`<h1>You have authorized ${appName}</h1>
<p>Go back to ${appName} and enter this PIN to finish:</p>
<div class="pin" id="oauth_pin">${pin}</div>
<p class="muted">The PIN works once, within 15 minutes.</p>`,
  );
}

export function deniedPage(appName: string): string {
  return page('Authorization cancelled', html`<h1>Authorization cancelled</h1><p>${appName} was not given access to your account.</p>`);
}

export function errorPage(message: string, detail?: string): string {
  return page(
    'Something went wrong',
    html`<h1>Something went wrong</h1><p>${message}</p>${detail ? html`<p class="muted">${detail}</p>` : ''}`,
  );
}

