#!/usr/bin/env node
// The ceiling of the benchmark: a bare node:http server answering every request with one pre-serialised response
// (the exact body and headers the Likes API sent for the same liked_tweets page). Nothing is computed per request.
// Usage: node bench/ceiling-server.mjs <port> <response.json>   (response.json: { "headers": {...}, "body": "..." })
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file] = process.argv.slice(2);
const { headers, body } = JSON.parse(readFileSync(file, 'utf8'));
const payload = Buffer.from(body, 'utf8');
const head = { ...headers, 'content-length': String(payload.length) };

const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, head);
  res.end(payload);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
