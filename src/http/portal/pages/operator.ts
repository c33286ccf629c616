// The page that asks a signed-in developer for the admin token before the operator's pages (the sandboxes).
import { html, page } from '../../pages/layout.ts';
import { FOOTER } from './common.ts';

export function portalOperatorPage(csrf: string, error?: string): string {
  return page('Operator access', html`
<p><a href="/portal">Back to your Projects</a></p>
<h1>Operator access</h1>
<p>Sandboxes belong to the operator of this service. Give the admin token to add the operator's rights to this session.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/portal/operator">
<input type="hidden" name="csrf" value="${csrf}">
<label for="admin-token">Admin token</label>
<input type="password" id="admin-token" name="token" autocomplete="off" spellcheck="false" required>
<div class="actions"><button type="submit" class="primary">Continue as the operator</button></div>
</form>`, { footer: FOOTER });
}
