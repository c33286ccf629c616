// The request inspector of the developer portal over HTTP (a real server on the demo world): an App's latest requests
// from the default world's request journal, with the auth verdict; a request signed by twitter-api-v2 with a wrong
// secret shows the base strings the server computed, the same as the control API's journal entry and the one the
// client signed; refusals naming the App's API Key are attributed to it, others not; nothing secret on the page;
// another developer's App is not found.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { createDeveloper } from '../../src/auth/developers.ts';
import { oauth1BaseString, parseOAuthAuthorization, percentEncode } from '../../src/auth/oauth1.ts';
import type { InspectedRequest } from '../../src/domain/sandboxes/inspection.ts';
import { sdkSettings } from '../support/clients.ts';
import { csrfOf, portalRequest, signedIn as portalSignedIn, type PortalBrowser } from '../support/portalClient.ts';
import { serverForSuite } from '../support/harness.ts';

type Browser = PortalBrowser;

const unescape = (s: string): string =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

describe('portal request inspector', () => {
  const server = serverForSuite();
  let other: { username: string; password: string };
  let otherAppId: string;

  before(async () => {
    const created = await createDeveloper(server.services, 'inspector_other', 'other-password-1');
    other = { username: created.developer.username, password: created.password };
    const project = await server.services.credentials.createProject('Other Project', { developerId: created.developer.id });
    otherAppId = (await server.services.credentials.createApp('Other App', project.id, 'read', {}, 'web')).app.id;
  });

  const request = (browser: Browser, method: 'GET' | 'POST', path: string, form?: Record<string, string>) => portalRequest(server.baseUrl, browser, method, path, form);
  const signedIn = (username: string, password: string): Promise<Browser> => portalSignedIn(server.baseUrl, username, password);
  const demoDeveloper = () => signedIn(server.creds.developer!.username, server.creds.developer!.password);

  /** Waits until the journal holds the request (it is written once the answer has gone out). */
  async function journaled(transactionId: string): Promise<InspectedRequest> {
    for (let i = 0; i < 200; i++) {
      const entry = (await server.services.shared.journal.latest(500)).find((e) => e.transaction_id === transactionId);
      if (entry) return entry;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail(`request ${transactionId} never reached the journal`);
  }

  /** The rows of one request on the page: its own and, when it has one, the disclosure row after it. */
  function rowsOf(body: string, transactionId: string): string {
    const parts = body.split('<tr data-transaction-id="');
    const part = parts.find((p) => p.startsWith(`${transactionId}"`));
    assert.ok(part, `request ${transactionId} is listed`);
    return part;
  }

  /** A twitter-api-v2 client of the demo App and user, recording what it sent and the transaction id of each answer. */
  function sdkClient(secrets: { consumerSecret: string; accessTokenSecret: string }) {
    const sent: { authorization: string; url: string; method: string; transactionId?: string }[] = [];
    const recorder: ITwitterApiClientPlugin = {
      onBeforeRequest({ computedParams }) {
        const headers = computedParams.headers as Record<string, string>;
        sent.push({ authorization: headers.Authorization ?? headers.authorization, url: computedParams.url.toString(), method: computedParams.method });
      },
      onAfterRequest({ response }) {
        sent[sent.length - 1].transactionId = String(response.headers['x-transaction-id']);
      },
      onResponseError({ error }) {
        sent[sent.length - 1].transactionId = String(error.headers['x-transaction-id']);
      },
    };
    const user = server.creds.users[0];
    const client = new TwitterApi(
      { appKey: server.creds.app.consumerKey, appSecret: secrets.consumerSecret, accessToken: user.accessToken, accessSecret: secrets.accessTokenSecret },
      sdkSettings(server.baseUrl, recorder),
    );
    return { client, sent };
  }

  it('lists an accepted Bearer call, an accepted OAuth 1.0a call and one signed with a wrong secret, newest first; the refused one shows the base strings the server computed', async () => {
    const user = server.creds.users[0];
    const app = server.creds.app;

    const bearer = await fetch(`${server.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, { headers: { authorization: `Bearer ${app.bearerToken}` } });
    assert.equal(bearer.status, 200);
    await bearer.arrayBuffer();
    const bearerTx = bearer.headers.get('x-transaction-id')!;
    await journaled(bearerTx);

    const good = sdkClient({ consumerSecret: app.consumerSecret, accessTokenSecret: user.accessTokenSecret });
    await good.client.v2.get(`users/${user.id}/liked_tweets`, { max_results: 7 });
    const goodTx = good.sent[0].transactionId!;
    await journaled(goodTx);

    const wrong = sdkClient({ consumerSecret: app.consumerSecret, accessTokenSecret: 'not-the-token-secret' });
    await assert.rejects(wrong.client.v2.get(`users/${user.id}/liked_tweets`, { max_results: 9 }), (e: { code?: number }) => e.code === 401);
    const refusedTx = wrong.sent[0].transactionId!;
    const journalEntry = await journaled(refusedTx);
    assert.equal(journalEntry.app_id, app.id, 'the default world\'s journal recorded the refusal with the App');

    const browser = await demoDeveloper();
    const appPage = await request(browser, 'GET', `/portal/apps/${app.id}`);
    assert.ok(appPage.body.includes(`href="/portal/apps/${app.id}/requests"`), 'the App page links to its inspector');
    const page = await request(browser, 'GET', `/portal/apps/${app.id}/requests`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('cache-control')!, /no-store/);
    assert.match(page.body, /<h1>Requests of Demo App<\/h1>/);
    const searched = /<p id="searched">(\d+) requests? of Demo App among the latest (\d+) the server keeps/.exec(page.body);
    assert.ok(searched, 'the page says how many of the journal\'s entries were searched');
    assert.ok(Number(searched[1]) >= 3 && Number(searched[2]) >= Number(searched[1]) && Number(searched[2]) <= 500, searched[0]);

    // Newest first.
    const at = (tx: string) => page.body.indexOf(`data-transaction-id="${tx}"`);
    assert.ok(at(refusedTx) >= 0 && at(refusedTx) < at(goodTx) && at(goodTx) < at(bearerTx), 'newest first');

    const bearerRow = rowsOf(page.body, bearerTx);
    assert.match(bearerRow, new RegExp(`<code>GET /2/users/${user.id}/liked_tweets\\?max_results=5</code>`));
    assert.match(bearerRow, /<td>200<br><span class="muted">[\d.]+ m?s<\/span><\/td>/);
    assert.match(bearerRow, /Bearer Token \(app-only\)<br><b class="verdict-accepted">Accepted<\/b>/);
    assert.ok(!bearerRow.includes('<details>'));

    const goodRow = rowsOf(page.body, goodTx);
    assert.match(goodRow, /max_results=7/);
    assert.match(goodRow, /OAuth 1\.0a<br><b class="verdict-accepted">Accepted<\/b>/);
    assert.ok(!goodRow.includes('<details>'));

    const refusedRow = rowsOf(page.body, refusedTx);
    assert.match(refusedRow, /<td>401<br>/);
    assert.match(refusedRow, /OAuth 1\.0a<br><b class="verdict-refused">Refused<\/b> <code>bad-signature<\/code>/);
    assert.match(refusedRow, new RegExp(`<details>\\s*<summary>What the server expected <span class="muted">\\(x-transaction-id <code>${refusedTx}</code>\\)</span></summary>`));
    assert.match(refusedRow, new RegExp(`<dt>API Key \\(oauth_consumer_key\\)</dt><dd><code>${app.consumerKey}</code> <span class="muted">\\(this App&#39;s\\)</span>`));
    assert.ok(refusedRow.includes(`<dt>Access token (oauth_token)</dt><dd><code>${user.accessToken}</code>`));

    // The base strings on the page are the journal's (the control API's entry), in the same order.
    const shown = [...refusedRow.matchAll(/<pre class="wrap"><code>([^<]*)<\/code><\/pre>/g)].map((m) => unescape(m[1]));
    const admin = await fetch(`${server.baseUrl}/__admin/sandboxes/default/requests?limit=500`, { headers: { authorization: `Bearer ${server.creds.adminToken}` } });
    assert.equal(admin.status, 200);
    const entry = ((await admin.json()) as { data: InspectedRequest[] }).data.find((e) => e.transaction_id === refusedTx);
    assert.ok(entry?.auth.oauth1?.base_strings, 'the control API shows the refusal with its base strings');
    assert.deepEqual(shown, entry.auth.oauth1.base_strings.map((b) => b.base_string));
    assert.ok(shown.length >= 2, 'the URL as received and as signed for api.x.com');
    // …and the first is exactly what the client signed (with its wrong secret): the page tells the developer the key is wrong.
    const signed = wrong.sent[0];
    const oauth = parseOAuthAuthorization(signed.authorization)!;
    const url = new URL(signed.url);
    const params: [string, string][] = [...url.searchParams, ...[...oauth].filter(([k]) => k !== 'oauth_signature')];
    assert.equal(shown[0], oauth1BaseString(signed.method, `${url.origin}${url.pathname}`, params));
    // The parameters the server collected, encoded and sorted.
    const parameters = [...refusedRow.matchAll(/<tr><td><code>([^<]*)<\/code><\/td><td><code>([^<]*)<\/code><\/td><\/tr>/g)].map((m) => [unescape(m[1]), unescape(m[2])]);
    assert.deepEqual(parameters, entry.auth.oauth1.parameters!.map((p) => [p.name, p.value]));
    assert.ok(parameters.some(([name, value]) => name === 'max_results' && value === '9'));
    assert.ok(parameters.some(([name, value]) => name === 'oauth_nonce' && value === percentEncode(oauth.get('oauth_nonce')!)));

    // Nothing secret: no signature sent (raw or encoded), no secret of the App or the user.
    for (const { authorization } of [...good.sent, ...wrong.sent]) {
      const signature = parseOAuthAuthorization(authorization)!.get('oauth_signature')!;
      assert.ok(!page.body.includes(signature) && !page.body.includes(percentEncode(signature)), 'no oauth_signature value');
    }
    assert.ok(!parameters.some(([name]) => name === 'oauth_signature'), 'oauth_signature is not among the parameters');
    for (const secret of [app.consumerSecret, app.bearerToken, app.clientSecret, user.accessTokenSecret, user.oauth2AccessToken, 'not-the-token-secret']) {
      assert.ok(!page.body.includes(secret) && !page.body.includes(percentEncode(secret)), 'no secret on the page');
    }
    assert.ok(!/<script/i.test(page.body));
  });

  it('attributes a refusal naming the App\'s API Key to it (stale timestamp, no App found yet), but not one naming another key', async () => {
    const app = server.creds.app;
    const signedWith = async (consumerKey: string) => {
      const oauth = {
        oauth_consumer_key: consumerKey, oauth_nonce: randomBytes(16).toString('hex'), oauth_signature: 'c2lnbmF0dXJl',
        oauth_signature_method: 'HMAC-SHA1', oauth_timestamp: '1000000000', oauth_token: server.creds.users[0].accessToken, oauth_version: '1.0',
      };
      const header = `OAuth ${Object.entries(oauth).map(([k, v]) => `${k}="${percentEncode(v)}"`).join(', ')}`;
      const res = await fetch(`${server.baseUrl}/2/tweets/${server.creds.popularTweetId}/liking_users`, { headers: { authorization: header } });
      assert.equal(res.status, 401);
      await res.arrayBuffer();
      const entry = await journaled(res.headers.get('x-transaction-id')!);
      assert.equal(entry.app_id, null, 'refused before the App was looked up');
      assert.equal(entry.auth.reason, 'stale-timestamp');
      return entry.transaction_id;
    };
    const ours = await signedWith(app.consumerKey);
    const unknown = await signedWith(`unknown${randomBytes(8).toString('hex')}`);

    const page = await request(await demoDeveloper(), 'GET', `/portal/apps/${app.id}/requests`);
    const row = rowsOf(page.body, ours);
    assert.match(row, /<b class="verdict-refused">Refused<\/b> <code>stale-timestamp<\/code>/);
    assert.match(row, /<dt>Server time<\/dt><dd><code>\d+<\/code> \([^)]+ UTC\): oauth_timestamp must be within 300 seconds of it<\/dd>/);
    assert.ok(row.includes('<dt>oauth_timestamp</dt><dd><code>1000000000</code></dd>'));
    assert.ok(!row.includes('<pre class="wrap">'), 'no base strings: the signature was never checked');
    assert.ok(!page.body.includes(`data-transaction-id="${unknown}"`), 'a refusal naming another key is not shown');
    assert.match(page.body, /cannot be told apart from another App's: they are not shown/);
  });

  it('an App without requests shows how to make one', async () => {
    const app = (await server.services.credentials.createApp('Quiet App', server.creds.project.id, 'read', {}, 'web')).app;
    const page = await request(await demoDeveloper(), 'GET', `/portal/apps/${app.id}/requests`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<p id="searched">0 requests of Quiet App among the latest \d+ the server keeps/);
    assert.match(page.body, /<h2 id="no-requests">No requests yet<\/h2>/);
    assert.ok(page.body.includes(`curl -H "Authorization: Bearer $BEARER_TOKEN" ${server.baseUrl}/2/usage/tweets`));
    assert.ok(!page.body.includes('<table class="requests">'));
  });

  it('another developer\'s App, or none, is not found (404); signed out goes to the sign-in form', async () => {
    const intruder = await signedIn(other.username, other.password);
    for (const path of [`/portal/apps/${server.creds.app.id}/requests`, '/portal/apps/999999/requests', '/portal/apps/abc/requests']) {
      const res = await request(intruder, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('cache-control')!, /no-store/);
      assert.ok(!res.body.includes('Requests of'), path);
    }
    assert.equal((await request(intruder, 'GET', `/portal/apps/${otherAppId}/requests`)).status, 200, 'their own App\'s inspector opens');
    const signedOut = await request({ cookies: new Map() }, 'GET', `/portal/apps/${server.creds.app.id}/requests`);
    assert.equal(signedOut.status, 303);
    assert.equal(signedOut.headers.get('location'), '/portal');
  });
});
