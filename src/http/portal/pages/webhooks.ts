// An App's webhooks and events: its webhooks (with the form that registers one through X's CRC, and each webhook's
// re-validation, deletion and subscriptions) and one webhook's delivery log (every body as posted) with the replay
// form.
import type { OwnedApp } from '../../../domain/portal/console.ts';
import {
  DELIVERY_LOG_LIMIT, type DeliveryLog, type DeliveryView, type SubscriptionView, type WebhooksOverview,
} from '../../../domain/portal/webhookConsole.ts';
import type { WebhookRecord } from '../../../domain/events/records.ts';
import { CRC_TIMEOUT_MS } from '../../../domain/events/webhookValidity.ts';
import type { Policy } from '../../../domain/model.ts';
import { html, page, type Html } from '../../pages/layout.ts';
import { describedBy, fieldError, FOOTER, TIER_NAMES } from './common.ts';

/** An instant of the world's clock as the portal writes it. */
const when = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const who = (s: SubscriptionView): Html =>
  s.username === null ? html`user <code>${s.subscription.userId}</code> (no longer exists)` : html`@${s.username}`;

/** What a subscription sends, in words. */
function subscriptionWords(s: SubscriptionView): Html {
  const { subscription } = s;
  if (subscription.product === 'account_activity') {
    return html`<b>Account Activity API</b>: every event of ${who(s)}`;
  }
  const likes = subscription.direction === 'outbound'
    ? html`likes by ${who(s)}`
    : subscription.direction === 'inbound'
      ? html`likes of ${who(s)}'s Posts`
      : html`likes by ${who(s)} and of their Posts`;
  return html`<b>X Activity API</b> <code>${subscription.eventType}</code>: ${likes}${subscription.tag !== null ? html`, tag “${subscription.tag}”` : ''}`;
}

function subscriptionItem(s: SubscriptionView): Html {
  return html`<li>${subscriptionWords(s)}<br><span class="muted">Subscription <code>${s.subscription.id}</code>, since ${when(s.subscription.createdAt)}</span></li>`;
}

/** Valid or not, and why, as the webhook stands now. */
function standing(w: WebhookRecord): Html {
  const v = w.validity;
  if (!v.valid) {
    return html`<span class="delivery-failed">Invalid</span>${v.failure ? html`: ${v.failure}` : ''}. Nothing is delivered to it until a re-validation passes.`;
  }
  return html`<span class="delivery-ok">Valid</span>${v.failure ? html` (the last CRC failed: ${v.failure}; valid until ${when(v.invalidAfter!)} unless one passes)` : ''}`;
}

function lastCrc(w: WebhookRecord): string {
  const v = w.validity;
  return v.lastCheckedAt === v.lastValidatedAt ? `${when(v.lastCheckedAt)}: passed` : `${when(v.lastCheckedAt)}: failed (last pass ${when(v.lastValidatedAt)})`;
}

function urlRules(policy: Policy): string {
  const x = 'HTTPS, no port, a host reachable from the internet, at most 200 characters';
  return policy.webhookUrls === 'local' ? `${x}; or http or https on 127.0.0.1, [::1] or localhost with any port (the local policy).` : `${x} (X's rules).`;
}

const alert = (message: string | undefined): Html | string => (message ? html`<p class="error" role="alert">${message}</p>` : '');
const notice = (message: Html | string | undefined): Html | string => (message ? html`<p class="notice" role="status">${message}</p>` : '');

export interface WebhooksPageOptions {
  /** A change made (after the redirect): what happened, the CRC's result among it. */
  notice?: Html | string;
  /** A failure not about the form's field (a failed re-validation, X refusing the App). */
  error?: string;
  /** The register form's errors (`url`; `app` and `limit` for X refusing the App or its window spent) and value. */
  problems?: Record<string, string>;
  url?: string;
}

