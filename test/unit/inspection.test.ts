// What the request inspector shows of a request: the auth verdict from a principal or X's 401, the App and user,
// the query without signatures or secrets, and every part bounded however large the request was.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OAuth1Diagnosis } from '../../src/domain/authRefusal.ts';
import type { Principal } from '../../src/domain/principal.ts';
import { forbidden, unauthorized } from '../../src/domain/problems.ts';
import { inspectAuth, inspectedQuery, inspectRequest, type RequestFacts } from '../../src/domain/sandboxes/inspection.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import { app as appRecord } from '../support/records.ts';

const app = appRecord('1000');
const oauth1: Principal = { kind: 'oauth1', app, userId: '42', permission: 'read-write' };
const oauth2: Principal = { kind: 'oauth2-user', app, userId: '43', scopes: new Set(['tweet.read']) };
const appOnly: Principal = { kind: 'app-only', app };

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  time: Date.UTC(2026, 0, 1, 12, 0, 0, 250),
  method: 'GET',
  rawPath: '/2/users/42/liked_tweets',
  rawQuery: 'max_results=5',
  status: 200,
  durationMs: 3.14159,
  transactionId: 'tx-1',
  authorization: 'OAuth oauth_consumer_key="ck"',
  principal: oauth1,
  ...over,
});

describe('inspectAuth', () => {
  it('accepted: the scheme of the principal', () => {
    assert.deepEqual(inspectAuth(oauth1), { scheme: 'oauth1', verdict: 'accepted' });
    assert.deepEqual(inspectAuth(oauth2), { scheme: 'oauth2_user', verdict: 'accepted' });
    assert.deepEqual(inspectAuth(appOnly), { scheme: 'app_only', verdict: 'accepted' });
  });

  it('refused: the refusal X\'s 401 carries', () => {
    const diagnosis: OAuth1Diagnosis = { consumer_key: 'ck', base_strings: [{ base_url: 'https://api.x.com/2/x', repeats_once: false, base_string: 'GET&x&y' }] };
    assert.deepEqual(inspectAuth(unauthorized({ scheme: 'oauth1', reason: 'bad-signature', oauth1: diagnosis })), {
      scheme: 'oauth1', verdict: 'refused', reason: 'bad-signature', oauth1: diagnosis,
    });
    assert.deepEqual(inspectAuth(unauthorized({ scheme: 'oauth2_user', reason: 'expired-token', app_id: '1', user_id: '2' })), {
      scheme: 'oauth2_user', verdict: 'refused', reason: 'expired-token',
    });
    // A 401 without a refusal: the scheme its header names.
    assert.deepEqual(inspectAuth(unauthorized(), 'Bearer abc'), { scheme: 'unknown', verdict: 'refused' });
  });

  it('none: nothing authenticated, or another failure, with the scheme the header names', () => {
    assert.deepEqual(inspectAuth(null), { scheme: 'none', verdict: 'none' });
    assert.deepEqual(inspectAuth(null, 'OAuth a="b"'), { scheme: 'oauth1', verdict: 'none' });
    assert.deepEqual(inspectAuth(new ServiceUnavailableError('redis'), 'Basic eA=='), { scheme: 'basic', verdict: 'none' });
    assert.deepEqual(inspectAuth(forbidden(), 'Bearer x'), { scheme: 'unknown', verdict: 'none' });
    assert.deepEqual(inspectAuth({ kind: 'something' }, '  '), { scheme: 'none', verdict: 'none' });
  });
});

describe('inspectedQuery', () => {
  it('keeps the query as sent but for signature and secret values', () => {
    assert.equal(inspectedQuery(''), '');
    assert.equal(inspectedQuery('max_results=5&tweet.fields=a%2Cb'), 'max_results=5&tweet.fields=a%2Cb');
    assert.equal(inspectedQuery('a=1&oauth_signature=abc%3D&b=2'), 'a=1&oauth_signature=&b=2');
    assert.equal(inspectedQuery('oauth%5Fsignature=abc&OAUTH_SIGNATURE=x'), 'oauth%5Fsignature=&OAUTH_SIGNATURE=');
    assert.equal(
      inspectedQuery('client_secret=s&oauth_token_secret=t&code_verifier=v&refresh_token=r&token=t&oauth_token=public&flag'),
      'client_secret=&oauth_token_secret=&code_verifier=&refresh_token=&token=&oauth_token=public&flag',
    );
    // A name that does not decode is matched as sent.
    assert.equal(inspectedQuery('secret%zz=1'), 'secret%zz=');
    // Names are matched whole after decoding, values never: only what decodes to a secret's name is hidden.
    assert.equal(inspectedQuery('max_results=5&pagination_token=7ab3&code=x'), 'max_results=5&pagination_token=7ab3&code=');
    assert.equal(inspectedQuery('my+Secret=1&token+=2&x=token&code'), 'my+Secret=&token+=2&x=token&code');
    assert.equal(inspectedQuery('tok%65n=1&PassWord=2&a=%&b=c'), 'tok%65n=&PassWord=&a=%&b=c');
  });
});

