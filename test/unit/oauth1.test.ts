// OAuth 1.0a signature primitives against published vectors: RFC 5849 §3.4.1 and X's "Creating a signature" page.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  oauth1BaseString,
  oauth1BaseUrl,
  oauth1HmacSha1,
  parseOAuthAuthorization,
  percentEncode,
  verifyOAuth1Signature,
} from '../../src/auth/oauth1.ts';
import { parseFormPairs } from '../../src/formEncoding.ts';

// ---- X's documented example (developer docs, "Creating a signature") ----
const X = {
  method: 'POST',
  url: 'https://api.twitter.com/1.1/statuses/update.json',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  params: [
    ['include_entities', 'true'],
    ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
    ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
    ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', '1318622958'],
    ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
    ['oauth_version', '1.0'],
  ] as [string, string][],
  parameterString:
    'include_entities=true&oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg' +
    '&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1318622958&oauth_token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb' +
    '&oauth_version=1.0&status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21',
  baseString:
    'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog' +
    '%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958' +
    '%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0' +
    '%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
  signature: 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=',
};

// ---- RFC 5849 §3.4.1.1 example ----
const RFC_HEADER =
  'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", ' +
  'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", ' +
  'oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"';
const RFC_QUERY = 'b5=%3D%253D&a3=a&c%40=&a2=r%20b';
const RFC_BODY = 'c2&a3=2+q';
const RFC_NORMALIZED =
  'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a' +
  '&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7';
const RFC_BASE_STRING =
  'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D' +
  '%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1' +
  '%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7';

/** The RFC example's parameters exactly as §3.4.1.3 collects them: query, form body, header minus realm/signature. */
function rfcParams(): [string, string][] {
  const header = parseOAuthAuthorization(RFC_HEADER);
  assert.ok(header);
  return [
    ...parseFormPairs(RFC_QUERY)!,
    ...parseFormPairs(RFC_BODY)!,
    ...[...header].filter(([k]) => k !== 'realm' && k !== 'oauth_signature'),
  ];
}

const sign = (params: readonly [string, string][], baseUrl = X.url, method = X.method) =>
  oauth1HmacSha1(oauth1BaseString(method, baseUrl, params), X.consumerSecret, X.tokenSecret);

describe('percentEncode (RFC 5849 §3.6)', () => {
  it('encodes X documented examples', () => {
    assert.equal(percentEncode('Ladies + Gentlemen'), 'Ladies%20%2B%20Gentlemen');
    assert.equal(percentEncode('An encoded string!'), 'An%20encoded%20string%21');
    assert.equal(percentEncode('Dogs, Cats & Mice'), 'Dogs%2C%20Cats%20%26%20Mice');
    assert.equal(percentEncode('☃'), '%E2%98%83');
  });

  it("keeps only unreserved characters and encodes RFC 3986 sub-delims that encodeURIComponent keeps (!'()*)", () => {
    assert.equal(percentEncode('AZaz09-._~'), 'AZaz09-._~');
    assert.equal(percentEncode("!'()*"), '%21%27%28%29%2A');
    assert.equal(percentEncode('/?#[]@$&+,;= %'), '%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%20%25');
  });

  it('produces only unreserved characters and upper-case %XX triplets, and decodes back to the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const encoded = percentEncode(s);
        assert.match(encoded, /^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
        assert.equal(decodeURIComponent(encoded), s);
      }),
      { seed: 58491, numRuns: 300 },
    );
  });
});

describe('oauth1BaseUrl (RFC 5849 §3.4.1.2)', () => {
  it('lower-cases scheme and host and drops only the default port', () => {
    assert.equal(oauth1BaseUrl('HTTP', 'EXAMPLE.COM:80', '/r%20v/X'), 'http://example.com/r%20v/X');
    assert.equal(oauth1BaseUrl('https', 'www.example.net:8080', '/'), 'https://www.example.net:8080/');
    assert.equal(oauth1BaseUrl('https', 'api.x.com:443', '/2/users/1/likes'), 'https://api.x.com/2/users/1/likes');
    assert.equal(oauth1BaseUrl('http', 'localhost:443', '/p'), 'http://localhost:443/p');
  });
});

