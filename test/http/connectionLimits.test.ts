// Slow and greedy clients against a real server: a request trickled a byte at a time, a connection that never
// sends, many idle connections, more connections than the cap, and too many headers. The request timeout is
// set to a second (LIKES_API_REQUEST_TIMEOUT_MS) so that each case ends quickly; every test asserts that the
// server closed the connection while the client was still going (a client that trickles for 20 times the
// bound), never how long it took.
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_HEADER_COUNT } from '../../src/http/connectionLimits.ts';
import { serverForSuite } from '../support/harness.ts';
import { exchange, openConnection as connect, type RawConnection } from '../support/rawHttp.ts';

const BOUND_MS = 1_000;
/** A client that keeps going this long would hold its connection forever if nothing stopped it. */
const CLIENT_PATIENCE_MS = 20 * BOUND_MS;
const TRICKLE_EVERY_MS = 100;

/** Writes `bytes` one at a time until the server closes the connection or the client's patience runs out. */
async function trickle(conn: RawConnection, bytes: string): Promise<{ closedByServer: boolean; sent: number }> {
  const started = Date.now();
  let sent = 0;
  while (!conn.closed() && Date.now() - started < CLIENT_PATIENCE_MS) {
    conn.socket.write(bytes[sent % bytes.length]);
    sent++;
    await sleep(TRICKLE_EVERY_MS);
  }
  const closedByServer = conn.closed();
  conn.socket.destroy();
  return { closedByServer, sent };
}

/** The status and JSON body of the one answer the server wrote before closing. */
function answerOf(text: string): { status: number; body: Record<string, unknown> | null } {
  const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  assert.ok(m, `an HTTP answer, got ${JSON.stringify(text.slice(0, 200))}`);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { status: Number(m[1]), body: body ? (JSON.parse(body) as Record<string, unknown>) : null };
}

const TIMEOUT_DOC = { title: 'Request Timeout', type: 'about:blank', status: 408, detail: 'Request Timeout' };