export function portalWebhooksPage(csrf: string, owned: Pick<OwnedApp, 'app' | 'project'>, overview: WebhooksOverview, options: WebhooksPageOptions = {}): string {
  const { app, project } = owned;
  const problems = options.problems ?? {};
  const { webhooks, streamOnly, policy, webhookLimit } = overview;
  const base = `/portal/apps/${app.id}/webhooks`;
  const action = (w: WebhookRecord, path: string, label: string) => html`<form method="post" action="${base}/${w.id}/${path}">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="secondary">${label}<span class="vh"> webhook ${w.id}</span></button>
</form>`;
  return page(`${app.name} webhooks`, html`<div class="events">
<p><a href="/portal/apps/${app.id}">Back to the settings of ${app.name}</a></p>
<h1>Webhooks and events of ${app.name}</h1>
<p class="muted">App <code>${app.id}</code> in Project ${project.name} · ${plural(webhooks.length, 'webhook')} of ${webhookLimit} allowed on the ${TIER_NAMES[policy.rateLimitTier]} tier</p>
${notice(options.notice)}
${alert(options.error)}
${alert(problems.app)}
${alert(problems.limit)}
<section aria-labelledby="register-heading">
<h2 id="register-heading">Register a webhook</h2>
<p class="muted">X registers a URL only once it passes a Challenge-Response Check (CRC): a <code>GET</code> of the URL with <code>?crc_token=…</code>, answered within ${CRC_TIMEOUT_MS / 1000} seconds with <code>{"response_token":"sha256=…"}</code>, the base64 HMAC-SHA256 of the token keyed by the App's API Key Secret.</p>
<form method="post" action="${base}">
<input type="hidden" name="csrf" value="${csrf}">
<label for="webhook-url">Webhook URL</label>
<input type="text" id="webhook-url" name="url" maxlength="400" required inputmode="url" autocomplete="url" spellcheck="false" autocapitalize="none" value="${options.url ?? ''}" aria-describedby="webhook-url-help${problems.url ? ' webhook-url-error' : ''}"${problems.url ? html` aria-invalid="true"` : ''}>
<p class="muted hint" id="webhook-url-help">${urlRules(policy)}</p>
${problems.url ? html`<p class="error" role="alert" id="webhook-url-error"><b>Not registered.</b> ${problems.url}</p>` : ''}
<div class="actions"><button type="submit" class="primary">Register webhook</button></div>
</form>
</section>
<section aria-labelledby="webhooks-heading">
<h2 id="webhooks-heading">Webhooks</h2>
${webhooks.length === 0 ? html`<p>No webhooks yet: register one above.</p>` : webhooks.map(({ webhook: w, subscriptions }) => html`
<section class="webhook" aria-labelledby="webhook-${w.id}">
<h3 id="webhook-${w.id}">Webhook <code>${w.id}</code></h3>
<dl class="keys">
<dt>URL</dt><dd><code>${w.url}</code></dd>
<dt>Status</dt><dd>${standing(w)}</dd>
<dt>Created</dt><dd>${when(w.createdAt)}</dd>
<dt>Last CRC</dt><dd>${lastCrc(w)}</dd>
</dl>
<h4>Subscriptions posting to it (${subscriptions.length})</h4>
${subscriptions.length === 0
    ? html`<p class="muted">None yet. X Activity API: <code>POST /2/activity/subscriptions</code> with <code>"webhook_id":"${w.id}"</code>; Account Activity API: a user's <code>POST /2/account_activity/webhooks/${w.id}/subscriptions/all</code>.</p>`
    : html`<ul class="subs">${subscriptions.map(subscriptionItem)}</ul>`}
<div class="row-actions">
<a href="${base}/${w.id}">Delivery log and replay<span class="vh"> of webhook ${w.id}</span></a>
${action(w, 'validate', 'Re-validate (run the CRC)')}
${action(w, 'delete', 'Delete')}
</div>
</section>`)}
</section>
${streamOnly.length === 0 ? '' : html`
<section aria-labelledby="stream-only-heading">
<h2 id="stream-only-heading">Subscriptions without a webhook (${streamOnly.length})</h2>
<p class="muted">These deliver to the App's activity stream (<code>GET /2/activity/stream</code>) only.</p>
<ul class="subs">${streamOnly.map(subscriptionItem)}</ul>
</section>`}
</div>`, { footer: FOOTER, wide: true });
}

/** The notice after a registration: the CRC passed. */
export function registeredNotice(w: WebhookRecord): Html {
  return html`Webhook <code>${w.id}</code> registered. CRC passed: <code>${w.url}</code> answered the <code>crc_token</code> with the right <code>response_token</code> at ${when(w.validity.lastValidatedAt)}.`;
}

/** The notice after a re-validation that passed. */
export function validatedNotice(w: WebhookRecord): Html {
  return html`CRC passed at ${when(w.validity.lastValidatedAt)}: webhook <code>${w.id}</code> is valid.`;
}

/** Why a re-validation failed, and what it did to the webhook. */
export function revalidationFailure(w: WebhookRecord, reason: string): string {
  const after = w.validity.valid
    ? `It stays valid until ${when(w.validity.invalidAfter!)} unless a CRC passes (X's 28-hour rule).`
    : 'It is now invalid: nothing is delivered to it until a re-validation passes.';
  return `The CRC of webhook ${w.id} failed: ${reason}. ${after}`;
}

function deliveryStatus(d: DeliveryView['delivery']): Html {
  const ok = d.status >= 200 && d.status < 300;
  return html`<span class="${ok ? 'delivery-ok' : 'delivery-failed'}">${d.status === 0 ? 'no answer' : `HTTP ${d.status}`}</span>`;
}

