// Schemas written once: the request body is checked by its own schema with X's messages, /openapi.json serves the
// very schema objects the code is typed and checked by, and what the presenters emit is what those schemas describe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { ACCEPTED } from '../../src/domain/fields.ts';
import { isoTime } from '../../src/domain/isoTime.ts';
import { presentMedia, presentPlace, presentPoll, presentTweet, presentUser } from '../../src/domain/present.ts';
import { ApiProblem } from '../../src/domain/problems.ts';
import { Media, OBJECT_SCHEMAS, Place, Poll, Tweet, User } from '../../src/domain/schemas.ts';
import { readJsonBody } from '../../src/http/bodySchema.ts';
import { buildOpenApi } from '../../src/http/openapi.ts';
import { UsersLikesCreateRequest, UsersLikesCreateResponse } from '../../src/http/routes/likes/like.ts';
import { Get2UsersIdLikedTweetsResponse } from '../../src/http/routes/likes/likedTweets.ts';
import { likesRoutes } from '../../src/http/routes/likes.ts';
import { usageRoutes } from '../../src/http/routes/usage.ts';
import { tweet, user } from '../support/records.ts';

type Json = Record<string, any>;

const routes = [...likesRoutes, ...usageRoutes];
const doc = buildOpenApi(routes, 'http://localhost') as Json;

/** The document X answers a refused body with, as sent. */
function refusal(contentType: string | undefined, body: string): string {
  try {
    readJsonBody(UsersLikesCreateRequest, contentType, body);
  } catch (e) {
    assert.ok(e instanceof ApiProblem);
    assert.equal(e.status, 400);
    return JSON.stringify(e.body);
  }
  assert.fail(`expected ${body} to be refused`);
}

