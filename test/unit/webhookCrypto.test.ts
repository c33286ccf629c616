// X's webhook HMACs: the CRC answer and the delivery signature headers. The expected values are fixed strings
// computed outside this code (with Python's hmac in docs/reference/x-events.md §1.7, and with `openssl dgst
// -sha256 -hmac KEY -binary | base64`), and each is also recomputed here straight from node:crypto.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  acceptedCrcTokens,
  crcResponse,
  deliverySignature,
  SIGNATURE_HEADER_LEGACY,
  SIGNATURE_HEADER_OAUTH2,
  signatureHeaders,
  verifyDelivery,
  verifySignature,
} from '../../src/domain/events/webhookCrypto.ts';

/** The example consumer secret and token of Twitter's developer advocate (jcipriano's CRC gists, x-events.md §1.7). */
const EXAMPLE_SECRET = 'z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu';
const EXAMPLE_TOKEN = '9b4507b3-9040-4669-9ca3-6b94edb50553';
const CLIENT_SECRET = 'client-secret-0123456789';

const independent = (key: string, message: string | Buffer) =>
  `sha256=${createHmac('sha256', Buffer.from(key, 'utf8')).update(message).digest().toString('base64')}`;

// A body with an escaped and an unescaped non-ASCII character: the signature is over the UTF-8 bytes as sent.
const BODY = '{"data":{"event_type":"like.create","payload":{"id":"caf\\u00e9"}},"note":"café ✓"}';
const BODY_LEGACY_SIG = 'sha256=R/o5fLEb3Th+MczoZHShafqzbmi6/2x6i5q4bqHcEC0='; // openssl, EXAMPLE_SECRET
const BODY_OAUTH2_SIG = 'sha256=eLJAreRDv2YB3Fn98GS6jEBZ99qZ8MiUicPhdaXTZAU='; // openssl, CLIENT_SECRET

describe('CRC response', () => {
  const vectors: Array<[token: string, expected: string]> = [
    [EXAMPLE_TOKEN, 'sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8='],
    ['foo', 'sha256=I4oCcLgKqyO5A55ZIQEW2dVXEHDGvUrsCHtjMnVcaTo='],
    ['challenge_string', 'sha256=lTxlIqPHfjEGDgP7vjc1sZHAXswy3dwd940B4GrpUos='],
  ];

  for (const [token, expected] of vectors) {
    it(`answers crc_token=${token} with the published secret`, () => {
      assert.deepEqual(crcResponse(token, EXAMPLE_SECRET), { response_token: expected });
      assert.equal(independent(EXAMPLE_SECRET, token), expected);
    });
  }

  it('is HMAC-SHA256 with the secret as key: RFC 4231 test case 2', () => {
    // key "Jefe", data "what do ya want for nothing?" -> 5bdcc146...3843
    const hex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    const expected = `sha256=${Buffer.from(hex, 'hex').toString('base64')}`;
    assert.equal(crcResponse('what do ya want for nothing?', 'Jefe').response_token, expected);
    assert.equal(expected, 'sha256=W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=');
  });

  it('is standard base64 with padding, 44 characters after the prefix', () => {
    const { response_token } = crcResponse('anything', 'secret');
    assert.match(response_token, /^sha256=[A-Za-z0-9+/]{43}=$/);
  });

  it('accepts an answer made with either secret, the client secret first', () => {
    const tokens = acceptedCrcTokens(EXAMPLE_TOKEN, { consumerSecret: EXAMPLE_SECRET, clientSecret: CLIENT_SECRET });
    assert.deepEqual(tokens, [independent(CLIENT_SECRET, EXAMPLE_TOKEN), independent(EXAMPLE_SECRET, EXAMPLE_TOKEN)]);
    assert.deepEqual(acceptedCrcTokens(EXAMPLE_TOKEN, { consumerSecret: EXAMPLE_SECRET }), [
      'sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8=',
    ]);
    assert.deepEqual(acceptedCrcTokens('foo', { clientSecret: CLIENT_SECRET }), [independent(CLIENT_SECRET, 'foo')]);
  });
});

