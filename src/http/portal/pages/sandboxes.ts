// The operator's sandbox pages: every world with the form to make one; a world's page (its summary, credentials to
// copy or download, clock, faults, snapshots, reset and delete); the step that confirms a delete. Each action is a
// form of its own; a refused one comes back here with the control API's words beside the field.
import type { DemoCredentials } from '../../../demo/demoCredentials.ts';
import { CLOCK_UNITS, type ClockUnit } from '../../../domain/portal/sandboxForms.ts';
import { FAULT_ACTIONS, FAULT_ENDPOINTS, FAULT_ID_PATTERN, MAX_FAULT_DELAY_MS, type Fault, type FaultAction, type FaultEndpoint } from '../../../domain/sandboxes/faults.ts';
import { SANDBOX_ID } from '../../../domain/sandboxes/sandboxIds.ts';
import { SANDBOX_SEEDS, USER_SNAPSHOT_NAME, type SandboxSeed, type SandboxSummary } from '../../../domain/sandboxes/sandboxes.ts';
import { html, page, type Html } from '../../pages/layout.ts';
import { count, describedBy, fieldError, FOOTER } from './common.ts';

/** What a world's page shows. */
export interface SandboxView {
  summary: SandboxSummary;
  /** Its credentials document as a client uses it (this server's base URL); null for a world made without one. */
  credentials: DemoCredentials | null;
  /** The sandbox's time (ms), and how far it is from the service's own. */
  now: number;
  offsetMs: number;
  faults: readonly Fault[];
}

export interface SandboxPageOptions {
  /** What was just done (after the redirect). */
  notice?: string;
  /** An action refused as a whole (a conflict, an unsupported store), as an alert. */
  error?: string;
  /** A form's refused fields: field name → the control API's message; with `failed`, what was not done. */
  problems?: Record<string, string>;
  failed?: string;
  /** The refused form's values, shown again. */
  values?: Record<string, string>;
}

const SEED_NAMES: Record<SandboxSeed | 'none', string> = {
  demo: 'demo: the demo world (Posts, likes, users, Apps), with credentials of its own',
  empty: "empty: the demo's five token holders and their Apps, with no Posts or likes",
  none: 'none (the store was not seeded with the demo)',
};

const ENDPOINT_NAMES: Record<FaultEndpoint, string> = {
  '*': 'Any Likes endpoint',
  liked_tweets: 'Liked Posts lookup (GET /2/users/:id/liked_tweets)',
  liking_users: 'Liking users (GET /2/tweets/:id/liking_users)',
  like: 'Like a Post (POST /2/users/:id/likes)',
  unlike: 'Unlike a Post (DELETE /2/users/:id/likes/:tweet_id)',
};

const ACTION_NAMES: Record<FaultAction, string> = {
  rate_limit: '429 Too Many Requests (the rate-limit window exhausted until it ends)',
  usage_capped: '429 UsageCapExceeded (the monthly cap reached)',
  unavailable: '503 Service Unavailable',
  server_error: '500 Internal Server Error',
  delay: 'Answer late (the normal answer after a delay)',
  drop: 'Drop the connection (no answer at all)',
};

const UNIT_NAMES: Record<ClockUnit, string> = { seconds: 'Seconds', minutes: 'Minutes', hours: 'Hours', days: 'Days' };