const invalid = (message: string, parameters: Record<string, string[]> = {}) =>
  JSON.stringify({
    errors: [{ parameters, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  });

describe('request body read against its schema', () => {
  it('returns the body when it matches, extra members and a charset included', () => {
    assert.deepEqual(readJsonBody(UsersLikesCreateRequest, 'application/json', '{"tweet_id":"1460323737035677698"}'), { tweet_id: '1460323737035677698' });
    assert.deepEqual(readJsonBody(UsersLikesCreateRequest, 'Application/JSON; charset=utf-8', '{"tweet_id":"1","x":[1]}'), { tweet_id: '1', x: [1] });
  });

  it('refuses the content type, the JSON, the shape and each member with X\'s exact documents', () => {
    const wrongType = invalid('Requests with bodies must have content-type of application/json.');
    assert.equal(refusal('application/x-www-form-urlencoded', 'tweet_id=1'), wrongType);
    assert.equal(refusal(undefined, '{"tweet_id":"1"}'), wrongType);
    for (const body of ['', '{', '{"tweet_id":"1",}', `{"tweet_id":${'['.repeat(20)}"1"${']'.repeat(20)}}`]) {
      assert.equal(refusal('application/json', body), invalid('The request body is not valid JSON.'), body);
    }
    for (const body of ['[]', 'null', '"1"', '0', '[{"tweet_id":"1"}]']) {
      assert.equal(refusal('application/json', body), invalid('The request body must be a JSON object.'), body);
    }
    const missing = invalid('The `tweet_id` body parameter is missing.', { tweet_id: [] });
    for (const body of ['{}', '{"tweetid":"1"}', '{"__proto__":{"tweet_id":"1"}}', '{"constructor":{"prototype":{"tweet_id":"1"}}}']) {
      assert.equal(refusal('application/json', body), missing, body);
    }
    const mismatch = (text: string) => invalid(`The \`tweet_id\` body parameter value [${text}] does not match ^[0-9]{1,19}$`, { tweet_id: [text] });
    const cases: [string, string][] = [
      ['{"tweet_id":"abc"}', 'abc'], ['{"tweet_id":""}', ''], ['{"tweet_id":"-1"}', '-1'], ['{"tweet_id":"12345678901234567890"}', '12345678901234567890'],
      ['{"tweet_id":123}', '123'], ['{"tweet_id":null}', 'null'], ['{"tweet_id":1e400}', 'null'], ['{"tweet_id":true}', 'true'],
      ['{"tweet_id":["1"]}', '["1"]'], ['{"tweet_id":{}}', '{}'],
    ];
    for (const [body, text] of cases) assert.equal(refusal('application/json', body), mismatch(text), body);
  });
});

describe('/openapi.json serves the schemas the code uses', () => {
  it('lists X\'s objects and each route\'s body and response schema under its name, as the same objects', () => {
    const schemas = doc.components.schemas as Json;
    for (const [name, schema] of Object.entries(OBJECT_SCHEMAS)) assert.equal(schemas[name], schema, name);
    assert.equal(schemas.UsersLikesCreateRequest, UsersLikesCreateRequest);
    assert.equal(schemas.UsersLikesCreateResponse, UsersLikesCreateResponse);
    assert.equal(schemas.Get2UsersIdLikedTweetsResponse, Get2UsersIdLikedTweetsResponse);
    const post = doc.paths['/2/users/{id}/likes'].post;
    assert.deepEqual(post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/UsersLikesCreateRequest' });
    assert.deepEqual(post.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/UsersLikesCreateResponse' });
  });

  it('every $ref names a listed component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    assert.ok(refs.length > 10);
    for (const name of refs) assert.ok(name in doc.components.schemas, name);
  });

  it('describes each list parameter with the values the server accepts', () => {
    const params = doc.paths['/2/tweets/{id}/liking_users'].get.parameters as Json[];
    assert.deepEqual(params.find((p) => p.name === 'user.fields')!.schema.items.enum, ACCEPTED.userFields);
    assert.deepEqual(params.map((p) => p.name), ['id', 'max_results', 'pagination_token', 'expansions', 'tweet.fields', 'user.fields', 'post.fields']);
  });
});

describe('presenters emit what the served schemas describe', () => {
  // Closed copies of the served schemas: a member a presenter emits that the schema does not name is refused.
  const ajv = new Ajv({ strict: false, allErrors: true });
  formatsPlugin.default(ajv);
  const closed = (schema: object) => ajv.compile({ ...schema, additionalProperties: false });
  const check = (schema: object, value: unknown) => {
    const validate = closed(schema);
    assert.ok(validate(value), `${JSON.stringify(value)}: ${ajv.errorsText(validate.errors)}`);
  };
  const all = (list: readonly string[]) => new Set(list);

  it('Tweets and users, every field asked for, own metrics included', () => {
    const author = user('11', { location: 'Berlin', url: 'https://example.com', pinnedTweetId: '201' });
    const t = tweet('201', author.id, {
      inReplyToUserId: '12', referencedTweets: [{ type: 'quoted', id: '200' }], mediaKeys: ['3_1'], pollIds: ['9'], placeId: 'p1',
      entities: { mentions: [{ start: 0, end: 4, username: 'bob', id: '12' }] },
    });
    for (const names of ['v2159', 'v2167', 'both'] as const) {
      check(Tweet, presentTweet(t, all(ACCEPTED.tweetFields), author.id, names));
      check(User, presentUser(author, all(ACCEPTED.userFields), names));
    }
    check(Tweet, presentTweet(t, new Set(), null));
    check(User, presentUser(author, new Set()));
  });

  it('media, polls and places, every field asked for', () => {
    check(Media, presentMedia({
      mediaKey: '3_1', type: 'video', url: 'https://pbs.example/v.mp4', previewImageUrl: 'https://pbs.example/v.jpg', width: 640, height: 360,
      altText: 'a cat', durationMs: 1200, viewCount: 7,
    }, all(ACCEPTED.mediaFields)));
    const poll = { id: '9', options: [{ position: 1, label: 'yes', votes: 3 }, { position: 2, label: 'no', votes: 1 }], durationMinutes: 60, endAt: Date.UTC(2026, 0, 1) };
    check(Poll, presentPoll(poll, all(ACCEPTED.pollFields), Date.UTC(2025, 0, 1)));
    check(Place, presentPlace({
      id: 'p1', fullName: 'Berlin, Germany', name: 'Berlin', country: 'Germany', countryCode: 'DE', placeType: 'city', bbox: [13.1, 52.3, 13.7, 52.7],
    }, all(ACCEPTED.placeFields)));
  });
});

describe('presenters write members in alphabetical order, as X does', () => {
  const author = user('11', { location: 'Berlin', url: 'https://example.com', pinnedTweetId: '201' });
  const t = tweet('201', author.id, {
    inReplyToUserId: '12', referencedTweets: [{ type: 'quoted', id: '200' }], mediaKeys: ['3_1'], pollIds: ['9'], placeId: 'p1',
    entities: { mentions: [{ start: 0, end: 4, username: 'bob', id: '12' }] },
  });
  const media = {
    mediaKey: '3_1', type: 'video', url: 'https://pbs.example/v.mp4', previewImageUrl: 'https://pbs.example/v.jpg', width: 640, height: 360,
    altText: 'a cat', durationMs: 1200, viewCount: 7,
  } as const;
  const poll = { id: '9', options: [{ position: 1, label: 'yes', votes: 3 }], durationMinutes: 60, endAt: Date.UTC(2026, 0, 1) };
  const place = { id: 'p1', fullName: 'Berlin, Germany', name: 'Berlin', country: 'Germany', countryCode: 'DE', placeType: 'city', bbox: [13.1, 52.3, 13.7, 52.7] as [number, number, number, number] };
  const inOrder = (value: object, label: string) => {
    const keys = Object.keys(value);
    assert.deepEqual(keys, [...keys].sort(), label);
  };
  // Every field alone, every field together, and all but one: a member written out of place shows in one of them.
  const fieldSets = (accepted: readonly string[]): Set<string>[] => [
    new Set(accepted),
    ...accepted.map((f) => new Set([f])),
    ...accepted.map((f) => new Set(accepted.filter((g) => g !== f))),
  ];

  it('Tweets (own and not, every metric naming), users, media, polls and places', () => {
    for (const fields of fieldSets(ACCEPTED.tweetFields)) {
      for (const viewer of [author.id, null]) {
        for (const names of ['v2159', 'v2167', 'both'] as const) inOrder(presentTweet(t, fields, viewer, names), `tweet.fields=${[...fields]}`);
      }
      const shown = presentTweet(t, fields, author.id) as Json;
      if (fields.has('attachments')) inOrder(shown.attachments, 'attachments');
    }
    for (const fields of fieldSets(ACCEPTED.userFields)) inOrder(presentUser(author, fields), `user.fields=${[...fields]}`);
    for (const fields of fieldSets(ACCEPTED.mediaFields)) inOrder(presentMedia(media, fields), `media.fields=${[...fields]}`);
    for (const fields of fieldSets(ACCEPTED.pollFields)) inOrder(presentPoll(poll, fields, Date.UTC(2025, 0, 1)), `poll.fields=${[...fields]}`);
    for (const fields of fieldSets(ACCEPTED.placeFields)) inOrder(presentPlace(place, fields), `place.fields=${[...fields]}`);
  });

  it('times as Date writes them, across the four-digit years and at their edges', () => {
    const edges = [0, 1, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 1, 29), Date.UTC(2100, 2, 1), 253_402_300_799_999];
    // Fractions are truncated, as Date keeps whole milliseconds; outside 1970-9999 Date itself answers.
    const odd = [0.5, 1_700_000_000_123.9, -1, -86_400_001, 253_402_300_800_000, 8.64e15];
    let x = 12345;
    const random: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      random.push(Math.floor((x / 2 ** 32) * 253_402_300_800_000));
    }
    for (const ms of [...edges, ...odd, ...random]) assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
    assert.throws(() => isoTime(Number.NaN), RangeError);
  });
});

