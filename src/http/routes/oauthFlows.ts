// The user-authorization flows over HTTP (spec §8.1, §9.2):
//   OAuth 2.0  GET|POST /i/oauth2/authorize (also /2/oauth2/authorize), POST /2/oauth2/token, POST /2/oauth2/revoke
//   OAuth 1.0a POST /oauth/request_token, GET|POST /oauth/authorize and /oauth/authenticate,
//              POST /oauth/access_token, POST /oauth/invalidate_token (also under /1.1)
// The authorize paths serve the sign-in and consent pages (src/http/pages) and take their form posts; the flow
// logic lives in src/auth/flows.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthRequest } from '../../auth/authRequest.ts';
import { openAuthFlows, type AuthFlows } from '../../auth/flows/index.ts';
import type { LegacyReply, OAuth1Decision } from '../../auth/flows/oauth1Flow.ts';
import { AUTHORIZE_ADDRESS_LIMIT, PENDING_TTL_MS, PendingCapacityError, type PendingAuthorization } from '../../auth/flows/pending.ts';
import { randomString } from '../../auth/secrets.ts';
import type { AppRecord } from '../../domain/model.ts';
import { ServiceUnavailableError } from '../../ports/unavailable.ts';
import type { Services } from '../../services.ts';
import type { World } from '../../worlds.ts';
import { consentPage, deniedPage, errorPage, pinPage, signInPage, type FormContext } from '../pages/consent.ts';
import { JSON_TYPE, problemFor, sendJson, sendPage, sendProblem, sendV1Error } from '../reply.ts';
import { authRequest, clientAddress, cookieValues, formPairs, overHttps, paramMap, queryPairs, splitUrl, tokenParams } from '../request.ts';

const OAUTH2_AUTHORIZE = ['/i/oauth2/authorize', '/2/oauth2/authorize'];
const OAUTH1_AUTHORIZE = ['/oauth/authorize', '/oauth/authenticate'];
/** The browser cookie the forms' CSRF tokens are bound to. */
const BROWSER_COOKIE = 'likes_api_flow';
const GONE = 'This authorization request has expired or was already used. Go back to the App and start again.';

const duplicateParameter = (name: string) => ({ error: 'invalid_request', error_description: `Duplicate parameter [${name}].` });

/** The OAuth 1.0a endpoints' request: query and form-body pairs (what signatures cover); null when either is malformed. */
function signedRequest(req: FastifyRequest, services: Services): AuthRequest | null {
  const query = queryPairs(req);
  const body = formPairs(req);
  return query && body ? authRequest(req, services.config, () => [...query, ...body]) : null;
}

function browserCookie(req: FastifyRequest): string | null {
  return cookieValues(req, BROWSER_COOKIE).find((v) => /^[A-Za-z0-9]{32}$/.test(v)) ?? null;
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

function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(302).header('location', location).header('content-type', 'text/html; charset=utf-8').send('');
}

function sendLegacy(reply: FastifyReply, r: LegacyReply): FastifyReply {
  const type = r.kind === 'json' ? JSON_TYPE : 'text/html; charset=utf-8';
  return reply.code(r.status).header('content-type', type).send(r.body);
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

export const oauthFlowRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  // Each world's flows, opened on its first use.
  const opened = new WeakMap<World, Promise<AuthFlows>>();
  const flows = (world: World): Promise<AuthFlows> => {
    let f = opened.get(world);
    if (!f) {
      f = openAuthFlows(world, services);
      opened.set(world, f);
      f.catch(() => opened.delete(world));
    }
    return f;
  };
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
    const secure = overHttps(req, services.config.trustProxy) ? '; Secure' : '';
    reply.header('set-cookie', `${BROWSER_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax${secure}`);
    return value;
  };

  const formContext = (f: AuthFlows, req: FastifyRequest, pending: PendingAuthorization, app: AppRecord, browser: string, step: 'signin' | 'consent'): FormContext => ({
    action: splitUrl(req).rawPath,
    pendingId: pending.id,
    csrf: f.forms.issue(pending, step, browser),
    appName: app.name,
  });

  const renderConsent = async (f: AuthFlows, req: FastifyRequest, reply: FastifyReply, pending: PendingAuthorization, app: AppRecord, browser: string) => {
    const [user] = await req.world.store.usersByIds([pending.userId!]);
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
    if (!state.allowed) req.refusal = 'authorize';
    const refused = state.allowed
      ? null
      : sendLater(reply, 429, state.resetAt, now, errorPage('Too many authorization requests from your network.', `Try again ${waitInWords(state.resetAt, now)}.`));
    return { refused, giveBack: () => services.shared.rateLimiter.refund(key, PENDING_TTL_MS, now) };
  };

  // ---- pages ----

  const oauth2Authorize = pageHandler(async (req, reply) => {
    const query = queryPairs(req);
    if (!query) return sendPage(reply, 400, errorPage("You weren't able to give access to the App.", 'The request could not be read.'));
    const { params } = paramMap(query);
    const f = await flows(req.world);
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
      const query = paramMap(queryPairs(req) ?? []).params;
      const get = (name: string) => query.get(name);
      const f = await flows(req.world);
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
      const form = paramMap(formPairs(req) ?? []).params;
      const f = await flows(req.world);
      const pending = await f.pending.load(form.get('pending') ?? '');
      if (!pending || pending.grant.kind !== family) return sendPage(reply, 400, errorPage(GONE));
      const step = form.get('step') === 'consent' ? 'consent' : 'signin';
      const browser = browserCookie(req);
      if (!browser || !f.forms.check(form.get('csrf') ?? '', pending.id, step, browser)) {
        return sendPage(reply, 403, errorPage('This form has expired or did not come from this page.', 'Go back to the App and start again (cookies must be enabled).'));
      }
      const app = await req.world.store.appById(pending.grant.appId);
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
          const now = req.world.clock.now();
          if (result.reason === 'locked' || result.reason === 'address') req.refusal = 'sign_in';
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
    const p = tokenParams(req);
    if (p.duplicate !== null) return sendJson(reply, 400, duplicateParameter(p.duplicate));
    const r = await (await flows(req.world)).oauth2.token(p.params, req.headers.authorization);
    return sendJson(reply, r.status, r.body);
  }));
  app.post('/2/oauth2/revoke', apiHandler(async (req, reply) => {
    const p = tokenParams(req);
    if (p.duplicate !== null) return sendJson(reply, 400, duplicateParameter(p.duplicate));
    const r = await (await flows(req.world)).oauth2.revoke(p.params, req.headers.authorization);
    return sendJson(reply, r.status, r.body);
  }));

  // ---- OAuth 1.0a endpoints (legacy replies) ----

  const legacy = (op: (f: AuthFlows, r: AuthRequest) => Promise<LegacyReply>) =>
    apiHandler(async (req, reply) => {
      const r = signedRequest(req, services);
      if (!r) return sendV1Error(reply, 400, { code: 215, message: 'Bad Authentication data.' });
      return sendLegacy(reply, await op(await flows(req.world), r));
    });
  app.post('/oauth/request_token', legacy((f, r) => f.oauth1.requestToken(r)));
  app.post('/oauth/access_token', legacy((f, r) => f.oauth1.accessToken(r)));
  for (const path of ['/oauth/invalidate_token', '/1.1/oauth/invalidate_token']) {
    app.post(path, legacy((f, r) => f.oauth1.invalidate(r)));
  }
};