describe('oauth1BaseString', () => {
  it('reproduces the RFC 5849 §3.4.1.1 example base string (query + form body + header, realm and signature excluded)', () => {
    const params = rfcParams();
    assert.equal(oauth1BaseString('POST', 'http://example.com/request', params), RFC_BASE_STRING);
    // §3.4.1.3.2: the normalized parameter string is the third part, once decoded.
    assert.equal(decodeURIComponent(RFC_BASE_STRING.split('&')[2]), RFC_NORMALIZED);
  });

  it("reproduces X's documented base string and parameter string", () => {
    const base = oauth1BaseString(X.method, X.url, X.params);
    assert.equal(base, X.baseString);
    assert.equal(decodeURIComponent(base.split('&')[2]), X.parameterString);
  });

  it('upper-cases the method and does not depend on the order parameters arrive in', () => {
    const reversed = [...X.params].reverse();
    assert.equal(oauth1BaseString('post', X.url, reversed), X.baseString);
  });

  it('keeps repeated parameters, sorted by encoded value', () => {
    const base = oauth1BaseString('GET', 'https://api.x.com/2/x', [['a', '2'], ['b', 'x'], ['a', '1'], ['a', '1']]);
    assert.equal(base, `GET&${percentEncode('https://api.x.com/2/x')}&${percentEncode('a=1&a=1&a=2&b=x')}`);
  });

  it('sorts by encoded name, then encoded value (byte order, so "%" < digits < upper < lower)', () => {
    const base = oauth1BaseString('GET', 'http://h/p', [['c2', ''], ['c@', ''], ['a', 'b'], ['a', 'B'], ['a', ' ']]);
    assert.equal(decodeURIComponent(base.split('&')[2]), 'a=%20&a=B&a=b&c%40=&c2=');
  });
});

describe('oauth1HmacSha1', () => {
  it("gives X's documented signature for its example", () => {
    assert.equal(oauth1HmacSha1(X.baseString, X.consumerSecret, X.tokenSecret), X.signature);
  });

  it('uses enc(consumer secret)&enc(token secret) as the key, an empty token secret included', () => {
    const withSpecials = oauth1HmacSha1('base', 'c&s+', 't/s=');
    assert.equal(withSpecials, createHmac('sha1', 'c%26s%2B&t%2Fs%3D').update('base').digest('base64'));
    assert.equal(oauth1HmacSha1('base', 'cs', ''), createHmac('sha1', 'cs&').update('base').digest('base64'));
  });
});

describe('verifyOAuth1Signature', () => {
  const request = (over: Partial<Parameters<typeof verifyOAuth1Signature>[0]> = {}) => ({
    method: X.method,
    baseUrls: ['http://127.0.0.1:8080/1.1/statuses/update.json', X.url],
    params: X.params,
    consumerSecret: X.consumerSecret,
    tokenSecret: X.tokenSecret,
    signature: X.signature,
    ...over,
  });

  it("accepts X's documented example when any candidate base URL matches", () => {
    assert.equal(verifyOAuth1Signature(request()), true);
    assert.equal(verifyOAuth1Signature(request({ baseUrls: [X.url] })), true);
    assert.equal(verifyOAuth1Signature(request({ params: [...X.params].reverse() })), true);
  });

  it('refuses a wrong signature, wrong secrets, another method, another URL or another parameter value', () => {
    assert.equal(verifyOAuth1Signature(request({ signature: 'hCtSmYh+iHYCEqBWrE7C7hYmtUk' })), false);
    assert.equal(verifyOAuth1Signature(request({ signature: 'hCtSmYh+iHYCEqBWrE7C7hYmtUK=' })), false);
    assert.equal(verifyOAuth1Signature(request({ signature: '' })), false);
    assert.equal(verifyOAuth1Signature(request({ tokenSecret: `${X.tokenSecret}x` })), false);
    assert.equal(verifyOAuth1Signature(request({ consumerSecret: X.consumerSecret.slice(1) })), false);
    assert.equal(verifyOAuth1Signature(request({ method: 'GET' })), false);
    assert.equal(verifyOAuth1Signature(request({ baseUrls: ['http://127.0.0.1:8080/1.1/statuses/update.json'] })), false);
    assert.equal(verifyOAuth1Signature(request({ baseUrls: [] })), false);
    const changed = X.params.map(([k, v]): [string, string] => (k === 'status' ? [k, `${v}.`] : [k, v]));
    assert.equal(verifyOAuth1Signature(request({ params: changed })), false);
    assert.equal(verifyOAuth1Signature(request({ params: X.params.slice(1) })), false);
  });

  it('accepts repeated parameters signed as sent', () => {
    const params: [string, string][] = [...X.params, ['include_entities', 'true'], ['ids', '2'], ['ids', '1']];
    assert.equal(verifyOAuth1Signature(request({ params, signature: sign(params) })), true);
  });

  it('tolerates a client that counted identical repeated parameters once when signing', () => {
    const sent: [string, string][] = [...X.params, ['include_entities', 'true'], ['include_entities', 'true']];
    const signedOnce = sign(X.params);
    assert.equal(verifyOAuth1Signature(request({ params: sent, signature: signedOnce })), true);
  });

  it('does not extend the tolerance to distinct values of a repeated name', () => {
    const sent: [string, string][] = [...X.params, ['ids', '1'], ['ids', '2']];
    const withoutSecond = sign([...X.params, ['ids', '1']]);
    assert.equal(verifyOAuth1Signature(request({ params: sent, signature: withoutSecond })), false);
    // A parameter the client never signed is not ignored either.
    assert.equal(verifyOAuth1Signature(request({ params: [...X.params, ['extra', '1']] })), false);
  });

  it('agrees with signing for arbitrary parameter lists, and rejects any single-parameter change', () => {
    const pair = fc.tuple(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), (params, extra) => {
        const signature = sign(params);
        assert.equal(verifyOAuth1Signature(request({ params, signature })), true);
        assert.equal(verifyOAuth1Signature(request({ params: [...params, ['zz', extra]], signature })), false);
      }),
      { seed: 8121, numRuns: 150 },
    );
  });
});

