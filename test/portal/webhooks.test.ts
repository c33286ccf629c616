// An App's webhooks and events in the developer portal over HTTP (a real server on the demo world, receivers in this
// process): registering through X's CRC (the result shown; a failed CRC, a refused URL or a duplicate is a 400 page
// with X's reason), the subscriptions posting to each webhook (made through the X endpoints, as a client makes
// them), the delivery log after a like (status, attempt, latency, the body exactly as the receiver got it), replaying
// a window (and the windows X refuses), re-validating, deleting; another developer's 404s and the CSRF checks.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDeveloper } from '../../src/auth/developers.ts';
import { formMinute } from '../../src/domain/portal/webhookConsole.ts';
import { bearerCall, type JsonAnswer } from '../support/bearerCall.ts';
import { csrfOf, portalRequest, signedIn as portalSignedIn, unescapeHtml, type PortalBrowser } from '../support/portalClient.ts';
import { serverForSuite, type TestServer } from '../support/harness.ts';
import { WebhookReceiver, type Delivery } from '../support/webhookReceiver.ts';

type Browser = PortalBrowser;

const MINUTE = 60_000;

const request = (server: TestServer, browser: Browser, method: 'GET' | 'POST', path: string, form?: Record<string, string>) =>
  portalRequest(server.baseUrl, browser, method, path, form);
const signedIn = (server: TestServer, username: string, password: string): Promise<Browser> => portalSignedIn(server.baseUrl, username, password);