const worldName = (summary: Pick<SandboxSummary, 'id' | 'default'>): string => (summary.default ? 'the default world' : `sandbox ${summary.id}`);
const title = (summary: Pick<SandboxSummary, 'id' | 'default'>): string => (summary.default ? 'The default world' : `Sandbox ${summary.id}`);
const iso = (ms: number): string => new Date(ms).toISOString();
/** An ISO 8601 time as a table shows it: with spaces, so that a narrow column can wrap it. */
const when = (isoTime: string): string => isoTime.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** How far the sandbox's clock is from the service's own, in words ("2 days 3 hours ahead of real time"). */
export function offsetInWords(offsetMs: number): string {
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  if (seconds === 0) return 'in step with real time';
  const parts: string[] = [];
  let left = seconds;
  for (const [size, word] of [[86_400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']] as const) {
    const n = Math.floor(left / size);
    left -= n * size;
    if (n > 0 && parts.length < 2) parts.push(plural(n, word));
  }
  return `${parts.join(' ')} ${offsetMs > 0 ? 'ahead of' : 'behind'} real time`;
}

/** An endpoint's name, its method and path in code (which a narrow column may break anywhere). */
const endpointName = (endpoint: FaultEndpoint): Html => {
  const [name, route] = ENDPOINT_NAMES[endpoint].split(' (');
  return route ? html`${name} (<code>${route.slice(0, -1)}</code>)` : html`${name}`;
};

/** What a fault does, in a sentence (ids and paths in code, so that a narrow table can wrap them). */
export function faultInWords(fault: Fault): Html {
  const answer = fault.action === 'delay' ? `Answer ${count(fault.delay_ms ?? 0)} ms late` : ACTION_NAMES[fault.action];
  const user = fault.user_id ? html`user <code>${fault.user_id}</code>` : 'any user (app-only calls too)';
  const app = fault.app_id ? html`App <code>${fault.app_id}</code>` : 'any App';
  const how = fault.times_remaining === null ? 'until removed' : plural(fault.times_remaining, 'more request');
  const chance = fault.probability < 1 ? `, ${Math.round(fault.probability * 10_000) / 100}% of matching requests` : '';
  return html`${answer} on ${endpointName(fault.endpoint)}; for ${user}, ${app}; ${how}${chance}.`;
}

/** The list of a refused form's problems, each linking to its field (`ids`: field name → element id). */
function errorSummary(failed: string, problems: Record<string, string>, ids: Record<string, string>): Html {
  return html`
<div class="error" role="alert">
<b>${failed}.</b>
<ul>${Object.entries(problems).map(([field, message]) => html`<li>${ids[field] ? html`<a href="#${ids[field]}">${message}</a>` : message}</li>`)}</ul>
</div>`;
}

const back = html`<nav class="portal" aria-label="Portal"><a href="/portal/sandboxes">All sandboxes</a><a href="/portal">Back to the portal</a></nav>`;

/** GET /portal/sandboxes: every world, and the form to make a sandbox. */
export function portalSandboxesPage(csrf: string, worlds: readonly SandboxSummary[], options: SandboxPageOptions = {}): string {
  const problems = options.problems ?? {};
  const seed = options.values?.seed ?? 'demo';
  return page('Sandboxes', html`
<p><a href="/portal">Back to the portal</a></p>
<h1>Sandboxes</h1>
<p class="muted">Each sandbox is a whole X world of its own: its data, credentials, clock, faults and snapshots. Requests made with a sandbox's credentials reach that sandbox only; the default world is the one reached without them.</p>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<table>
<caption class="muted">${plural(worlds.length, 'world')}</caption>
<thead><tr><th scope="col">World</th><th scope="col">Seed</th><th scope="col">Created</th><th scope="col">Snapshots</th></tr></thead>
<tbody>${worlds.map((w) => html`<tr>
<td><a href="/portal/sandboxes/${w.id}"${w.default ? '' : html` aria-label="Sandbox ${w.id}"`}>${w.default ? 'The default world' : html`<code>${w.id}</code>`}</a></td>
<td>${w.seed}</td><td>${w.created_at ? when(w.created_at) : '—'}</td><td>${count(w.snapshots.length)}</td></tr>`)}</tbody>
</table>
<section aria-labelledby="create-sandbox">
<h2 id="create-sandbox">Create a sandbox</h2>
${options.failed ? errorSummary(options.failed, problems, { seed: 'sandbox-seed' }) : ''}
<form method="post" action="/portal/sandboxes">
<input type="hidden" name="csrf" value="${csrf}">
<label for="sandbox-seed">Start from</label>
<select id="sandbox-seed" name="seed"${describedBy('sandbox-seed', problems, 'seed')}>
${SANDBOX_SEEDS.map((s) => html`<option value="${s}"${s === seed ? html` selected` : ''}>${SEED_NAMES[s]}</option>`)}
</select>
${fieldError('sandbox-seed', problems, 'seed')}
<div class="actions"><button type="submit" class="primary">Create a sandbox</button></div>
</form>
</section>`, { footer: FOOTER, wide: true });
}

/** GET /portal/sandboxes/:id: everything about one world, and a form for each thing the control API does to it. */
export function portalSandboxPage(csrf: string, view: SandboxView, options: SandboxPageOptions = {}): string {
  const { summary, credentials } = view;
  const problems = options.problems ?? {};
  const values = options.values ?? {};
  const base = `/portal/sandboxes/${summary.id}`;
  const csrfField = html`<input type="hidden" name="csrf" value="${csrf}">`;
  const inForm = (fields: readonly string[]) => fields.some((f) => f in problems);
  const summaryOf = (fields: Record<string, string>) => (options.failed && inForm(Object.keys(fields)) ? errorSummary(options.failed, problems, fields) : '');
  const clockIds = { advance: 'clock-advance', unit: 'clock-unit', now: 'clock-now' };
  const faultIds = {
    endpoint: 'fault-endpoint', action: 'fault-action', delay_ms: 'fault-delay', user_id: 'fault-user', app_id: 'fault-app', times: 'fault-times',
    probability: 'fault-probability', form: 'fault-endpoint',
  };
  const unit = (values.unit ?? 'minutes') as ClockUnit;
  const endpoint = values.endpoint ?? '*';
  const action = values.action ?? 'unavailable';

  return page(title(summary), html`
${back}
<h1>${title(summary)}</h1>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<dl class="keys">
<dt>Id</dt><dd><code>${summary.id}</code></dd>
<dt>Seed</dt><dd>${SEED_NAMES[summary.seed]}</dd>
<dt>Store</dt><dd>${summary.store}</dd>
<dt>Created</dt><dd>${summary.created_at ? when(summary.created_at) : summary.default ? 'With the service' : '—'}</dd>
</dl>

<section aria-labelledby="credentials">
<h2 id="credentials">Credentials</h2>
${credentials ? html`
<p class="muted">The same document as <code>GET /__admin/sandboxes/${summary.id}</code> and demo-credentials.json: Apps, tokens and users of ${worldName(summary)}, with this server's base URL and the control API's token. X's SDKs pointed at the base URL with these credentials reach ${worldName(summary)} only.</p>
<label for="credentials-json">Credentials document (JSON)</label>
<textarea id="credentials-json" readonly rows="12" spellcheck="false" autocapitalize="none" aria-describedby="credentials-help">${JSON.stringify(credentials, null, 2)}</textarea>
<p class="muted hint" id="credentials-help">Select it all to copy it, or <a href="${base}/credentials.json" download="${summary.id}-credentials.json">download credentials.json of ${summary.id}</a>.</p>`
  : html`<p>${title(summary)} has no credentials document: it was not seeded with the demo. Its Apps are the developers' own (their keys are shown once, in their portal).</p>`}
</section>

<section aria-labelledby="clock">
<h2 id="clock">Clock</h2>
<p>Its time: <b><time datetime="${iso(view.now)}">${iso(view.now)}</time></b> (${offsetInWords(view.offsetMs)}). It drives rate-limit windows, the monthly cap, token expiry and the times of new likes; OAuth 1.0a timestamps stay checked against real time, as X checks them.</p>
${summaryOf(clockIds)}
<form method="post" action="${base}/clock">
${csrfField}
<label for="clock-advance">Advance the clock by</label>
<input type="number" id="clock-advance" name="advance" min="0" step="any" inputmode="decimal" required value="${values.advance ?? ''}"${describedBy('clock-advance', problems, 'advance')}>
${fieldError('clock-advance', problems, 'advance')}
<label for="clock-unit">Unit</label>
<select id="clock-unit" name="unit"${describedBy('clock-unit', problems, 'unit')}>
${(Object.keys(CLOCK_UNITS) as ClockUnit[]).map((u) => html`<option value="${u}"${u === unit ? html` selected` : ''}>${UNIT_NAMES[u]}</option>`)}
</select>
${fieldError('clock-unit', problems, 'unit')}
<div class="actions"><button type="submit" class="primary">Advance the clock</button></div>
</form>
<form method="post" action="${base}/clock">
${csrfField}
<label for="clock-now">Set the clock to</label>
<input type="text" id="clock-now" name="now" required spellcheck="false" autocapitalize="none" value="${values.now ?? iso(view.now)}" aria-describedby="clock-now-help${problems.now ? ' clock-now-error' : ''}"${problems.now ? html` aria-invalid="true"` : ''}>
<p class="muted hint" id="clock-now-help">An ISO 8601 date-time with a time zone, e.g. 2026-01-01T12:00:00Z. Earlier times are allowed: windows and tokens then stand as they were stored.</p>
${fieldError('clock-now', problems, 'now')}
<div class="actions"><button type="submit" class="secondary">Set the clock</button></div>
</form>
</section>

<section aria-labelledby="faults">
<h2 id="faults">Faults</h2>
${view.faults.length === 0 ? html`<p>No faults: every request is answered normally.</p>` : html`
<table>
<caption class="muted">${plural(view.faults.length, 'fault')}, tried in this order: the first that matches a request answers it</caption>
<thead><tr><th scope="col">Fault</th><th scope="col">What it does</th><th scope="col">Remove</th></tr></thead>
<tbody>${view.faults.map((f) => html`<tr>
<td><code>${f.id}</code></td><td>${faultInWords(f)} <span class="muted">Added ${when(f.created_at)}.</span></td>
<td><form method="post" action="${base}/faults/${f.id}/remove">${csrfField}<button type="submit" class="secondary" aria-label="Remove fault ${f.id}">Remove</button></form></td></tr>`)}</tbody>
</table>
<form method="post" action="${base}/faults/remove-all">
${csrfField}
<button type="submit" class="secondary">Remove all faults</button>
</form>`}
<h3 id="add-fault">Add a fault</h3>
<p class="muted">The sandbox then answers matching requests as X fails them, before any data changes.</p>
${summaryOf(faultIds)}
<form method="post" action="${base}/faults" aria-labelledby="add-fault">
${csrfField}
<label for="fault-endpoint">Endpoint</label>
<select id="fault-endpoint" name="endpoint"${describedBy('fault-endpoint', problems, 'endpoint')}>
${(['*', ...FAULT_ENDPOINTS] as FaultEndpoint[]).map((e) => html`<option value="${e}"${e === endpoint ? html` selected` : ''}>${ENDPOINT_NAMES[e]}</option>`)}
</select>
${fieldError('fault-endpoint', problems, 'endpoint')}
<label for="fault-action">Answer</label>
<select id="fault-action" name="action"${describedBy('fault-action', problems, 'action')}>
${FAULT_ACTIONS.map((a) => html`<option value="${a}"${a === action ? html` selected` : ''}>${ACTION_NAMES[a]}</option>`)}
</select>
${fieldError('fault-action', problems, 'action')}
<label for="fault-delay">Delay in milliseconds (with “Answer late” only)</label>
<input type="number" id="fault-delay" name="delay_ms" min="1" max="${MAX_FAULT_DELAY_MS}" step="1" inputmode="numeric" value="${values.delay_ms ?? ''}"${describedBy('fault-delay', problems, 'delay_ms')}>
${fieldError('fault-delay', problems, 'delay_ms')}
<label for="fault-user">For the user id (blank: any caller, app-only ones too)</label>
<input type="text" id="fault-user" name="user_id" inputmode="numeric" spellcheck="false" autocomplete="off" value="${values.user_id ?? ''}"${credentials ? html` list="fault-users"` : ''}${describedBy('fault-user', problems, 'user_id')}>
${credentials ? html`<datalist id="fault-users">${credentials.users.map((u) => html`<option value="${u.id}">@${u.username}</option>`)}</datalist>` : ''}
${fieldError('fault-user', problems, 'user_id')}
<label for="fault-app">For the App id (blank: any App)</label>
<input type="text" id="fault-app" name="app_id" inputmode="numeric" spellcheck="false" autocomplete="off" value="${values.app_id ?? ''}"${credentials ? html` list="fault-apps"` : ''}${describedBy('fault-app', problems, 'app_id')}>
${credentials ? html`<datalist id="fault-apps"><option value="${credentials.app.id}">Demo App</option><option value="${credentials.publicApp.id}">Demo Native App</option><option value="${credentials.appWithoutProject.id}">App outside any Project</option></datalist>` : ''}
${fieldError('fault-app', problems, 'app_id')}
<label for="fault-times">How many requests (blank: every one until removed)</label>
<input type="number" id="fault-times" name="times" min="1" step="1" inputmode="numeric" value="${values.times ?? ''}"${describedBy('fault-times', problems, 'times')}>
${fieldError('fault-times', problems, 'times')}
<label for="fault-probability">Probability, more than 0 and at most 1 (blank: 1, every matching request)</label>
<input type="number" id="fault-probability" name="probability" min="0" max="1" step="any" inputmode="decimal" value="${values.probability ?? ''}"${describedBy('fault-probability', problems, 'probability')}>
${fieldError('fault-probability', problems, 'probability')}
<div class="actions"><button type="submit" class="primary">Add the fault</button></div>
</form>
</section>

<section aria-labelledby="snapshots">
<h2 id="snapshots">Snapshots</h2>
<p class="muted">A snapshot keeps the world's data (not its clock, faults or counters); restoring one puts the data back as it was.</p>
${summary.snapshots.length === 0 ? html`<p>No snapshots yet.</p>` : html`
<table>
<caption class="muted">${plural(summary.snapshots.length, 'snapshot')}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Restore</th></tr></thead>
<tbody>${summary.snapshots.map((name) => html`<tr><td><code>${name}</code></td>
<td><form method="post" action="${base}/snapshots/${name}/restore">${csrfField}<button type="submit" class="secondary" aria-label="Restore snapshot ${name}">Restore</button></form></td></tr>`)}</tbody>
</table>`}
${summaryOf({ name: 'snapshot-name' })}
<form method="post" action="${base}/snapshots">
${csrfField}
<label for="snapshot-name">Snapshot name</label>
<input type="text" id="snapshot-name" name="name" required maxlength="40" spellcheck="false" autocapitalize="none" autocomplete="off" value="${values.name ?? ''}" aria-describedby="snapshot-name-help${problems.name ? ' snapshot-name-error' : ''}"${problems.name ? html` aria-invalid="true"` : ''}>
<p class="muted hint" id="snapshot-name-help">1 to 40 letters, digits, _ or -, starting with a letter or digit. A name already taken is saved over.</p>
${fieldError('snapshot-name', problems, 'name')}
<div class="actions"><button type="submit" class="primary">Take a snapshot</button></div>
</form>
</section>

<section aria-labelledby="reset-delete">
<h2 id="reset-delete">${summary.default ? 'Reset' : 'Reset or delete'}</h2>
${summaryOf({ confirm: 'reset-confirm' })}
<form method="post" action="${base}/reset">
${csrfField}
<p class="muted">Reset puts ${worldName(summary)} back as it was made: its data and credentials as seeded, its clock, faults, rate-limit windows, usage and request log cleared${summary.default ? ' (the default world keeps its rate-limit windows and monthly usage)' : ''}. Snapshots stay.</p>
${summary.default ? html`<div class="check"><input type="checkbox" id="reset-confirm" name="confirm" value="yes"${problems.confirm ? html` aria-invalid="true" aria-describedby="reset-confirm-error"` : ''}>
<label for="reset-confirm">I understand: every Project, App, developer account, token and like made since the seed is lost</label></div>
${fieldError('reset-confirm', problems, 'confirm')}` : ''}
<div class="actions"><button type="submit" class="secondary">Reset ${summary.default ? 'the default world' : summary.id} to its seed</button></div>
</form>
${summary.default ? html`<p class="muted">The default world is the store itself: it cannot be deleted.</p>` : html`
<p><a href="${base}/delete">Delete sandbox ${summary.id}…</a> (asks to confirm)</p>`}
</section>`, { footer: FOOTER, wide: true });
}

/** GET /portal/sandboxes/:id/delete: the second step of a delete. */
export function portalDeleteSandboxPage(csrf: string, id: string): string {
  return page(`Delete sandbox ${id}`, html`
${back}
<h1>Delete sandbox ${id}?</h1>
<p>Its data, snapshots, clock, faults and credentials are gone for good: clients using its credentials are refused from then on.</p>
<form method="post" action="/portal/sandboxes/${id}/delete">
<input type="hidden" name="csrf" value="${csrf}">
<div class="actions"><button type="submit" class="primary">Delete sandbox ${id} for good</button></div>
</form>
<p><a href="/portal/sandboxes/${id}">Keep it: back to sandbox ${id}</a></p>`, { footer: FOOTER });
}

export function portalSandboxNotFoundPage(id: string): string {
  return page('No such sandbox', html`
${back}
<h1>No such sandbox</h1>
<p>There is no sandbox <code>${id}</code> (it may have been deleted). <a href="/portal/sandboxes">See every sandbox</a>.</p>`, { footer: FOOTER });
}

/**
 * The notice after an action's redirect, from its query (`done` and what it names). Only what matches the shapes the
 * actions write is shown, so a link cannot put words of its own on the page.
 */
export function sandboxNotice(query: Record<string, string | undefined>): string | undefined {
  const named = (value: string | undefined, pattern: RegExp): string | null => (value !== undefined && pattern.test(value) ? value : null);
  switch (query.done) {
    case 'created':
      return 'Sandbox created. Its credentials are below.';
    case 'clock':
      return 'Clock moved.';
    case 'fault-added': {
      const id = named(query.fault, FAULT_ID_PATTERN);
      return id ? `Fault ${id} added.` : 'Fault added.';
    }
    case 'fault-removed': {
      const id = named(query.fault, FAULT_ID_PATTERN);
      return id ? `Fault ${id} removed.` : 'Fault removed.';
    }
    case 'faults-cleared': {
      const n = named(query.count, /^\d{1,6}$/);
      return n === null ? 'Every fault removed.' : `Every fault removed (${plural(Number(n), 'fault')}).`;
    }
    case 'snapshot': {
      const name = named(query.name, USER_SNAPSHOT_NAME);
      return name ? `Snapshot ${name} taken.` : 'Snapshot taken.';
    }
    case 'restored': {
      const name = named(query.name, USER_SNAPSHOT_NAME);
      return name ? `Snapshot ${name} restored.` : 'Snapshot restored.';
    }
    case 'reset':
      return 'Reset to its seed.';
    case 'deleted': {
      const id = named(query.sandbox, SANDBOX_ID);
      return id ? `Sandbox ${id} deleted.` : 'Sandbox deleted.';
    }
    default:
      return undefined;
  }
}
