#!/usr/bin/env node
// The "bare single-query" ceiling of the realistic benchmark (bench/sections/realistic.ts): node:http and
// better-sqlite3 over the same SQLite file as the Likes API, answering the two Likes listings with default fields by
// ONE prepared statement per request and JSON.stringify, with the bodies the Likes API sends (same members in the same
// order, same pagination tokens), so that the two can be compared byte for byte.
//
// What it leaves out, on purpose (it is a ceiling, not a second implementation): no authentication (any or no
// Authorization header is taken as app-only), no field or expansion parameters (answered 501), no owner check on
// liked_tweets (an unknown, suspended or protected owner gets an empty page, not X's error), no existence or
// visibility check of the Tweet on liking_users, no previous_token walks (tokens pointing newer are answered 501), no
// rate limits, usage accounting or metrics. What it keeps: the keyset walk (limit + 1 rows to learn whether another
// page exists), the visibility of each row (deleted Tweets, suspended or protected authors, suspended likers drop out),
// liking_users' cap of 100 liking accounts per Tweet, and tokens that the Likes API accepts and issues.
//
// Usage: node bench/bare-sqlite-server.mjs <port> <likes.db>
import Database from 'better-sqlite3';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const [port, file] = process.argv.slice(2);
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

// ---- Pagination tokens: the same encoding as src/domain/cursor.ts (base36 of version, direction, key, 4-byte MAC) ----
const MAC_KEY = 'likes-api pagination token v1';
const mac = (body) => createHmac('sha256', MAC_KEY).update(body).digest().subarray(0, 4);

function encodeCursor(direction, likedAt, id) {
  const body = Buffer.alloc(16);
  body.writeUInt8(1, 0);
  body.writeUInt8(direction === 'older' ? 0 : 1, 1);
  body.writeUIntBE(likedAt, 2, 6);
  body.writeBigUInt64BE(BigInt(id), 8);
  return BigInt(`0x${Buffer.concat([body, mac(body)]).toString('hex')}`).toString(36);
}

function decodeCursor(token) {
  if (!/^[0-9a-z]{1,64}$/.test(token)) return null;
  let n = 0n;
  for (const ch of token) n = n * 36n + BigInt(parseInt(ch, 36));
  const hex = n.toString(16);
  if (hex.length > 40) return null;
  const all = Buffer.from(hex.padStart(40, '0'), 'hex');
  const body = all.subarray(0, 16);
  if (!mac(body).equals(all.subarray(16)) || body.readUInt8(0) !== 1 || body.readUInt8(1) > 1) return null;
  return { direction: body.readUInt8(1) === 0 ? 'older' : 'newer', likedAt: body.readUIntBE(2, 6), id: body.readBigUInt64BE(8).toString() };
}

// ---- The statements: one per request ----
// `LIMIT ?+0`, not `LIMIT ?`: SQLite reads a bare LIMIT parameter while planning and then prepares the statement again
// each time it is bound, i.e. every request (src/adapters/sqlite/sqlParams.ts). The ceiling avoids it as the Likes API does.
// Both read the Tweets and accounts through the narrow indexes of the Likes API's schema (tweets_core, users_core), as
// the Likes API does: the same file, the same access paths, so that the difference is the rest of the request.
// liked_tweets: the user's likes newest first, each with the Tweet's text and the author's visibility flags.
const likedSelect = `SELECT l.tweet_id, l.liked_at, t.text, t.deleted, a.protected, a.suspended
  FROM likes l LEFT JOIN tweets t INDEXED BY tweets_core ON t.id = l.tweet_id LEFT JOIN users a INDEXED BY users_core ON a.id = t.author_id
  WHERE l.user_id = ?`;
const likedFirst = db.prepare(`${likedSelect} ORDER BY l.liked_at DESC, l.tweet_id DESC LIMIT ?+0`).raw(true);
const likedOlder = db.prepare(`${likedSelect} AND (l.liked_at, l.tweet_id) < (?, ?) ORDER BY l.liked_at DESC, l.tweet_id DESC LIMIT ?+0`).raw(true);
// liking_users: within the Tweet's 100 newest likes (X's cap), newest first, each with the liker's name and flags.
const likingSelect = `SELECT c.user_id, c.liked_at, u.name, u.username, u.suspended
  FROM (SELECT user_id, liked_at FROM likes WHERE tweet_id = ? ORDER BY liked_at DESC, user_id DESC LIMIT 100) c
  LEFT JOIN users u INDEXED BY users_core ON u.id = c.user_id`;
