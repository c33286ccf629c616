// An App's request inspector: its latest requests, newest first, with how each authenticated (accepted, refused and
// why), and for a refused OAuth 1.0a request, in a disclosure, what the server expected: the signature base strings it
// computed, the parameters it collected, the clock it checked the timestamp against. The journal holds no secret, so
// neither does this page: no signature, no consumer or token secret, no token of OAuth 2.0.
import type { AuthScheme, OAuth1Diagnosis } from '../../../domain/authRefusal.ts';
import type { OwnedApp } from '../../../domain/portal/console.ts';
import type { AppRequests } from '../../../domain/portal/inspector.ts';
import type { InspectedRequest } from '../../../domain/sandboxes/inspection.ts';
import { html, page, type Html } from '../../pages/layout.ts';
import { count, FOOTER } from './common.ts';

const SCHEME_NAMES: Record<AuthScheme, string> = {
  oauth1: 'OAuth 1.0a',
  oauth2_user: 'OAuth 2.0 user token',
  app_only: 'Bearer Token (app-only)',
  basic: 'HTTP Basic',
  none: 'No credentials',
  unknown: 'Bearer or other token',
};

const VERDICT_NAMES: Record<InspectedRequest['auth']['verdict'], string> = { accepted: 'Accepted', refused: 'Refused', none: 'Not authenticated' };

/** Why credentials were refused, in words (src/auth/authenticate.ts and oauth1Verifier.ts name the reasons). */
const REFUSALS: Record<string, string> = {
  'missing-header': 'No Authorization header.',
  'unsupported-scheme': 'This endpoint does not take that Authorization scheme.',
  'malformed-bearer-token': 'The Bearer token is malformed.',
  'unknown-app': 'The token\'s App no longer exists.',
  'expired-token': 'The OAuth 2.0 access token has expired.',
  'unknown-user': 'The token\'s user no longer exists.',
  'suspended-user': 'The token\'s user is suspended.',
  'suspended-app': 'The App is suspended.',
  'malformed-header': 'The OAuth header does not parse.',
  'missing-parameter': 'A required oauth_ parameter is missing or empty.',
  'unsupported-signature-method': 'Only HMAC-SHA1 signatures are accepted.',
  'unsupported-version': 'oauth_version must be 1.0 (or left out).',
  'stale-timestamp': 'oauth_timestamp is too far from the server\'s clock.',
  'unknown-token': 'The access token is unknown, revoked or another App\'s.',
  'bad-signature': 'The signature matches none of the base strings the server computed.',
  'replayed-nonce': 'This nonce was already used with this timestamp.',
};

