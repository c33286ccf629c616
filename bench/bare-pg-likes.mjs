#!/usr/bin/env node
// The ceiling of durable likes on PostgreSQL (issue #13): a bare `pg` script doing what one like is, with nothing else,
// at a given concurrency: one transaction per like (insert the like row, bump the Tweet's and the user's like_count),
// each on its own pooled connection, synchronous_commit as the server has it. No HTTP, no authentication, no outbox
// event (the Likes API also appends one per like).
// Usage: node bench/bare-pg-likes.mjs <database-url> <pairs.json> <concurrency> <seconds>
//   pairs.json: [[userId, tweetId], ...] not liked yet; prints {"likes": n, "seconds": s, "cpuMs": ms} (likes committed, this
//   process's CPU), then keeps its connections until its standard input ends.
import { readFileSync } from 'node:fs';
import pg from 'pg';

const [url, pairsFile, concurrencyArg, secondsArg] = process.argv.slice(2);
const pairs = JSON.parse(readFileSync(pairsFile, 'utf8'));
const concurrency = Number(concurrencyArg);
const pool = new pg.Pool({ connectionString: url, max: concurrency });
const INSERT = { name: 'bare_like', text: 'INSERT INTO likes (user_id, tweet_id, liked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING' };
const TWEET = { name: 'bare_tweet', text: 'UPDATE tweets SET like_count = like_count + 1 WHERE id = $1' };
const USER = { name: 'bare_user', text: 'UPDATE users SET like_count = like_count + 1 WHERE id = $1' };

let next = 0;
let likes = 0;
const deadline = performance.now() + Number(secondsArg) * 1000;
async function worker() {
  const client = await pool.connect();
  try {
    while (performance.now() < deadline && next < pairs.length) {
      const [user, tweet] = pairs[next++];
      await client.query('BEGIN');
      const inserted = (await client.query({ ...INSERT, values: [user, tweet, Date.now()] })).rowCount;
      if (inserted) {
        // The Tweet before the user, as the Likes API locks them.
        await client.query({ ...TWEET, values: [tweet] });
        await client.query({ ...USER, values: [user] });
      }
      await client.query('COMMIT');
      likes += inserted;
    }
  } finally {
    client.release();
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ likes, seconds, cpuMs: (cpu.user + cpu.system) / 1000 }));
// The connections stay open until standard input ends, so the caller can read PostgreSQL's backends' CPU first.
process.stdin.resume();
process.stdin.on('end', () => void pool.end());
