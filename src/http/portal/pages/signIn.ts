// The portal's sign-in page: a developer's username and password, and (when the service has an admin token) the
// operator's sign-in with that token. Both forms carry the double-submit token of the sign-in cookie.
import { html, page } from '../../pages/layout.ts';
import { FOOTER } from './common.ts';

export interface SignInOptions {
  username?: string;
  /** The developer form's error. */
  error?: string;
  /** The operator form's error. */
  operatorError?: string;
  /** Whether the service has an admin token (the operator's form is shown). */
  operator?: boolean;
}

export function portalSignInPage(csrf: string, options: SignInOptions = {}): string {
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
</form>
${options.operator ? html`
<section aria-labelledby="operator-signin" class="aside">
<h2 id="operator-signin">Operator</h2>
<p class="muted">Sandboxes are the operator's: sign in with the admin token (<code>LIKES_API_ADMIN_TOKEN</code>, or <code>adminToken</code> in demo-credentials.json).</p>
${options.operatorError ? html`<p class="error" role="alert">${options.operatorError}</p>` : ''}
<form method="post" action="/portal/operator/signin">
<input type="hidden" name="csrf" value="${csrf}">
<label for="admin-token">Admin token</label>
<input type="password" id="admin-token" name="token" autocomplete="off" spellcheck="false" required>
<div class="actions"><button type="submit" class="secondary">Continue with the admin token</button></div>
</form>
</section>` : ''}`, { footer: FOOTER });
}