/** The log's entries (newest first): each <li> of the delivery log, with its payload parsed. */
function logEntries(body: string): { html: string; payload: unknown; bytes: number | null }[] {
  const log = /<ol class="log">([\s\S]*?)<\/ol>/.exec(body)?.[1] ?? '';
  return [...log.matchAll(/<li><details>([\s\S]*?)<\/details><\/li>/g)].map(([, html]) => {
    const pre = /<pre class="wrap payload">([\s\S]*?)<\/pre>/.exec(html);
    const bytes = /Body as posted \((\d+) bytes/.exec(html);
    return { html, payload: pre ? JSON.parse(unescapeHtml(pre[1])) : null, bytes: bytes ? Number(bytes[1]) : null };
  });
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('portal: an App\'s webhooks and events', () => {
  const server = serverForSuite();
  const receivers: WebhookReceiver[] = [];
  let receiver: WebhookReceiver;
  let dev: Browser;
  let otherDev: Browser;
  let otherApp: { id: string; consumerSecret: string; bearerToken: string };
  let webhookId: string;
  let activitySubscriptionId: string;

  const appId = () => server.creds.app.id;
  const pagePath = () => `/portal/apps/${appId()}/webhooks`;
  const logPath = () => `${pagePath()}/${webhookId}`;
  const api = (method: string, path: string, token: string, body?: unknown): Promise<JsonAnswer> => bearerCall(server.baseUrl, method, path, token, body);
  const appWebhooks = async () => (await api('GET', '/2/webhooks', server.creds.app.bearerToken)).json.data as { id: string; url: string; valid: boolean }[];
  const people = () => {
    const [liker, accountHolder, , streamed, author] = server.creds.users;
    return { liker, accountHolder, streamed, author };
  };
  const start = async (crcMode: WebhookReceiver['crcMode'] = 'right', path?: string) => {
    const r = await new WebhookReceiver(server.creds.app.consumerSecret).start(path);
    r.crcMode = crcMode;
    receivers.push(r);
    return r;
  };
  /** Posts a form of `path`'s page (its CSRF token) to `action`. */
  const submit = async (browser: Browser, pageAt: string, action: string, form: Record<string, string> = {}) => {
    const page = await request(server, browser, 'GET', pageAt);
    assert.equal(page.status, 200, pageAt);
    return request(server, browser, 'POST', action, { csrf: csrfOf(page.body), ...form });
  };
  /** The delivery log page once `done` holds for its entries (an attempt is logged just after the receiver answers it). */
  const logWhen = async (done: (entries: ReturnType<typeof logEntries>) => boolean) => {
    for (let i = 0; ; i++) {
      const page = await request(server, dev, 'GET', logPath());
      assert.equal(page.status, 200);
      if (done(logEntries(page.body)) || i === 100) return page;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    receiver = await start();
    dev = await signedIn(server, server.creds.developer!.username, server.creds.developer!.password);
    const other = await createDeveloper(server.services, 'webhooks_other_dev', 'other-password-1');
    const project = await server.services.credentials.createProject('Other Project', { developerId: other.developer.id });
    const made = await server.services.credentials.createApp('Other App', project.id, 'read', {}, 'web');
    otherApp = { id: made.app.id, consumerSecret: made.consumerSecret, bearerToken: made.bearerToken };
    otherDev = await signedIn(server, other.developer.username, other.password);
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('the App page links to its webhooks page, which starts empty with a labelled form to register one', async () => {
    const appPage = await request(server, dev, 'GET', `/portal/apps/${appId()}`);
    assert.ok(appPage.body.includes(`<a href="${pagePath()}">Webhooks and events of Demo App</a>`));
    const page = await request(server, dev, 'GET', pagePath());
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Webhooks and events of Demo App<\/h1>/);
    assert.match(page.body, /<label for="webhook-url">Webhook URL<\/label>/);
    assert.match(page.body, /<form method="post" action="\/portal\/apps\/\d+\/webhooks">/);
    assert.match(page.body, /No webhooks yet/);
    assert.match(page.body, /0 webhooks of 5 allowed on the Classic tier/);
  });

  it('registers a URL that answers the CRC: 303, then the webhook, valid, with the CRC\'s result', async () => {
    const made = await submit(dev, pagePath(), pagePath(), { url: ` ${receiver.url} ` });
    assert.equal(made.status, 303, made.body.slice(0, 500));
    const m = /^\/portal\/apps\/\d+\/webhooks\?registered=(\d+)#webhook-\d+$/.exec(made.location ?? '');
    assert.ok(m, `redirected to the webhooks page: ${made.location}`);
    webhookId = m[1];
    assert.equal(receiver.crcs.length, 1, 'one CRC was sent to the URL');

    const page = await request(server, dev, 'GET', made.location!);
    assert.match(page.body, new RegExp(`role="status">Webhook <code>${webhookId}</code> registered\\. CRC passed: <code>${receiver.url}</code> answered`));
    const section = new RegExp(`<h3 id="webhook-${webhookId}">Webhook <code>${webhookId}</code></h3>\\s*<dl class="keys">\\s*<dt>URL</dt><dd><code>${receiver.url}</code></dd>\\s*<dt>Status</dt><dd><span class="delivery-ok">Valid</span>`);
    assert.match(page.body, section);
    assert.match(page.body, /1 webhook of 5 allowed/);
    // The same webhook the X endpoint lists: one service behind both.
    assert.deepEqual((await appWebhooks()).map((w) => [w.id, w.url, w.valid]), [[webhookId, receiver.url, true]]);
  });

  it('a failed CRC, a refused URL or a duplicate is a 400 page with X\'s reason and the URL kept; nothing is registered', async () => {
    const wrong = await start('wrong');
    const failing = await start('error');
    const cases: [string, RegExp][] = [
      [wrong.url, /CrcValidationFailed: incorrect response_token/],
      [failing.url, /CrcValidationFailed: HTTP 500/],
      [`http://127.0.0.1:${await closedPort()}/hook`, /CrcValidationFailed: connection failed/],
      ['ftp://example.com/hook', /UrlValidationFailed: Webhook URL must use HTTPS/],
      ['https://hooks.example.com:8443/x', /UrlValidationFailed: The URL cannot include a port/],
      [receiver.url, /DuplicateUrlFailed: A webhook is already registered by your application for this URL/],
    ];
    for (const [url, reason] of cases) {
      const res = await submit(dev, pagePath(), pagePath(), { url });
      assert.equal(res.status, 400, url);
      assert.match(res.body, /<p class="error" role="alert" id="webhook-url-error"><b>Not registered\.<\/b> /, url);
      assert.match(res.body, reason, url);
      assert.match(res.body, /id="webhook-url"[^>]*aria-describedby="webhook-url-help webhook-url-error" aria-invalid="true"/, url);
      assert.ok(res.body.includes(`value="${url}"`), `the URL typed is kept: ${url}`);
    }
    assert.equal(wrong.crcs.length, 1, 'the wrong answer came from a real CRC');
    assert.equal(failing.crcs.length, 1);
    assert.deepEqual((await appWebhooks()).map((w) => w.id), [webhookId]);
  });

  it('lists the App\'s subscriptions of both APIs under the webhook they post to, and those posting to none apart', async () => {
    const { liker, accountHolder, streamed } = people();
    const activity = await api('POST', '/2/activity/subscriptions', liker.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: liker.id, direction: 'outbound' }, webhook_id: webhookId, tag: 'portal test',
    });
    assert.equal(activity.status, 200, activity.text);
    activitySubscriptionId = activity.json.data.subscription.subscription_id;
    const account = await api('POST', `/2/account_activity/webhooks/${webhookId}/subscriptions/all`, accountHolder.oauth2AccessToken, {});
    assert.equal(account.status, 200, account.text);
    const streamOnly = await api('POST', '/2/activity/subscriptions', streamed.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: streamed.id },
    });
    assert.equal(streamOnly.status, 200, streamOnly.text);

    const page = await request(server, dev, 'GET', pagePath());
    const webhookSection = page.body.slice(page.body.indexOf(`<h3 id="webhook-${webhookId}">`), page.body.indexOf('stream-only-heading'));
    assert.match(webhookSection, /<h4>Subscriptions posting to it \(2\)<\/h4>/);
    assert.ok(webhookSection.includes(`<b>X Activity API</b> <code>like.create</code>: likes by @${liker.username}, tag “portal test”`));
    assert.ok(webhookSection.includes(`Subscription <code>${activitySubscriptionId}</code>`));
    assert.ok(webhookSection.includes(`<b>Account Activity API</b>: every event of @${accountHolder.username}`));
    assert.ok(!webhookSection.includes(`@${streamed.username}`));
    const apart = page.body.slice(page.body.indexOf('stream-only-heading'));
    assert.match(apart, /Subscriptions without a webhook \(1\)/);
    assert.ok(apart.includes(`likes by @${streamed.username} and of their Posts`));
  });

  let liked: Delivery;

  it('a like by a subscribed user shows in the delivery log: HTTP 200, attempt 1, and its body exactly as the receiver got it', async () => {
    const { liker, author } = people();
    const tweetId = server.creds.tweets.find((t) => t.authorId === author.id)!.id;
    await api('DELETE', `/2/users/${liker.id}/likes/${tweetId}`, liker.oauth2AccessToken); // so the like below is a new one
    const before = receiver.received.length;
    const r = await api('POST', `/2/users/${liker.id}/likes`, liker.oauth2AccessToken, { tweet_id: tweetId });
    assert.equal(r.status, 200, r.text);
    await receiver.until(() => receiver.received.length > before);
    liked = receiver.received[before];
    assert.equal(liked.body.data.payload.liked_tweet_id, tweetId);

    const page = await logWhen((entries) => entries.length > 0);
    assert.match(page.body, new RegExp(`<h1>Deliveries to webhook <code>${webhookId}</code></h1>`));
    const [entry] = logEntries(page.body);
    assert.ok(entry, 'the delivery is in the log');
    assert.match(entry.html, new RegExp(`<summary><span class="delivery-ok">HTTP 200</span> · <code>like\\.create</code> for @${liker.username} · attempt 1 · \\d+ ms · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC</summary>`));
    assert.match(entry.html, /<dt>Error<\/dt><dd>None: acknowledged<\/dd>/);
    assert.ok(entry.html.includes(`likes by @${liker.username}, tag “portal test” (<code>${activitySubscriptionId}</code>)`), 'the subscription it matched');
    assert.deepEqual(entry.payload, liked.body, 'the payload shown is the body delivered');
    assert.equal(entry.bytes, Buffer.byteLength(liked.raw), 'its size is the size posted');
  });

  it('replays a window: accepted (the job shown), and the replayed delivery shows in the log with meta.replay', async () => {
    const now = server.services.clock.now();
    const window = { from: formMinute(now - 5 * MINUTE), to: formMinute(now) };
    const before = receiver.received.length;
    const res = await submit(dev, logPath(), `${logPath()}/replay`, window);
    assert.equal(res.status, 303, res.body.slice(0, 500));
    const m = new RegExp(`^/portal/apps/\\d+/webhooks/${webhookId}\\?replay=(\\d+)&from=([^&]+)&to=(.+)$`).exec(res.location ?? '');
    assert.ok(m, `back to the log: ${res.location}`);
    assert.deepEqual([decodeURIComponent(m[2]), decodeURIComponent(m[3])], [window.from, window.to]);
    const accepted = await request(server, dev, 'GET', res.location!);
    assert.ok(accepted.body.includes(`Replay job <code>${m[1]}</code> accepted for ${window.from.replace('T', ' ')} to ${window.to.replace('T', ' ')} UTC`));

    await server.services.events.replays.idle();
    const replayed = receiver.received.slice(before).find((d) => d.body.meta?.replay === true);
    assert.ok(replayed, 'the receiver got the replayed like');
    assert.equal(replayed.body.data.event_uuid, liked.body.data.event_uuid);
    const page = await logWhen((entries) => entries.some((e) => e.html.includes('(replay)')));
    const entry = logEntries(page.body).find((e) => e.html.includes('(replay)'));
    assert.ok(entry, 'the replayed delivery is in the log');
    assert.match(entry.html, /<span class="delivery-ok">HTTP 200<\/span> · <code>like\.create<\/code> \(replay\)/);
    assert.deepEqual(entry.payload, replayed.body);
  });

  it('a window X refuses is a 400 page with its reason on the field (or the form), the values kept', async () => {
    const now = server.services.clock.now();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ from: formMinute(now), to: formMinute(now - 5 * MINUTE) }, 'replay-from', /QueryParamInvalid: from_date is more recent than to_date/],
      [{ from: formMinute(now - 5 * MINUTE), to: formMinute(now + 10 * MINUTE) }, 'replay-to', /QueryParamInvalid: to_date is in the future/],
      [{ from: formMinute(now - 25 * 60 * MINUTE), to: formMinute(now) }, 'replay-from', /QueryParamInvalid: from_date is older than 24 hours/],
      [{ from: 'yesterday', to: formMinute(now) }, 'replay-from', /Enter the start of the window as a UTC date and time/],
      [{ from: formMinute(now), to: '2025-02-30T10:00' }, 'replay-to', /QueryParamInvalid: from_date or to_date is not in the correct format/],
    ];
    for (const [window, field, reason] of cases) {
      const res = await submit(dev, logPath(), `${logPath()}/replay`, window);
      assert.equal(res.status, 400, JSON.stringify(window));
      // A date that does not exist is refused by X's own check, which names no one end: the form's alert says it.
      const where = reason.source.includes('correct format') ? /<p class="error" role="alert">QueryParamInvalid: from_date or to_date/ : new RegExp(`<p class="error" id="${field}-error">`);
      assert.match(res.body, where, JSON.stringify(window));
      assert.match(res.body, reason);
      assert.ok(res.body.includes(`value="${window.from}"`) && res.body.includes(`value="${window.to}"`), 'the values are kept');
    }
  });

  it('re-validates: a passing CRC is shown; a failing one is a 400 page with the reason, and the webhook turns invalid', async () => {
    const crcs = receiver.crcs.length;
    const passed = await submit(dev, pagePath(), `${logPath()}/validate`);
    assert.equal(passed.status, 303);
    assert.equal(passed.location, `${pagePath()}?validated=${webhookId}#webhook-${webhookId}`);
    assert.equal(receiver.crcs.length, crcs + 1, 'the CRC ran again');
    assert.match((await request(server, dev, 'GET', passed.location!)).body, new RegExp(`role="status">CRC passed at [^:]+:\\d\\d:\\d\\d UTC: webhook <code>${webhookId}</code> is valid\\.`));

    receiver.crcMode = 'wrong';
    try {
      const failed = await submit(dev, pagePath(), `${logPath()}/validate`);
      assert.equal(failed.status, 400);
      assert.ok(failed.body.includes(`role="alert">The CRC of webhook ${webhookId} failed: CrcValidationFailed: incorrect response_token. It is now invalid`));
      assert.match(failed.body, /<dt>Status<\/dt><dd><span class="delivery-failed">Invalid<\/span>: incorrect response_token/);
      assert.equal((await appWebhooks())[0].valid, false);
      // X's replay refuses an invalid webhook: said on the form, not on one of its fields.
      const now = server.services.clock.now();
      const replay = await submit(dev, logPath(), `${logPath()}/replay`, { from: formMinute(now - MINUTE), to: formMinute(now) });
      assert.equal(replay.status, 400);
      assert.match(replay.body, /<p class="error" role="alert">CrcValidationFailed: The webhook is not valid/);
    } finally {
      receiver.crcMode = 'right';
    }
    assert.equal((await submit(dev, pagePath(), `${logPath()}/validate`)).status, 303);
    assert.equal((await appWebhooks())[0].valid, true);
  });

  it('another developer gets 404 for the App, its webhooks and every form; a webhook of another App is 404 under this one', async () => {
    for (const path of [pagePath(), logPath()]) assert.equal((await request(server, otherDev, 'GET', path)).status, 404, path);
    const own = await request(server, otherDev, 'GET', `/portal/apps/${otherApp.id}/webhooks`);
    assert.equal(own.status, 200, 'their own App\'s page works');
    const csrf = csrfOf(own.body);
    for (const [action, form] of [
      [pagePath(), { url: (await start()).url }], [`${logPath()}/validate`, {}], [`${logPath()}/delete`, {}],
      [`${logPath()}/replay`, { from: formMinute(server.services.clock.now()), to: formMinute(server.services.clock.now()) }],
    ] as const) {
      const res = await request(server, otherDev, 'POST', action, { csrf, ...form });
      assert.equal(res.status, 404, action);
      assert.match(res.body, /<h1>Not found<\/h1>/);
    }
    assert.deepEqual((await appWebhooks()).map((w) => w.id), [webhookId], 'nothing registered or deleted');

    // A webhook of the other developer's App (registered through the X endpoint), named under the demo App.
    const theirReceiver = await new WebhookReceiver(otherApp.consumerSecret).start();
    receivers.push(theirReceiver);
    const theirs = await api('POST', '/2/webhooks', otherApp.bearerToken, { url: theirReceiver.url });
    assert.equal(theirs.status, 200, theirs.text);
    const theirId = theirs.json.data.id as string;
    assert.equal((await request(server, dev, 'GET', `${pagePath()}/${theirId}`)).status, 404);
    for (const action of ['validate', 'delete']) {
      assert.equal((await submit(dev, pagePath(), `${pagePath()}/${theirId}/${action}`)).status, 404, action);
    }
    const now = formMinute(server.services.clock.now());
    assert.equal((await submit(dev, pagePath(), `${pagePath()}/${theirId}/replay`, { from: now, to: now })).status, 404);
    assert.equal(theirReceiver.crcs.length, 1, 'no CRC but the registration\'s');
    assert.deepEqual((await api('GET', '/2/webhooks', otherApp.bearerToken)).json.data.map((w: { id: string }) => w.id), [theirId], 'still there');
  });

  it('an App X refuses (suspended) registers nothing: a 403 page saying why, and no CRC sent', async () => {
    const app = (await server.services.store.appById(otherApp.id))!;
    await server.services.store.putApp({ ...app, suspended: true });
    try {
      const target = await start();
      const pageAt = `/portal/apps/${otherApp.id}/webhooks`;
      const res = await submit(otherDev, pageAt, pageAt, { url: target.url });
      assert.equal(res.status, 403);
      assert.match(res.body, /<p class="error" role="alert">X refuses this App&#39;s requests: this App is suspended<\/p>/);
      assert.equal(target.crcs.length, 0);
    } finally {
      await server.services.store.putApp(app);
    }
  });

  it('every form needs the session\'s CSRF token: 403, and nothing is done', async () => {
    const crcs = receiver.crcs.length;
    const extra = await start();
    for (const [action, form] of [
      [pagePath(), { url: extra.url }], [`${logPath()}/validate`, {}], [`${logPath()}/delete`, {}],
      [`${logPath()}/replay`, { from: formMinute(server.services.clock.now()), to: formMinute(server.services.clock.now()) }],
    ] as const) {
      for (const csrf of [undefined, 'x'.repeat(43)]) {
        const res = await request(server, dev, 'POST', action, { ...(csrf ? { csrf } : {}), ...form });
        assert.equal(res.status, 403, `${action} with ${csrf ? 'a wrong' : 'no'} token`);
        assert.match(res.body, /This form has expired/);
      }
    }
    assert.equal(extra.crcs.length, 0, 'no CRC was sent');
    assert.equal(receiver.crcs.length, crcs);
    assert.deepEqual((await appWebhooks()).map((w) => w.id), [webhookId]);
  });

  it('each change counts against the App\'s window of the endpoint it stands for, the API\'s: spent, a 429 page and nothing done', async () => {
    // PUT /2/webhooks/{id} by the App, with what is left of its window.
    const validateByApi = async () => {
      const res = await fetch(`${server.baseUrl}/2/webhooks/${webhookId}`, { method: 'PUT', headers: { authorization: `Bearer ${server.creds.app.bearerToken}` } });
      await res.arrayBuffer();
      return { status: res.status, remaining: Number(res.headers.get('x-rate-limit-remaining')), limit: Number(res.headers.get('x-rate-limit-limit')) };
    };
    const first = await validateByApi();
    assert.equal(first.status, 200);
    assert.equal(first.limit, 50, 'X\'s window: 50 a 15 minutes per App');
    assert.equal((await submit(dev, pagePath(), `${logPath()}/validate`)).status, 303);
    const second = await validateByApi();
    assert.equal(second.remaining, first.remaining - 2, 'the portal\'s re-validation took one request of the window');
    for (let left = second.remaining; left > 0; left--) assert.equal((await validateByApi()).status, 200);
    assert.equal((await validateByApi()).status, 429);

    const crcs = receiver.crcs.length;
    const refused = await submit(dev, pagePath(), `${logPath()}/validate`);
    assert.equal(refused.status, 429);
    assert.match(
      refused.body,
      /role="alert">Too Many Requests: X takes 50 of these requests from an App every 15 minutes, through the API and this portal alike\. The window starts again at \d\d:\d\d:\d\d UTC\./,
    );
    assert.equal(receiver.crcs.length, crcs, 'no CRC was sent');
    // Another endpoint's window is its own: the webhook can still be deleted (next test).
  });

  it('deletes a webhook with the subscriptions posting to it', async () => {
    const res = await submit(dev, pagePath(), `${logPath()}/delete`);
    assert.equal(res.status, 303);
    assert.equal(res.location, `${pagePath()}?deleted=${webhookId}`);
    const page = await request(server, dev, 'GET', res.location!);
    assert.ok(page.body.includes(`role="status">Webhook ${webhookId} deleted, with the subscriptions that posted to it.`));
    assert.ok(!page.body.includes(`id="webhook-${webhookId}"`));
    assert.deepEqual(await appWebhooks(), []);
    const subscriptions = (await api('GET', '/2/activity/subscriptions', server.creds.app.bearerToken)).json.data as { webhook_id?: string }[];
    assert.ok(subscriptions.every((s) => s.webhook_id !== webhookId), 'its subscriptions went with it');
    assert.equal((await request(server, dev, 'GET', logPath())).status, 404, 'its log is gone too');
  });

  it('signed out, the pages go to the sign-in; a form\'s address opened again goes back to its page', async () => {
    const stranger: Browser = { cookies: new Map() };
    for (const path of [pagePath(), logPath()]) {
      const res = await request(server, stranger, 'GET', path);
      assert.equal(res.status, 303);
      assert.equal(res.location, '/portal');
    }
    for (const [action, back] of [['validate', pagePath()], ['delete', pagePath()], ['replay', logPath()]]) {
      const res = await request(server, dev, 'GET', `${logPath()}/${action}`);
      assert.equal(res.status, 303, action);
      assert.equal(res.location, back);
    }
  });
});