describe('slow clients', { timeout: 120_000 }, () => {
  const server = serverForSuite({ env: { LIKES_API_REQUEST_TIMEOUT_MS: String(BOUND_MS), LIKES_API_LIMITS: 'off' } });
  let port: number;
  before(() => {
    port = Number(new URL(server.baseUrl).port);
  });

  it('closes a connection whose headers arrive a byte at a time, with a 408 document', async () => {
    const conn = await connect(port);
    conn.socket.write(`GET /2/users/${server.creds.users[1].id}/liked_tweets HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    const { closedByServer, sent } = await trickle(conn, 'X-Slow: abcdefghijklmnopqrstuvwxyz\r\n');
    assert.equal(closedByServer, true, `still open after ${sent} trickled header bytes`);
    const answer = answerOf(conn.received());
    assert.equal(answer.status, 408);
    assert.deepEqual(answer.body, TIMEOUT_DOC);
  });

  it('closes a connection whose body arrives a byte at a time, and the like is not made', async () => {
    const user = server.creds.users[1];
    const tweet = server.creds.tweets[2].id;
    const body = JSON.stringify({ tweet_id: tweet });
    const conn = await connect(port);
    conn.socket.write(
      `POST /2/users/${user.id}/likes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${user.oauth2AccessToken}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length + 10_000}\r\n\r\n`,
    );
    const { closedByServer, sent } = await trickle(conn, body);
    assert.equal(closedByServer, true, `still open after ${sent} trickled body bytes`);
    const answer = answerOf(conn.received());
    assert.equal(answer.status, 408);
    assert.deepEqual(answer.body, TIMEOUT_DOC);

    const liked = await fetch(`${server.baseUrl}/2/tweets/${tweet}/liking_users`, { headers: { authorization: `Bearer ${user.oauth2AccessToken}` } });
    assert.equal(liked.status, 200);
    const ids = (((await liked.json()) as { data?: { id: string }[] }).data ?? []).map((u) => u.id);
    assert.ok(!ids.includes(user.id), 'a request that never finished arriving must not act');
  });

  it('closes a connection that never sends anything, with a 408 document', async () => {
    const conn = await connect(port);
    assert.equal(await conn.closedWithin(CLIENT_PATIENCE_MS), true, 'a silent connection stayed open');
    const answer = answerOf(conn.received());
    assert.equal(answer.status, 408);
    assert.deepEqual(answer.body, TIMEOUT_DOC);
  });

  it('keeps answering while many idle connections are open, then closes every one of them', async () => {
    const idle = await Promise.all(Array.from({ length: 300 }, () => connect(port)));
    // Half of them start a request and stop halfway through the headers.
    idle.forEach((c, i) => i % 2 && c.socket.write('GET /2/usage/tweets HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    const res = await fetch(`${server.baseUrl}/2/usage/tweets`, { headers: { authorization: `Bearer ${server.creds.app.bearerToken}` } });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const closed = await Promise.all(idle.map((c) => c.closedWithin(CLIENT_PATIENCE_MS)));
    assert.equal(closed.filter((c) => !c).length, 0, 'idle connections left open');
  });

  it(`answers ${MAX_HEADER_COUNT} headers and refuses ${MAX_HEADER_COUNT + 1} with a 431 document`, async () => {
    const token = server.creds.app.bearerToken;
    const send = (count: number) => {
      // authorization is one of the `count` headers; fetch adds a few of its own, which raw bytes do not.
      const lines = ['Host: 127.0.0.1', `Authorization: Bearer ${token}`, 'Connection: close'];
      for (let i = lines.length; i < count; i++) lines.push(`X-Extra-${i}: ${i}`);
      return exchange(port, `GET /2/usage/tweets HTTP/1.1\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`).then((b) => b.toString('latin1'));
    };
    assert.equal(answerOf(await send(MAX_HEADER_COUNT)).status, 200);
    const refused = answerOf(await send(MAX_HEADER_COUNT + 1));
    assert.equal(refused.status, 431);
    assert.deepEqual(refused.body, { title: 'Request Header Fields Too Large', type: 'about:blank', status: 431, detail: 'Request Header Fields Too Large' });
    const many = answerOf(await send(1_000));
    assert.equal(many.status, 431);
  });
});

describe('connection cap', { timeout: 120_000 }, () => {
  const CAP = 20;
  const server = serverForSuite({ env: { LIKES_API_REQUEST_TIMEOUT_MS: String(BOUND_MS), LIKES_API_MAX_CONNECTIONS: String(CAP) } });
  let port: number;
  before(() => {
    port = Number(new URL(server.baseUrl).port);
  });

  it('closes connections past the cap on arrival and serves again once idle ones are closed', async () => {
    const held = await Promise.all(Array.from({ length: CAP }, () => connect(port)));
    // The extra ones must arrive once the server has registered every held connection (polled, bounded).
    const connections = promisify(server.app.server.getConnections.bind(server.app.server));
    let open = 0;
    for (let i = 0; i < 200 && open < CAP; i++) {
      open = await connections();
      if (open < CAP) await sleep(10);
    }
    assert.equal(open, CAP, 'the server registered every held connection');
    const extra = await Promise.all(Array.from({ length: 5 }, () => connect(port)));
    for (const c of extra) assert.equal(await c.closedWithin(CLIENT_PATIENCE_MS), true, 'a connection past the cap was kept');
    for (const c of extra) assert.equal(c.received(), '', 'nothing is written on a refused connection');
    for (const c of held) assert.equal(await c.closedWithin(CLIENT_PATIENCE_MS), true, 'an idle connection under the cap stayed open');
    const res = await fetch(`${server.baseUrl}/2/usage/tweets`, { headers: { authorization: `Bearer ${server.creds.app.bearerToken}` } });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });
});