const duration = (ms: number): string => (ms < 10 ? `${ms.toFixed(1)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

export function portalInspectorPage(owned: Pick<OwnedApp, 'app' | 'project'>, found: AppRequests, options: { at: number; baseUrl: string }): string {
  const { app, project } = owned;
  const { requests, searched } = found;
  const shown = requests.length < found.found ? `the latest ${count(requests.length)} of them listed` : '';
  return page(`${app.name} requests`, html`
<p><a href="/portal/apps/${app.id}">Back to the settings of ${app.name}</a></p>
<h1>Requests of ${app.name}</h1>
<p class="muted">App <code>${app.id}</code> in Project ${project.name} · as of ${new Date(options.at).toISOString().slice(0, 19).replace('T', ' ')} UTC</p>
<p id="searched">${count(found.found)} request${found.found === 1 ? '' : 's'} of ${app.name} among the latest ${count(searched)} the server keeps (of every App together)${shown ? html`, ${shown}` : ''}. Newest first; reload the page to see new ones.</p>
${requests.length === 0 ? emptyState(app, options.baseUrl) : html`
<table class="requests">
<caption class="muted">Latest requests of ${app.name}: a refused OAuth 1.0a request opens to show what the server expected</caption>
<thead><tr><th scope="col">Time (UTC) and request</th><th scope="col">Status</th><th scope="col">Auth</th></tr></thead>
<tbody>${requests.map((r) => requestRows(r, app))}</tbody>
</table>`}
<section aria-labelledby="not-shown">
<h2 id="not-shown">What is not shown</h2>
<p class="muted">Refused requests that name nothing of ${app.name} (an unknown or regenerated Bearer Token, another API Key) cannot be told apart from another App's: they are not shown. A refused OAuth 1.0a request that names the App's current API Key is shown even when its access token is unknown. The OAuth endpoints themselves (<code>/oauth/…</code>, <code>/2/oauth2/token</code>) are not attributed to an App.</p>
</section>`, { footer: FOOTER, wide: true });
}

function emptyState(app: { id: string; name: string }, baseUrl: string): Html {
  return html`
<section aria-labelledby="no-requests">
<h2 id="no-requests">No requests yet</h2>
<p>Call the API with the credentials of ${app.name}, then reload this page. With its Bearer Token (shown once when generated: <a href="/portal/apps/${app.id}">generate a new one</a> if you did not keep it), for instance:</p>
<pre class="wrap"><code>curl -H "Authorization: Bearer $BEARER_TOKEN" ${baseUrl}/2/usage/tweets</code></pre>
<p class="muted">A request signed with OAuth 1.0a that the server refuses shows here with the signature base strings it expected.</p>
</section>`;
}

function requestRows(r: InspectedRequest, app: { consumerKey: string }): Html {
  const target = r.query ? `${r.path}?${r.query}` : r.path;
  const { verdict, reason, oauth1 } = r.auth;
  const diagnosis = verdict === 'refused' && oauth1 ? expected(r, oauth1, app) : null;
  return html`<tr data-transaction-id="${r.transaction_id}"${diagnosis ? html` class="has-expected"` : ''}>
<td><time class="muted" datetime="${r.time}"><span class="nowrap">${r.time.slice(0, 10)}</span> <span class="nowrap">${r.time.slice(11, 19)}</span></time><br><code>${r.method} ${target}</code>${r.fault ? html`<br><span class="muted">Fault injected: ${r.fault}</span>` : ''}</td>
<td>${r.status === 0 ? 'None (connection dropped)' : r.status}<br><span class="muted">${duration(r.duration_ms)}</span></td>
<td>${SCHEME_NAMES[r.auth.scheme]}<br><b class="verdict-${verdict}">${VERDICT_NAMES[verdict]}</b>${reason ? html` <code>${reason}</code>${REFUSALS[reason] ? html`<br><span class="muted">${REFUSALS[reason]}</span>` : ''}` : ''}</td>
</tr>${diagnosis ? html`
<tr class="expected"><td colspan="3">${diagnosis}</td></tr>` : ''}`;
}

/** What the server saw and expected of a refused OAuth 1.0a request (the journal's diagnosis, secret-free). */
function expected(r: InspectedRequest, d: OAuth1Diagnosis, app: { consumerKey: string }): Html {
  const identifiers: [string, string | undefined, string?][] = [
    ['API Key (oauth_consumer_key)', d.consumer_key, d.consumer_key === undefined ? undefined : d.consumer_key === app.consumerKey ? 'this App\'s' : 'not this App\'s current API Key'],
    ['Access token (oauth_token)', d.token],
    ['oauth_signature_method', d.signature_method],
    ['oauth_version', d.version],
    ['oauth_timestamp', d.timestamp],
    ['oauth_nonce', d.nonce],
  ];
  const bases = d.base_strings ?? [];
  return html`<details>
<summary>What the server expected <span class="muted">(x-transaction-id <code>${r.transaction_id}</code>)</span></summary>
<dl class="keys">
${identifiers.filter(([, value]) => value !== undefined).map(([label, value, note]) => html`<dt>${label}</dt><dd><code>${value}</code>${note ? html` <span class="muted">(${note})</span>` : ''}</dd>`)}
${d.missing?.length ? html`<dt>Missing or empty</dt><dd>${d.missing.map((m, i) => html`${i ? ', ' : ''}<code>${m}</code>`)}</dd>` : ''}
${d.server_time !== undefined ? html`<dt>Server time</dt><dd><code>${d.server_time}</code> (${new Date(d.server_time * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC)${d.window_seconds !== undefined ? `: oauth_timestamp must be within ${d.window_seconds} seconds of it` : ''}</dd>` : ''}
</dl>
${bases.length ? html`
<p><b>Signature base strings the server computed</b> (${bases.length}): the one your client signed must equal one of them byte for byte.</p>
<ol class="base-strings">${bases.map((b) => html`
<li><p class="muted">${b.base_url === bases[0].base_url ? 'With the URL as received' : 'With X\'s host, as a client signs it behind a proxy'}: <code>${b.base_url}</code>${b.repeats_once ? ', with each repeated parameter counted once' : ''}</p>
<pre class="wrap"><code>${b.base_string}</code></pre></li>`)}
</ol>
<p class="muted">If your base string equals one of these, the signing key is wrong: the API Key Secret and the access token secret, each percent-encoded, joined by <code>&amp;</code>. If it differs, the first difference is the cause (often the URL's scheme, host or port, or how a parameter is encoded).</p>` : ''}
${d.parameters?.length ? html`
<table class="parameters">
<caption>Parameters the server collected, encoded and sorted as in the base string${d.parameters_omitted ? ` (${d.parameters_omitted} more left out)` : ''}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
<tbody>${d.parameters.map((p) => html`<tr><td><code>${p.name}</code></td><td><code>${p.value}</code></td></tr>`)}</tbody>
</table>` : ''}
</details>`;
}