describe('inspectRequest', () => {
  it('writes the time as toISOString does, whichever millisecond and second (the second is formatted once)', () => {
    const t0 = Date.UTC(2026, 11, 5, 1, 2, 3);
    const times = [t0, t0 + 5, t0 + 45, t0 + 999, t0 + 1000, t0 + 1000.9, t0 - 1, 0, -1001, Date.UTC(12000, 0, 1, 0, 0, 0, 7)];
    for (const time of times) assert.equal(inspectRequest(facts({ time })).time, new Date(Math.trunc(time)).toISOString(), `time ${time}`);
  });

  it('an accepted request: JSON-ready, snake_case, the App and user of the principal', () => {
    const entry = inspectRequest(facts({ fault: 'delay' }));
    assert.deepEqual(entry, {
      time: '2026-01-01T12:00:00.250Z',
      method: 'GET',
      path: '/2/users/42/liked_tweets',
      query: 'max_results=5',
      status: 200,
      duration_ms: 3.142,
      transaction_id: 'tx-1',
      app_id: '1000',
      user_id: '42',
      auth: { scheme: 'oauth1', verdict: 'accepted' },
      fault: 'delay',
    });
    assert.deepEqual(JSON.parse(JSON.stringify(entry)), entry);
    assert.equal('fault' in inspectRequest(facts({ fault: null })), false);
    assert.deepEqual([inspectRequest(facts({ principal: appOnly })).user_id, inspectRequest(facts({ principal: oauth2 })).user_id], [null, '43']);
  });

  it('a refused request: the App and user the refusal names; a 401 after authentication overrides the principal', () => {
    const refused = inspectRequest(facts({ status: 401, principal: null, error: unauthorized({ scheme: 'oauth2_user', reason: 'suspended-user', app_id: '7', user_id: '8' }) }));
    assert.deepEqual([refused.app_id, refused.user_id, refused.auth], ['7', '8', { scheme: 'oauth2_user', verdict: 'refused', reason: 'suspended-user' }]);
    const suspendedApp = inspectRequest(facts({ status: 401, error: unauthorized({ scheme: 'oauth1', reason: 'suspended-app', app_id: '1000', user_id: '42' }) }));
    assert.deepEqual(suspendedApp.auth, { scheme: 'oauth1', verdict: 'refused', reason: 'suspended-app' });
    const unknown = inspectRequest(facts({ status: 401, principal: null, error: unauthorized({ scheme: 'unknown', reason: 'unknown-bearer-token' }) }));
    assert.deepEqual([unknown.app_id, unknown.user_id], [null, null]);
    // Refused later for another reason (403): authentication itself was accepted.
    assert.deepEqual(inspectRequest(facts({ status: 403, error: forbidden() })).auth, { scheme: 'oauth1', verdict: 'accepted' });
  });

  it('bounds every part, however large the request', () => {
    const huge = 'x'.repeat(100_000);
    const diagnosis: OAuth1Diagnosis = {
      consumer_key: huge,
      nonce: huge,
      base_strings: [{ base_url: `https://api.x.com/${huge}`, repeats_once: false, base_string: huge }],
      parameters: Array.from({ length: 1000 }, (_, i) => ({ name: `p${i}`, value: huge })),
    };
    const entry = inspectRequest(facts({
      status: 401,
      principal: null,
      rawPath: `/${huge}`,
      rawQuery: `q=${huge}`,
      error: unauthorized({ scheme: 'oauth1', reason: 'bad-signature', oauth1: diagnosis }),
    }));
    assert.ok(JSON.stringify(entry).length < 32 * 1024, `${JSON.stringify(entry).length} characters`);
    assert.equal(entry.auth.oauth1?.parameters?.length, 32);
    assert.equal(entry.auth.oauth1?.parameters_omitted, 968);
    assert.ok(entry.auth.oauth1?.base_strings?.[0].base_string.endsWith('…'));
    assert.ok(entry.path.endsWith('…') && entry.query.endsWith('…'));
    // The refusal on the error is left whole.
    assert.equal(diagnosis.parameters?.length, 1000);
  });

  it('hides the values of secret-like parameters in the diagnosis as in the query (names kept)', () => {
    const diagnosis: OAuth1Diagnosis = {
      parameters: [
        { name: 'max_results', value: '5' }, { name: 'access_token', value: 'leak-me' }, { name: 'oauth_verifier', value: 'leak-me-too' },
        { name: 'client_secret', value: 'and-me' }, { name: 'oauth_nonce', value: 'n1' },
      ],
    };
    const entry = inspectRequest(facts({ status: 401, principal: null, error: unauthorized({ scheme: 'oauth1', reason: 'bad-signature', oauth1: diagnosis }) }));
    assert.deepEqual(entry.auth.oauth1?.parameters, [
      { name: 'max_results', value: '5' }, { name: 'access_token', value: '' }, { name: 'oauth_verifier', value: '' },
      { name: 'client_secret', value: '' }, { name: 'oauth_nonce', value: 'n1' },
    ]);
  });
});