/** The body as posted, indented for reading when it is JSON. */
function readableBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function deliveryItem(view: DeliveryView): Html {
  const { delivery: d, subscription } = view;
  const replay = d.kind === 'replay' ? ' (replay)' : '';
  return html`<li><details>
<summary>${deliveryStatus(d)} · <code>${view.event}</code>${replay}${subscription ? html` for ${who(subscription)}` : ''} · attempt ${d.attempt} · ${Math.round(d.latencyMs)} ms · ${when(d.at)}${d.error ? html` · ${d.error}` : ''}</summary>
<dl class="keys">
<dt>Time</dt><dd>${when(d.at)}</dd>
<dt>Event</dt><dd><code>${view.event}</code>${replay}${d.eventSeq !== null ? html`, outbox event <code>${d.eventSeq}</code>` : ''}</dd>
<dt>Subscription</dt><dd>${d.subscriptionId === null ? 'None' : subscription ? html`${subscriptionWords(subscription)} (<code>${d.subscriptionId}</code>)` : html`<code>${d.subscriptionId}</code> (deleted since)`}</dd>
<dt>Attempt</dt><dd>${d.attempt}</dd>
<dt>Status</dt><dd>${deliveryStatus(d)}</dd>
<dt>Error</dt><dd>${d.error ?? 'None: acknowledged'}</dd>
<dt>Latency</dt><dd>${Math.round(d.latencyMs)} ms</dd>
</dl>
${d.body === null
    ? html`<p class="muted">No body was kept for this attempt.</p>`
    : html`<p class="muted">Body as posted (${Buffer.byteLength(d.body)} bytes of JSON, signed in <code>x-twitter-webhooks-signature</code>), indented here for reading:</p>
<pre class="wrap payload">${readableBody(d.body)}</pre>`}
</details></li>`;
}

export interface WebhookPageOptions {
  notice?: Html | string;
  /** The replay form's errors (`from`, `to`, `replay` for the window as a whole, `app`, `limit`) and values. */
  problems?: Record<string, string>;
  values?: { from?: string; to?: string };
}

export function portalWebhookPage(csrf: string, owned: Pick<OwnedApp, 'app'>, log: DeliveryLog, options: WebhookPageOptions = {}): string {
  const { app } = owned;
  const { webhook: w, deliveries, policy } = log;
  const problems = options.problems ?? {};
  const from = options.values?.from ?? log.replayDefaults.from;
  const to = options.values?.to ?? log.replayDefaults.to;
  const window = policy.replayWindow === 'x'
    ? 'Whole minutes in UTC, both ends included, within the last 24 hours; X also wants the start at least 31 minutes ago and the end at least 10 minutes ago.'
    : 'Whole minutes in UTC, both ends included, within the last 24 hours; the end may be the current minute (the sandbox window).';
  return page(`Webhook ${w.id} deliveries`, html`<div class="events">
<p><a href="/portal/apps/${app.id}/webhooks">Back to the webhooks of ${app.name}</a></p>
<h1>Deliveries to webhook <code>${w.id}</code></h1>
<dl class="keys">
<dt>App</dt><dd>${app.name}</dd>
<dt>URL</dt><dd><code>${w.url}</code></dd>
<dt>Status</dt><dd>${standing(w)}</dd>
<dt>Subscriptions posting to it</dt><dd>${log.subscriptions.length === 0 ? 'None' : html`<ul class="subs">${log.subscriptions.map(subscriptionItem)}</ul>`}</dd>
</dl>
${notice(options.notice)}
${alert(problems.app)}
${alert(problems.limit)}
<section aria-labelledby="replay-heading">
<h2 id="replay-heading">Replay a window</h2>
<p class="muted">The events of the window are posted to this webhook again, each with <code>"meta":{"replay":true}</code>, then a <code>replay_job_status</code> event. One job at a time per webhook.</p>
${alert(problems.replay)}
<form method="post" action="/portal/apps/${app.id}/webhooks/${w.id}/replay">
<input type="hidden" name="csrf" value="${csrf}">
<div class="window">
<div>
<label for="replay-from">From (UTC)</label>
<input type="datetime-local" id="replay-from" name="from" step="60" required value="${from}"${describedBy('replay-from', problems, 'from')}>
${fieldError('replay-from', problems, 'from')}
</div>
<div>
<label for="replay-to">To (UTC)</label>
<input type="datetime-local" id="replay-to" name="to" step="60" required value="${to}"${describedBy('replay-to', problems, 'to')}>
${fieldError('replay-to', problems, 'to')}
</div>
</div>
<p class="muted hint">${window}</p>
<div class="actions"><button type="submit" class="primary">Replay this window</button></div>
</form>
</section>
<section aria-labelledby="log-heading">
<h2 id="log-heading">Delivery log</h2>
<p class="muted">The latest ${DELIVERY_LOG_LIMIT} attempts, newest first. Open one for its details and the body as posted.</p>
${deliveries.length === 0 ? html`<p>Nothing delivered yet.</p>` : html`<ol class="log">${deliveries.map(deliveryItem)}</ol>`}
</section>
</div>`, { footer: FOOTER, wide: true });
}

/** The notice after a replay was accepted. */
export function replayNotice(jobId: string, from: string, to: string): Html {
  return html`Replay job <code>${jobId}</code> accepted for ${from.replace('T', ' ')} to ${to.replace('T', ' ')} UTC. Its deliveries, marked replay, appear in the log below as they are posted: reload to see them.`;
}