describe('delivery signatures', () => {
  it('sign the raw UTF-8 body', () => {
    assert.equal(deliverySignature(BODY, EXAMPLE_SECRET), BODY_LEGACY_SIG);
    assert.equal(deliverySignature(Buffer.from(BODY, 'utf8'), EXAMPLE_SECRET), BODY_LEGACY_SIG);
    assert.equal(independent(EXAMPLE_SECRET, Buffer.from(BODY, 'utf8')), BODY_LEGACY_SIG);
    assert.equal(deliverySignature(BODY, CLIENT_SECRET), BODY_OAUTH2_SIG);
  });

  it('are not the signature of the same JSON written differently', () => {
    const reformatted = JSON.stringify(JSON.parse(BODY));
    assert.notEqual(reformatted, BODY);
    assert.notEqual(deliverySignature(reformatted, EXAMPLE_SECRET), BODY_LEGACY_SIG);
  });

  it('go in the headers X names, one per secret the App has', () => {
    assert.deepEqual(signatureHeaders(BODY, { consumerSecret: EXAMPLE_SECRET, clientSecret: CLIENT_SECRET }), {
      'X-Twitter-Webhooks-Signature-OAuth2': BODY_OAUTH2_SIG,
      'X-Twitter-Webhooks-Signature': BODY_LEGACY_SIG,
    });
    assert.deepEqual(signatureHeaders(BODY, { consumerSecret: EXAMPLE_SECRET }), {
      [SIGNATURE_HEADER_LEGACY]: BODY_LEGACY_SIG,
    });
    assert.deepEqual(signatureHeaders(BODY, { clientSecret: CLIENT_SECRET }), {
      [SIGNATURE_HEADER_OAUTH2]: BODY_OAUTH2_SIG,
    });
  });
});

describe('verifying a signature', () => {
  it('accepts the right one and refuses any other', () => {
    assert.equal(verifySignature(BODY, BODY_LEGACY_SIG, EXAMPLE_SECRET), true);
    assert.equal(verifySignature(BODY, BODY_OAUTH2_SIG, EXAMPLE_SECRET), false);
    assert.equal(verifySignature(`${BODY} `, BODY_LEGACY_SIG, EXAMPLE_SECRET), false);
    assert.equal(verifySignature(BODY, BODY_LEGACY_SIG.replace('sha256=', ''), EXAMPLE_SECRET), false);
    assert.equal(verifySignature(BODY, `${BODY_LEGACY_SIG}x`, EXAMPLE_SECRET), false);
    assert.equal(verifySignature(BODY, '', EXAMPLE_SECRET), false);
    assert.equal(verifySignature(BODY, undefined, EXAMPLE_SECRET), false);
  });

  const both = { consumerSecret: EXAMPLE_SECRET, clientSecret: CLIENT_SECRET };

  it('prefers the OAuth2 header, falls back to the legacy one, reads names in any case', () => {
    assert.equal(verifyDelivery(BODY, signatureHeaders(BODY, both), both), true);
    assert.equal(verifyDelivery(BODY, { 'x-twitter-webhooks-signature-oauth2': BODY_OAUTH2_SIG }, both), true);
    assert.equal(verifyDelivery(BODY, { 'x-twitter-webhooks-signature': BODY_LEGACY_SIG }, both), true);
    // A wrong OAuth2 signature is not rescued by a right legacy one.
    const mixed = { [SIGNATURE_HEADER_OAUTH2]: BODY_LEGACY_SIG, [SIGNATURE_HEADER_LEGACY]: BODY_LEGACY_SIG };
    assert.equal(verifyDelivery(BODY, mixed, both), false);
    // A receiver without the client secret checks the legacy header.
    assert.equal(verifyDelivery(BODY, signatureHeaders(BODY, both), { consumerSecret: EXAMPLE_SECRET }), true);
    const legacyOnly = { [SIGNATURE_HEADER_LEGACY]: BODY_LEGACY_SIG };
    assert.equal(verifyDelivery(BODY, legacyOnly, { clientSecret: CLIENT_SECRET }), false);
    assert.equal(verifyDelivery(BODY, {}, both), false);
    assert.equal(verifyDelivery(BODY, { [SIGNATURE_HEADER_OAUTH2]: [BODY_OAUTH2_SIG, BODY_OAUTH2_SIG] }, both), false);
  });
});
