// The user-authorization flows over HTTP (spec §8.1, §9.2):
//   OAuth 2.0  GET|POST /i/oauth2/authorize (also /2/oauth2/authorize), POST /2/oauth2/token, POST /2/oauth2/revoke
//   OAuth 1.0a POST /oauth/request_token, GET|POST /oauth/authorize and /oauth/authenticate,
//              POST /oauth/access_token, POST /oauth/invalidate_token (also under /1.1)
// The authorize paths serve the sign-in and consent pages (src/http/pages) and take their form posts; the flow
// logic lives in src/auth/flows.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthRequest } from '../../auth/authRequest.ts';
import { openAuthFlows, type AuthFlows } from '../../auth/flows/index.ts';
import type { LegacyReply, OAuth1Decision } from '../../auth/flows/oauth1Flow.ts';
import { AUTHORIZE_ADDRESS_LIMIT, PENDING_TTL_MS, PendingCapacityError, type PendingAuthorization } from '../../auth/flows/pending.ts';
import { randomString } from '../../auth/secrets.ts';
import type { AppRecord } from '../../domain/model.ts';
import { parseFormPairs } from '../../formEncoding.ts';
import { ServiceUnavailableError } from '../../ports/unavailable.ts';
import type { Services } from '../../services.ts';
import { parseJsonBody } from '../jsonBody.ts';
import { consentPage, deniedPage, errorPage, pinPage, signInPage, type FormContext } from '../pages/consent.ts';
import { PAGE_HEADERS } from '../pages/layout.ts';
import { problemFor, sendJson, sendProblem } from '../server.ts';

const OAUTH2_AUTHORIZE = ['/i/oauth2/authorize', '/2/oauth2/authorize'];
const OAUTH1_AUTHORIZE = ['/oauth/authorize', '/oauth/authenticate'];
/** The browser cookie the forms' CSRF tokens are bound to. */
const BROWSER_COOKIE = 'likes_api_flow';
const GONE = 'This authorization request has expired or was already used. Go back to the App and start again.';

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

const isForm = (req: FastifyRequest) =>
  String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/** Query pairs, then form-body pairs; null when either is malformed. */
function pairs(req: FastifyRequest, withBody: boolean): [string, string][] | null {
  const query = parseFormPairs(splitUrl(req.raw.url ?? req.url).rawQuery);
  const body = withBody && isForm(req) && typeof req.body === 'string' ? parseFormPairs(req.body) : [];
  return query && body ? [...query, ...body] : null;
}

/**
 * Each parameter's value, from the query, a form body or a JSON body (X's clients use all three). A name sent twice
 * is refused (RFC 6749 §3.2): taking either copy would let one part of a request say what another part contradicts.
 */
function paramMap(req: FastifyRequest): { params: Map<string, string> } | { duplicate: string } {
  const out = new Map<string, string>();
  let duplicate: string | null = null;
  const add = (k: string, v: string) => {
    if (out.has(k)) duplicate ??= k;
    else out.set(k, v);
  };
  for (const [k, v] of parseFormPairs(splitUrl(req.raw.url ?? req.url).rawQuery) ?? []) add(k, v);
  const body = typeof req.body === 'string' ? req.body : '';
  if (String(req.headers['content-type'] ?? '').toLowerCase().includes('json')) {
    // An unparsable (or over-bounds) body carries no parameters.
    const parsed = parseJsonBody(body)?.value;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') add(k, v);
    }
  } else {
    for (const [k, v] of parseFormPairs(body) ?? []) add(k, v);
  }
  return duplicate === null ? { params: out } : { duplicate };
}

const duplicateParameter = (name: string) => ({ error: 'invalid_request', error_description: `Duplicate parameter [${name}].` });

function schemeOf(req: FastifyRequest): string {
  return String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0].trim() || 'http';
}

function authRequest(req: FastifyRequest, services: Services): AuthRequest | null {
  const params = pairs(req, true);
  if (!params) return null;
  return {
    method: req.method,
    authorization: req.headers.authorization,
    scheme: schemeOf(req),
    host: req.headers.host ?? `${services.config.host}:${services.config.port}`,
    rawPath: splitUrl(req.raw.url ?? req.url).rawPath,
    params,
  };
}

function browserCookie(req: FastifyRequest): string | null {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === BROWSER_COOKIE && /^[A-Za-z0-9]{32}$/.test(rest.join('='))) return rest.join('=');
  }
  return null;
}

