import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentTweetCore, presentUserCore, writtenTweetCore, writtenUserCore } from '../../src/domain/present.ts';
import { WrittenObject, bodyJson } from '../../src/domain/writtenJson.ts';

// Strings JSON.stringify escapes, or might: every control character, quote, backslash, DEL, U+2028/9, a lone surrogate.
const HOSTILE = [
  '',
  'plain',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
  '"\\/\u007f\u2028\u2029',
  '\ud800 lone \udc00',
  'é 🦜 “quotes” <b>&amp; </script>',
];

describe('written JSON', () => {
  it('writtenTweetCore and writtenUserCore write what JSON.stringify writes of presentTweetCore and presentUserCore', () => {
    for (const s of HOSTILE) {
      const tweet = writtenTweetCore({ id: '1234567890123456789', authorId: '1', deleted: false, textJson: JSON.stringify(s) });
      assert.equal(tweet.json, JSON.stringify(presentTweetCore({ id: '1234567890123456789', text: s })));
      assert.equal(tweet.id, '1234567890123456789');
      const user = writtenUserCore({ id: '42', suspended: false, nameJson: JSON.stringify(s), usernameJson: JSON.stringify(`${s}_x`) });
      assert.equal(user.json, JSON.stringify(presentUserCore({ id: '42', name: s, username: `${s}_x` })));
      assert.equal(user.id, '42');
    }
  });

  it('bodyJson writes every body byte for byte as JSON.stringify does, written data spliced in', () => {
    const objects = HOSTILE.map((text, i) => ({ edit_history_tweet_ids: [`${i}`], id: `${i}`, text }));
    const written = objects.map((o) => new WrittenObject(o.id, JSON.stringify(o)));
    const meta = { result_count: objects.length, next_token: 'abc', previous_token: 'd"e' };
    const bodies: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ data: written, meta }, { data: objects, meta }],
      [{ data: written.slice(0, 1), meta: { result_count: 1 } }, { data: objects.slice(0, 1), meta: { result_count: 1 } }],
      [{ data: written, includes: { users: [{ id: '9' }] }, errors: [{ detail: 'x' }], meta }, { data: objects, includes: { users: [{ id: '9' }] }, errors: [{ detail: 'x' }], meta }],
      [{ data: written, skipped: undefined, meta }, { data: objects, meta }],
      // A written object after a plain one, and data with no written objects at all.
      [{ data: [objects[0], ...written.slice(1)], meta }, { data: objects, meta }],
      [{ data: objects, meta }, { data: objects, meta }],
      [{ meta: { result_count: 0 } }, { meta: { result_count: 0 } }],
      [{ data: [], meta }, { data: [], meta }],
    ];
    for (const [body, plain] of bodies) {
      const text = bodyJson(body);
      assert.equal(text, JSON.stringify(plain));
      // Anything else that writes the body (a log, a test) writes the same.
      assert.equal(JSON.stringify(body), text);
    }
  });
});
