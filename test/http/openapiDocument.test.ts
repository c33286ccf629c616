// GET /openapi.json: the service's own OpenAPI 3 document, generated from the route schemas that validate requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { readReferenceJson } from '../support/openapi.ts';

type Json = Record<string, any>;

describe('GET /openapi.json', () => {
  let server: TestServer;
  let doc: Json;
  before(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.baseUrl}/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    doc = (await res.json()) as Json;
  });
  after(async () => server.close());

  it('is an OpenAPI 3 document naming the address it was fetched from', () => {
    assert.match(doc.openapi, /^3\./);
    assert.deepEqual(doc.servers, [{ url: server.baseUrl }]);
  });

  it('lists every Likes and events operation with X\'s operation ids and security', () => {
    const ops = Object.entries(doc.paths as Json).flatMap(([path, methods]) =>
      Object.entries(methods as Json).map(([m, op]) => `${m.toUpperCase()} ${path} ${(op as Json).operationId}`),
    );
    const events = readReferenceJson('x-openapi-events.json') as Json;
    const inEvents = (op: string) => Object.hasOwn(events.paths, op.split(' ')[1]);
    // The events operations carry X's operation ids (its events document), path for path.
    for (const op of ops.filter(inEvents)) {
      const [method, path, id] = op.split(' ');
      assert.equal(events.paths[path][method.toLowerCase()]?.operationId, id, op);
    }
    assert.deepEqual(ops.filter((op) => !inEvents(op)).sort(), [
      'DELETE /2/users/{id}/likes/{tweet_id} usersIdUnlike',
      'GET /2/tweets/{id}/liking_users tweetsIdLikingUsers',
      'GET /2/usage/tweets getUsage',
      'GET /2/users/{id}/liked_tweets usersIdLikedTweets',
      'POST /2/users/{id}/likes usersIdLike',
    ]);
    assert.deepEqual(doc.paths['/2/usage/tweets'].get.security, [{ BearerToken: [] }]);
    assert.ok(doc.paths['/2/users/{id}/likes'].post.security.some((s: Json) => s.OAuth2UserToken?.includes('like.write')));
  });

  it('describes parameters exactly as the server validates them', async () => {
    const params = doc.paths['/2/users/{id}/liked_tweets'].get.parameters as Json[];
    const byName = new Map(params.map((p) => [p.name, p]));
    assert.equal(byName.get('id')!.in, 'path');
    assert.equal(byName.get('id')!.schema.pattern, '^[0-9]{1,19}$');
    const max = byName.get('max_results')!.schema;
    assert.deepEqual([max.minimum, max.maximum], [5, 100]);
    const expansions = byName.get('expansions')!.schema.items.enum as string[];
    assert.ok(expansions.includes('referenced_tweets.id.author_id'));
    // What the document allows, the server accepts; one past the documented range, it refuses.
    const path = `/2/users/${server.creds.heavyLikerUserId}/liked_tweets`;
    const auth = { authorization: `Bearer ${server.creds.app.bearerToken}` };
    assert.equal((await fetch(`${server.baseUrl}${path}?max_results=${max.maximum}&expansions=${expansions.join(',')}`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${server.baseUrl}${path}?max_results=${max.maximum + 1}`, { headers: auth })).status, 400);
    const likers = doc.paths['/2/tweets/{id}/liking_users'].get.parameters as Json[];
    assert.equal(likers.find((p) => p.name === 'max_results')!.schema.default, 100);
  });
});