describe('parseOAuthAuthorization', () => {
  it('parses the RFC 5849 example header, decoding values and keeping realm', () => {
    const parsed = parseOAuthAuthorization(RFC_HEADER);
    assert.deepEqual(
      parsed && Object.fromEntries(parsed),
      {
        realm: 'Example',
        oauth_consumer_key: '9djdj82h48djs9d2',
        oauth_token: 'kkk9d7dh3k39sjv7',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '137131201',
        oauth_nonce: '7d8f3e4a',
        oauth_signature: 'bYT5CMsGcbgUdFHObYMEfcx6bsw=',
      },
    );
  });

  it('accepts odd but valid spacing (RFC 7235 OWS/BWS), a case-insensitive scheme and empty values', () => {
    const expected = { oauth_consumer_key: 'ck', oauth_token: 't k', oauth_nonce: '' };
    for (const header of [
      'OAuth oauth_consumer_key="ck",oauth_token="t%20k",oauth_nonce=""',
      'OAuth   oauth_consumer_key = "ck" ,   oauth_token="t%20k",\toauth_nonce=""   ',
      '  oauth oauth_consumer_key="ck", oauth_token="t%20k", oauth_nonce=""',
      'OAUTH oauth_consumer_key="ck"\t,\toauth_token\t=\t"t%20k" ,oauth_nonce=""',
    ]) {
      const parsed = parseOAuthAuthorization(header);
      assert.deepEqual(parsed && Object.fromEntries(parsed), expected, header);
    }
  });

  it('refuses a header naming a parameter twice (RFC 5849 §3.5.1), whichever copy comes last', () => {
    for (const header of [
      'OAuth oauth_consumer_key="ck", oauth_nonce="a", oauth_nonce="b"',
      'OAuth oauth_nonce="b", oauth_consumer_key="ck", oauth_nonce="b"',
      'OAuth realm="x", oauth_consumer_key="ck", realm="y"',
      'OAuth oauth_consumer_key="ck", oauth%5Fconsumer%5Fkey="ck"',
    ]) {
      assert.equal(parseOAuthAuthorization(header), null, header);
    }
  });

  it('percent-decodes names and values as RFC 5849 §3.5.1 requires (a literal "+" stays "+")', () => {
    const parsed = parseOAuthAuthorization('OAuth oauth_callback="http%3A%2F%2Fexample.com%2Fcb%3Fa%3D1", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D"');
    assert.equal(parsed?.get('oauth_callback'), 'http://example.com/cb?a=1');
    assert.equal(parsed?.get('oauth_signature'), 'tnnArxj06cWHq44gCs1OSKk/jLY=');
    // §3.6 encoding never produces "+", so a "+" in the header is a literal plus, not a form-encoded space.
    assert.equal(parseOAuthAuthorization('OAuth oauth_signature="ab+c/d="')?.get('oauth_signature'), 'ab+c/d=');
  });

  it('returns null for headers that are not well-formed OAuth credentials', () => {
    for (const header of [
      '',
      '   ',
      'OAuth',
      'OAuth ',
      'Bearer AAAA',
      'Basic Zm9vOmJhcg==',
      'OAuthoauth_token="a"',
      'OAuth oauth_token="abc',
      'OAuth oauth_token=abc',
      "OAuth oauth_token='abc'",
      'OAuth oauth_token="a" oauth_nonce="b"',
      'OAuth oauth_token="a"; oauth_nonce="b"',
      'OAuth oauth_token="a", junk',
      'OAuth oauth_token="a"b"',
      'OAuth ="a"',
      'OAuth ,',
      'OAuth oauth_token="%zz"',
      'OAuth oauth_token="%E0%A4%A"',
      'OAuth oau th_token="a"',
    ]) {
      assert.equal(parseOAuthAuthorization(header), null, JSON.stringify(header));
    }
  });

  it('round-trips any parameters written the way RFC 5849 §3.5.1 says', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, fc.string({ unit: 'binary', maxLength: 16 })), { minLength: 1, maxLength: 6, selector: ([k]) => k }), (pairs) => {
        const header = `OAuth ${pairs.map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
        const parsed = parseOAuthAuthorization(header);
        assert.deepEqual(parsed && [...parsed], pairs);
      }),
      { seed: 40213, numRuns: 200 },
    );
  });
});
