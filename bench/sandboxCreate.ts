// `node --import tsx bench/sandboxCreate.ts [--count N] [--pg URL]`: how long making a sandbox takes (POST
// /__admin/sandboxes's work: copy the demo template, mint its credentials, snapshot it for reset), reset and
// delete, on SQLite and on PostgreSQL (a fresh database; PostgreSQL on 127.0.0.1 by default). Target: under 250 ms
// per creation on both, so a suite can afford one sandbox per test file. The first creation also seeds the template
// (once per store) and is reported apart. Not part of npm test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openServices, type Services } from '../src/services.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const count = Number(opt('count', '30'));
const pgBase = opt('pg', 'postgres://postgres@127.0.0.1:5432');

const ms = (t0: number) => performance.now() - t0;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
};

async function measure(label: string, services: Services): Promise<void> {
  const { worlds } = services;
  let t0 = performance.now();
  const first = await worlds.create('demo', Date.now());
  console.log(`${label}: first creation (seeds the template) ${ms(t0).toFixed(1)} ms`);
  const creates: number[] = [];
  const ids = [first.id];
  for (let i = 0; i < count; i++) {
    t0 = performance.now();
    ids.push((await worlds.create('demo', Date.now())).id);
    creates.push(ms(t0));
  }
  const resets: number[] = [];
  for (const id of ids.slice(0, 10)) {
    const world = (await worlds.get(id))!;
    t0 = performance.now();
    await worlds.reset(world);
    resets.push(ms(t0));
  }
  const deletes: number[] = [];
  for (const id of ids) {
    t0 = performance.now();
    await worlds.delete(id);
    deletes.push(ms(t0));
  }
  console.log(`${label}: create ×${count}: ${stats(creates)} (target < 250 ms)`);
  console.log(`${label}: reset ×${resets.length}: ${stats(resets)}`);
  console.log(`${label}: delete ×${deletes.length}: ${stats(deletes)}`);
}

const env = { PORT: '0', HOST: '127.0.0.1', LIKES_API_DEMO: '0', LIKES_API_ADMIN_TOKEN: 'x'.repeat(40) };

const dir = mkdtempSync(join(tmpdir(), 'likes-sandbox-bench-'));
try {
  const sqlite = await openServices(loadConfig({ ...env, LIKES_API_DATA_DIR: dir }));
  try {
    await measure('SQLite', sqlite);
  } finally {
    await sqlite.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const db = `likes_sandbox_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: `${pgBase}/postgres` });
await admin.connect();
await admin.query(`CREATE DATABASE ${db}`);
try {
  const postgres = await openServices(
    loadConfig({ ...env, LIKES_API_DATA_DIR: dir, LIKES_API_DATABASE_URL: `${pgBase}/${db}`, LIKES_API_SECRET_KEY: 'ab'.repeat(32) }),
  );
  try {
    await measure('PostgreSQL', postgres);
  } finally {
    await postgres.close();
  }
} finally {
  await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
  await admin.end();
}