const likingFirst = db.prepare(`${likingSelect} ORDER BY c.liked_at DESC, c.user_id DESC LIMIT ?+0`).raw(true);
const likingOlder = db.prepare(`${likingSelect} WHERE (c.liked_at, c.user_id) < (?, ?) ORDER BY c.liked_at DESC, c.user_id DESC LIMIT ?+0`).raw(true);

/** Rows [id, likedAt, ...] of one page: limit + 1 read, the extra one only says whether a next page exists. */
function page(first, older, key, limit, cursor) {
  const fetched = cursor ? older.all(key, cursor.likedAt, cursor.id, limit + 1) : first.all(key, limit + 1);
  const more = fetched.length > limit;
  const rows = more ? fetched.slice(0, limit) : fetched;
  const meta = { result_count: 0 };
  if (more) meta.next_token = encodeCursor('older', rows[rows.length - 1][1], rows[rows.length - 1][0]);
  if (cursor) {
    // An empty page past the end still leads back to the page before it (src/domain/likes.ts, justOlderThan).
    meta.previous_token = rows.length ? encodeCursor('newer', rows[0][1], rows[0][0]) : encodeCursor('newer', cursor.likedAt - 1, '9999999999999999999');
  }
  return { rows, meta };
}

function likedTweets(userId, limit, cursor) {
  const { rows, meta } = page(likedFirst, likedOlder, userId, limit, cursor);
  const data = [];
  for (const r of rows) {
    // [tweet_id, liked_at, text, deleted, author protected, author suspended]: shown when the Tweet exists, is not
    // deleted and its author exists, is not suspended and not protected (app-only: nobody sees protected Tweets).
    if (r[2] === null || r[3] !== 0 || r[4] !== 0 || r[5] !== 0) continue;
    data.push({ edit_history_tweet_ids: [r[0]], id: r[0], text: r[2] });
  }
  return document(data, meta);
}

function likingUsers(tweetId, limit, cursor) {
  const { rows, meta } = page(likingFirst, likingOlder, tweetId, limit, cursor);
  const data = [];
  // [user_id, liked_at, name, username, suspended]: an unknown or suspended liker drops out.
  for (const r of rows) if (r[2] !== null && r[4] === 0) data.push({ id: r[0], name: r[2], username: r[3] });
  return document(data, meta);
}

function document(data, meta) {
  meta.result_count = data.length;
  return JSON.stringify(data.length ? { data, meta } : { meta });
}

// ---- HTTP ----
// The same header set as the Likes API's answers (values fixed), so that both send about the same bytes.
const transactionPrefix = randomBytes(4).toString('hex');
let transactions = 0;
const reset = String(Math.floor(Date.now() / 1000) + 900);

function send(res, status, body) {
  res.writeHead(status, {
    'x-access-level': 'read',
    'x-rate-limit-limit': '75',
    'x-rate-limit-remaining': '75',
    'x-rate-limit-reset': reset,
    'content-type': 'application/json; charset=utf-8',
    'x-transaction-id': `${transactionPrefix}${(transactions++ & 0xffffffff).toString(16).padStart(8, '0')}`,
    'x-response-time': '0',
    'cache-control': 'no-cache, no-store, max-age=0',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const LIKED = /^\/2\/users\/(\d{1,19})\/liked_tweets$/;
const LIKING = /^\/2\/tweets\/(\d{1,19})\/liking_users$/;

const server = createServer((req, res) => {
  req.resume();
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
  let limit = 100;
  let cursor = null;
  for (const [k, v] of params) {
    if (k === 'max_results') limit = Number(v);
    else if (k === 'pagination_token') cursor = decodeCursor(v);
    else return send(res, 501, JSON.stringify({ title: 'Not Implemented', detail: `the bare server answers default fields only (${k})` }));
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return send(res, 400, JSON.stringify({ title: 'Invalid Request', detail: 'max_results' }));
  if (params.has('pagination_token') && (!cursor || cursor.direction !== 'older')) {
    return send(res, 501, JSON.stringify({ title: 'Not Implemented', detail: 'the bare server walks next tokens only' }));
  }
  try {
    let m = LIKED.exec(path);
    if (m) return send(res, 200, likedTweets(m[1], limit, cursor));
    m = LIKING.exec(path);
    if (m) return send(res, 200, likingUsers(m[1], limit, cursor));
    send(res, 404, JSON.stringify({ title: 'Not Found' }));
  } catch (error) {
    send(res, 500, JSON.stringify({ title: 'Internal Error', detail: String(error) }));
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1');
const stop = () => server.close(() => {
  db.close();
  process.exit(0);
});
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