function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(body);
}

/** A refusal that passes at `retryAt`: the page, with Retry-After in whole seconds. */
function sendLater(reply: FastifyReply, status: 429 | 503, retryAt: number, now: number, body: string): FastifyReply {
  return sendPage(reply.header('retry-after', String(Math.max(1, Math.ceil((retryAt - now) / 1000)))), status, body);
}

/** "in 5 seconds", "in 3 minutes": how long until `retryAt`, for the pages. */
function waitInWords(retryAt: number, now: number): string {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * The client's address for the per-address limits: the socket's peer, or with LIKES_API_TRUST_PROXY=1 the last
 * X-Forwarded-For entry (the one our proxy appended; earlier entries are whatever the client sent).
 */
function clientAddress(req: FastifyRequest, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim() : '';
  const address = forwarded || req.socket.remoteAddress || 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(302).header('location', location).header('content-type', 'text/html; charset=utf-8').send('');
}

function sendLegacy(reply: FastifyReply, r: LegacyReply): FastifyReply {
  const type = r.kind === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8';
  return reply.code(r.status).header('content-type', type).send(r.body);
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

export function oauthFlowRoutes(app: FastifyInstance, services: Services): void {
  let opened: Promise<AuthFlows> | undefined;
  const flows = (): Promise<AuthFlows> =>
    (opened ??= openAuthFlows(services).catch((e: unknown) => {
      opened = undefined;
      throw e;
    }));
  const log = (req: FastifyRequest) => (err: unknown) => req.log.error({ err }, 'request failed');

  /** Runs a page handler; outages and bugs become an error page rather than JSON. */
  const pageHandler = (fn: (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await fn(req, reply);
      } catch (e) {
        if (e instanceof ServiceUnavailableError) return sendPage(reply, 503, errorPage('The service is unavailable right now. Try again in a moment.'));
        if (e instanceof PendingCapacityError) {
          return sendLater(reply, 503, e.retryAt, services.clock.now(), errorPage('Too many authorizations are in progress right now.', 'Try again in a few minutes.'));
        }
        log(req)(e);
        return sendPage(reply, 500, errorPage('Something broke on our side. Try again in a moment.'));
      }
    };
  const apiHandler = (fn: (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await fn(req, reply);
      } catch (e) {
        return sendProblem(reply, problemFor(e, log(req)));
      }
    };

  /** The browser's cookie, set now when it has none. */
  const ensureBrowser = (req: FastifyRequest, reply: FastifyReply): string => {
    const existing = browserCookie(req);
    if (existing) return existing;
    const value = randomString(32);
    const secure = schemeOf(req) === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${BROWSER_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax${secure}`);
    return value;
  };

  const formContext = (f: AuthFlows, req: FastifyRequest, pending: PendingAuthorization, app: AppRecord, browser: string, step: 'signin' | 'consent'): FormContext => ({
    action: splitUrl(req.raw.url ?? req.url).rawPath,
    pendingId: pending.id,
    csrf: f.forms.issue(pending, step, browser),
    appName: app.name,
  });

  const renderConsent = async (f: AuthFlows, req: FastifyRequest, reply: FastifyReply, pending: PendingAuthorization, app: AppRecord, browser: string) => {
    const [user] = await services.store.usersByIds([pending.userId!]);
    if (!user) return sendPage(reply, 400, errorPage(GONE));
    const grant = pending.grant;
    const what = grant.kind === 'oauth2' ? { kind: 'scopes' as const, scopes: grant.scopes } : { kind: 'permission' as const, permission: grant.permission };
    const target = grant.kind === 'oauth2' ? hostOf(grant.redirectUri) : grant.callback === 'oob' ? null : hostOf(grant.callback);
    return sendPage(reply, 200, consentPage(formContext(f, req, pending, app, browser, 'consent'), user, what, target));
  };

  const oauth1Outcome = (reply: FastifyReply, appName: string, d: OAuth1Decision) => {
    if (d.kind === 'redirect') return redirect(reply, d.location);
    if (d.kind === 'pin') return sendPage(reply, 200, pinPage(appName, d.pin));
    if (d.kind === 'denied') return sendPage(reply, 200, deniedPage(appName));
    return sendPage(reply, 400, errorPage(GONE));
  };

  /**
   * Counts an authorize page against the client's address before it opens a pending authorization; refused
   * beyond AUTHORIZE_ADDRESS_LIMIT per window (lifted by LIKES_API_LIMITS=off). A request that opened nothing
   * (an error page or redirect) is given back.
   */
  const authorizeAllowance = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!services.config.limits) return { refused: null, giveBack: async () => {} };
    const key = `authorize-addr:${clientAddress(req, services.config.trustProxy)}`;
    const now = services.clock.now();
    const state = await services.shared.rateLimiter.hit(key, AUTHORIZE_ADDRESS_LIMIT, PENDING_TTL_MS, now);
    const refused = state.allowed
      ? null
      : sendLater(reply, 429, state.resetAt, now, errorPage('Too many authorization requests from your network.', `Try again ${waitInWords(state.resetAt, now)}.`));
    return { refused, giveBack: () => services.shared.rateLimiter.refund(key, PENDING_TTL_MS, now) };
  };

  // ---- pages ----

  const oauth2Authorize = pageHandler(async (req, reply) => {
    const query = pairs(req, false);
    if (!query) return sendPage(reply, 400, errorPage("You weren't able to give access to the App.", 'The request could not be read.'));
    const params = new Map<string, string>();
    for (const [k, v] of query) if (!params.has(k)) params.set(k, v);
    const f = await flows();
    const allowance = await authorizeAllowance(req, reply);
    if (allowance.refused) return allowance.refused;
    const outcome = await f.oauth2.authorize(params).catch(async (e: unknown) => {
      await allowance.giveBack();
      throw e;
    });
    if (outcome.kind !== 'consent') await allowance.giveBack();
    if (outcome.kind === 'page') {
      return sendPage(reply, outcome.status, errorPage("You weren't able to give access to the App. Go back and try logging in again.", outcome.reason));
    }
    if (outcome.kind === 'redirect') return redirect(reply, outcome.location);
    const browser = ensureBrowser(req, reply);
    return sendPage(reply, 200, signInPage(formContext(f, req, outcome.pending, outcome.app, browser, 'signin')));
  });

  const oauth1Authorize = (authenticate: boolean) =>
    pageHandler(async (req, reply) => {
      const query = pairs(req, false) ?? [];
      const get = (name: string) => query.find(([k]) => k === name)?.[1];
      const f = await flows();
      const allowance = await authorizeAllowance(req, reply);
      if (allowance.refused) return allowance.refused;
      const outcome = await f.oauth1.authorize(get('oauth_token'), authenticate).catch(async (e: unknown) => {
        await allowance.giveBack();
        throw e;
      });
      if (outcome.kind !== 'consent') await allowance.giveBack();
      if (outcome.kind === 'page') return sendPage(reply, outcome.status, errorPage(outcome.reason));
      const browser = ensureBrowser(req, reply);
      const screenName = get('screen_name');
      return sendPage(reply, 200, signInPage(formContext(f, req, outcome.pending, outcome.app, browser, 'signin'), { username: screenName }));
    });

  /** The forms of both page kinds: sign in, then Authorize or Cancel. */
  const consentPost = (family: 'oauth2' | 'oauth1') =>
    pageHandler(async (req, reply) => {
      const form = new Map<string, string>();
      for (const [k, v] of (isForm(req) && typeof req.body === 'string' ? parseFormPairs(req.body) : null) ?? []) {
        if (!form.has(k)) form.set(k, v);
      }
      const f = await flows();
      const pending = await f.pending.load(form.get('pending') ?? '');
      if (!pending || pending.grant.kind !== family) return sendPage(reply, 400, errorPage(GONE));
      const step = form.get('step') === 'consent' ? 'consent' : 'signin';
      const browser = browserCookie(req);
      if (!browser || !f.forms.check(form.get('csrf') ?? '', pending.id, step, browser)) {
        return sendPage(reply, 403, errorPage('This form has expired or did not come from this page.', 'Go back to the App and start again (cookies must be enabled).'));
      }
      const app = await services.store.appById(pending.grant.appId);
      if (!app || app.suspended) return sendPage(reply, 400, errorPage(GONE));
      const action = form.get('action');
      const grant = pending.grant;

      if (action === 'cancel') {
        const taken = await f.pending.take(pending.id);
        if (!taken) return sendPage(reply, 400, errorPage(GONE));
        if (grant.kind === 'oauth2') return redirect(reply, f.oauth2.deny(grant));
        return oauth1Outcome(reply, app.name, await f.oauth1.deny(grant));
      }

      if (step === 'signin') {
        if (pending.userId) return renderConsent(f, req, reply, pending, app, browser);
        const username = form.get('username') ?? '';
        const address = clientAddress(req, services.config.trustProxy);
        const result = await f.signIn.verify(username, form.get('password') ?? '', { address, pendingId: pending.id });
        if (!result.ok) {
          // None of these says whether the username or the password was wrong.
          const ctx = formContext(f, req, pending, app, browser, 'signin');
          const now = services.clock.now();
          switch (result.reason) {
            case 'locked':
              return sendLater(reply, 429, result.retryAt, now, signInPage(ctx, { username, error: `Too many sign-in attempts for this account. Try again ${waitInWords(result.retryAt, now)}.` }));
            case 'address':
              return sendLater(reply, 429, result.retryAt, now, signInPage(ctx, { username, error: `Too many sign-in attempts from your network. Try again ${waitInWords(result.retryAt, now)}.` }));
            case 'busy':
              return sendLater(reply, 503, now + 2000, now, signInPage(ctx, { username, error: 'The service is busy. Try again in a moment.' }));
            case 'invalid':
              if (!result.exhausted) return sendPage(reply, 401, signInPage(ctx, { username, error: 'Wrong username or password.' }));
              break; // that was the authorization's last guess
            case 'exhausted':
              break;
          }
          await f.pending.drop(pending.id);
          return sendPage(reply, 401, errorPage('Too many failed sign-ins.', 'Go back to the App and start again.'));
        }
        pending.userId = result.user.id;
        await f.pending.save(pending);
        return renderConsent(f, req, reply, pending, app, browser);
      }

      if (action !== 'authorize') return sendPage(reply, 400, errorPage('Choose Authorize app or Cancel.'));
      if (!pending.userId) return sendPage(reply, 400, errorPage(GONE));
      const taken = await f.pending.take(pending.id);
      if (!taken || !taken.userId) return sendPage(reply, 400, errorPage(GONE));
      if (grant.kind === 'oauth2') return redirect(reply, await f.oauth2.approve(grant, taken.userId));
      return oauth1Outcome(reply, app.name, await f.oauth1.approve(grant, taken.userId));
    });

  for (const path of OAUTH2_AUTHORIZE) {
    app.get(path, oauth2Authorize);
    app.post(path, consentPost('oauth2'));
  }
  app.get(OAUTH1_AUTHORIZE[0], oauth1Authorize(false));
  app.get(OAUTH1_AUTHORIZE[1], oauth1Authorize(true));
  for (const path of OAUTH1_AUTHORIZE) app.post(path, consentPost('oauth1'));

  // ---- OAuth 2.0 token endpoints (JSON) ----

  app.post('/2/oauth2/token', apiHandler(async (req, reply) => {
    const p = paramMap(req);
    if ('duplicate' in p) return sendJson(reply, 400, duplicateParameter(p.duplicate));
    const r = await (await flows()).oauth2.token(p.params, req.headers.authorization);
    return sendJson(reply, r.status, r.body);
  }));
  app.post('/2/oauth2/revoke', apiHandler(async (req, reply) => {
    const p = paramMap(req);
    if ('duplicate' in p) return sendJson(reply, 400, duplicateParameter(p.duplicate));
    const r = await (await flows()).oauth2.revoke(p.params, req.headers.authorization);
    return sendJson(reply, r.status, r.body);
  }));

  // ---- OAuth 1.0a endpoints (legacy replies) ----

  const legacy = (op: (f: AuthFlows, r: AuthRequest) => Promise<LegacyReply>) =>
    apiHandler(async (req, reply) => {
      const r = authRequest(req, services);
      if (!r) return sendLegacy(reply, { status: 400, kind: 'json', body: JSON.stringify({ errors: [{ code: 215, message: 'Bad Authentication data.' }] }) });
      return sendLegacy(reply, await op(await flows(), r));
    });
  app.post('/oauth/request_token', legacy((f, r) => f.oauth1.requestToken(r)));
  app.post('/oauth/access_token', legacy((f, r) => f.oauth1.accessToken(r)));
  for (const path of ['/oauth/invalidate_token', '/1.1/oauth/invalidate_token']) {
    app.post(path, legacy((f, r) => f.oauth1.invalidate(r)));
  }
}
