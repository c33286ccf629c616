// The bounds every JSON request body is scanned against before JSON.parse sees it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_JSON_DEPTH, MAX_JSON_LITERAL, MAX_JSON_TOKENS, parseJsonBody, withinJsonBounds } from '../../src/http/jsonBody.ts';

const nested = (depth: number, inner = '"1"') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

describe('JSON body bounds', () => {
  it('accepts the bodies X endpoints take, unchanged', () => {
    for (const body of [
      '{"tweet_id":"1460323737035677698"}',
      ' { "tweet_id" : "1" } ',
      '{"grant_type":"authorization_code","code":"abc","redirect_uri":"https://example.com/cb?x=[1]","code_verifier":"' + 'v'.repeat(128) + '"}',
      '{"tweet_id":["1"]}',
      '{"a":{"b":{"c":[1]}}}',
      'null',
      '"{[[[[[[[[[["',
    ]) {
      assert.deepEqual(parseJsonBody(body), { value: JSON.parse(body) }, body);
    }
  });

  it('refuses nesting past the depth bound, wherever it is', () => {
    assert.ok(withinJsonBounds(nested(MAX_JSON_DEPTH)));
    assert.equal(withinJsonBounds(nested(MAX_JSON_DEPTH + 1)), false);
    assert.equal(parseJsonBody(`{"tweet_id":${nested(20_000)}}`), null);
    assert.equal(parseJsonBody(`{"a":{"b":{"c":{"d":{"e":1}}}}}`), null);
    // Unclosed openers count as deeply as closed ones.
    assert.equal(parseJsonBody('['.repeat(50_000)), null);
  });

  it('refuses more elements or keys than the token bound', () => {
    const items = (n: number) => `[${Array.from({ length: n }, () => '1').join(',')}]`;
    assert.ok(withinJsonBounds(items(MAX_JSON_TOKENS - 1)));
    assert.equal(withinJsonBounds(items(MAX_JSON_TOKENS + 2)), false);
    const keys = `{${Array.from({ length: MAX_JSON_TOKENS }, (_, i) => `"k${i}":1`).join(',')}}`;
    assert.equal(parseJsonBody(keys), null);
  });

  it('refuses a string or number literal longer than the literal bound; escapes do not hide a quote', () => {
    assert.ok(withinJsonBounds(`"${'a'.repeat(MAX_JSON_LITERAL)}"`));
    assert.equal(withinJsonBounds(`"${'a'.repeat(MAX_JSON_LITERAL + 1)}"`), false);
    assert.equal(withinJsonBounds(`{"tweet_id":${'1'.repeat(MAX_JSON_LITERAL + 1)}}`), false);
    // An escaped quote does not end the string: the brackets after it are string content, not depth.
    const escaped = `{"a":"\\"${'['.repeat(40)}"}`;
    assert.deepEqual(parseJsonBody(escaped), { value: { a: `"${'['.repeat(40)}` } });
    // An escape pair counts as one character, a \u escape as five.
    assert.ok(withinJsonBounds(`"${'\\n'.repeat(MAX_JSON_LITERAL)}"`));
    assert.equal(withinJsonBounds(`"${'\\n'.repeat(MAX_JSON_LITERAL + 1)}"`), false);
    const fits = Math.floor(MAX_JSON_LITERAL / 5);
    assert.ok(withinJsonBounds(`"${'\\u00e9'.repeat(fits)}"`));
    assert.equal(withinJsonBounds(`"${'\\u00e9'.repeat(fits + 1)}"`), false);
  });

  it('refuses what is not JSON, including unbalanced closers', () => {
    for (const body of ['', '{', '}{', ']]]][[[[1]]]]', "{'a':1}", '{"a":1}{"b":2}']) assert.equal(parseJsonBody(body), null, body);
  });
});
