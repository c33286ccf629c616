import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/harness.ts';

describe('smoke', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  it('serves liked_tweets with the app bearer', async () => {
    const res = await fetch(`${server.baseUrl}/2/users/${server.creds.heavyLikerUserId}/liked_tweets?max_results=5`, {
      headers: { authorization: `Bearer ${server.creds.app.bearerToken}` },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: unknown[]; meta: { result_count: number; next_token?: string } };
    assert.equal(body.data.length, 5);
    assert.equal(body.meta.result_count, 5);
    assert.ok(body.meta.next_token);
  });
});
