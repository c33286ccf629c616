// Secrets at rest: the data directory and the SQLite files are for the owner only (whatever the umask), the
// generated sealing key lives in its own 0600 file and never in the database, the store's copy of the demo
// credentials is sealed, an older store is migrated to that, and a key that cannot open the store stops start-up.
// PostgreSQL, whose instances share no disk: LIKES_API_SECRET_KEY is required unless the demo is on, in which case the
// key stays in the store with a warning. Needs PostgreSQL (LIKES_API_TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { SecretSealer } from '../../src/auth/secrets.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ensureDemo, storedDemoCredentials, type DemoCredentials } from '../../src/demo/demoSeed.ts';
import { PG_KEY_IN_STORE_WARNING, SECRET_KEY_FILE, openServices } from '../../src/services.ts';
import { createDatabase, type TestDatabase } from '../support/postgres.ts';

const tmp = mkdtempSync(join(tmpdir(), 'likes-secrets-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

/** Every byte the database keeps on disk: the file and its WAL. */
function storeBytes(dir: string): Buffer {
  return Buffer.concat(['likes.db', 'likes.db-wal'].filter((f) => existsSync(join(dir, f))).map((f) => readFileSync(join(dir, f))));
}

/** Every secret the demo document hands out in plaintext. */
function plaintextSecrets(doc: DemoCredentials): string[] {
  return [
    doc.app.consumerSecret, doc.app.clientSecret, doc.app.bearerToken, doc.appWithoutProject.consumerSecret,
    doc.appWithoutProject.bearerToken, ...doc.users.flatMap((u) => [u.accessTokenSecret, u.oauth2AccessToken]),
  ];
}

/** Runs `fn` under `mask`, so modes that depend on the umask would show. */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

describe('secrets at rest with SQLite', () => {
  it('creates the data directory 0700 and the database files and key file 0600, whatever the umask', async () => {
    const dataDir = join(tmp, 'fresh', 'data');
    const services = await withUmask(0, () => openServices(loadConfig({ LIKES_API_DATA_DIR: dataDir })));
    try {
      await ensureDemo(services, randomUUID());
      assert.equal(mode(dataDir), 0o700);
      for (const f of ['likes.db', 'likes.db-wal', 'likes.db-shm', SECRET_KEY_FILE]) {
        assert.ok(existsSync(join(dataDir, f)), f);
        assert.equal(mode(join(dataDir, f)), 0o600, f);
      }
      assert.match(readFileSync(join(dataDir, SECRET_KEY_FILE), 'utf8'), /^[0-9a-f]{64}\n$/);
    } finally {
      await services.close();
    }
  });

  it('keeps neither the key nor a demo secret readable in the database', async () => {
    const dataDir = join(tmp, 'readable');
    const services = await openServices(loadConfig({ LIKES_API_DATA_DIR: dataDir }));
    let doc: DemoCredentials;
    try {
      doc = (await ensureDemo(services, randomUUID()))!;
      assert.equal(await services.store.getMeta('secret-key'), null);
      const stored = (await services.store.getMeta('demo-credentials'))!;
      assert.match(stored, /^v1\./, 'the stored copy is sealed');
      assert.deepEqual(await storedDemoCredentials(services), doc);
    } finally {
      await services.close();
    }
    const key = readFileSync(join(dataDir, SECRET_KEY_FILE), 'utf8').trim();
    const bytes = storeBytes(dataDir);
    assert.ok(bytes.length > 100_000);
    for (const secret of [key, ...plaintextSecrets(doc)]) assert.equal(bytes.indexOf(secret), -1, `${secret.slice(0, 8)}… is in the database file`);
    // The demo's users, Apps' names and ids are not secrets: still there.
    assert.notEqual(bytes.indexOf(doc.users[0].username), -1);
  });

  it('migrates an older store: key moved out of meta into the file, demo credentials sealed, modes tightened', async () => {
    const dataDir = join(tmp, 'older');
    // What an older version left: key and plaintext credentials in meta, world-readable files.
    const key = SecretSealer.newKeyHex();
    const old = new SqliteStore(join(dataDir, 'likes.db'));
    await old.migrate();
    await old.setMeta('secret-key', key);
    await old.setMeta('secret-key-canary', new SecretSealer(key).seal('likes-api'));
    const legacyDoc = { baseUrl: '', note: `plaintext-${randomUUID()}` };
    await old.setMeta('demo-credentials', JSON.stringify(legacyDoc));
    await old.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'likes.db'), 0o644);

    const services = await openServices(loadConfig({ LIKES_API_DATA_DIR: dataDir }));
    try {
      assert.equal(readFileSync(join(dataDir, SECRET_KEY_FILE), 'utf8').trim(), key);
      assert.equal(await services.store.getMeta('secret-key'), null);
      assert.equal(services.sealer.open(services.sealer.seal('x')), 'x');
      assert.deepEqual(await storedDemoCredentials(services), legacyDoc);
      const resealed = (await services.store.getMeta('demo-credentials'))!;
      assert.match(resealed, /^v1\./);
      assert.equal(new SecretSealer(key).open(resealed), JSON.stringify(legacyDoc));
      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(join(dataDir, 'likes.db')), 0o600);
      assert.deepEqual(services.warnings, []);
    } finally {
      await services.close();
    }
    // Neither the moved key nor the resealed plaintext lingers in the file's free space.
    for (const gone of [key, legacyDoc.note]) assert.equal(storeBytes(dataDir).indexOf(gone), -1, gone);
  });

  it('refuses to start with a key that cannot open the store, and makes no key of its own for a store sealed with LIKES_API_SECRET_KEY', async () => {
    const dataDir = join(tmp, 'mismatch');
    const first = await openServices(loadConfig({ LIKES_API_DATA_DIR: dataDir }));
    await first.close();
    const other = SecretSealer.newKeyHex();
    await assert.rejects(openServices(loadConfig({ LIKES_API_DATA_DIR: dataDir, LIKES_API_SECRET_KEY: other })), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^LIKES_API_SECRET_KEY does not match/);
      return true;
    });
    // A secret.key replaced by another key is refused too.
    writeFileSync(join(dataDir, SECRET_KEY_FILE), `${other}\n`);
    await assert.rejects(openServices(loadConfig({ LIKES_API_DATA_DIR: dataDir })), ConfigError);

    const envDir = join(tmp, 'env-key');
    const sealedWithEnv = await openServices(loadConfig({ LIKES_API_DATA_DIR: envDir, LIKES_API_SECRET_KEY: other }));
    await sealedWithEnv.close();
    assert.ok(!existsSync(join(envDir, SECRET_KEY_FILE)), 'a key from the environment is not written to disk');
    await assert.rejects(openServices(loadConfig({ LIKES_API_DATA_DIR: envDir })), /sealed with LIKES_API_SECRET_KEY/);
    assert.ok(!existsSync(join(envDir, SECRET_KEY_FILE)), 'no new key was made for a store sealed with another');
  });
});

describe('secrets at rest with PostgreSQL', () => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });
  const pgConfig = async (env: Record<string, string>) => {
    const db = await createDatabase('secrets_test');
    dbs.push(db);
    return { db, env: { LIKES_API_DATA_DIR: join(tmp, db.name), LIKES_API_DATABASE_URL: db.url, ...env } };
  };

  it('requires LIKES_API_SECRET_KEY when the demo is off', async () => {
    const { env } = await pgConfig({ LIKES_API_DEMO: '0' });
    await assert.rejects(openServices(loadConfig(env)), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^LIKES_API_SECRET_KEY is required with PostgreSQL/);
      return true;
    });
    const key = SecretSealer.newKeyHex();
    const services = await openServices(loadConfig({ ...env, LIKES_API_SECRET_KEY: key }));
    try {
      assert.deepEqual(services.warnings, []);
      assert.equal(await services.store.getMeta('secret-key'), null);
    } finally {
      await services.close();
    }
  });

  it('keeps the key in the store for the demo, says so, and every instance seals alike', async () => {
    const { db, env } = await pgConfig({ LIKES_API_DEMO: '1' });
    const a = await openServices(loadConfig(env));
    const b = await openServices(loadConfig({ ...env, LIKES_API_DATA_DIR: join(tmp, `${db.name}-b`) }));
    try {
      assert.deepEqual(a.warnings, [PG_KEY_IN_STORE_WARNING]);
      assert.match(a.warnings[0], /anyone who can read the database can open them/);
      const [docA, docB] = await Promise.all([ensureDemo(a, randomUUID()), ensureDemo(b, randomUUID())]);
      assert.deepEqual(docA, docB);
      const rows = await db.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'demo-credentials'`);
      assert.match(rows[0].value, /^v1\./);
      for (const secret of plaintextSecrets(docA!)) assert.ok(!rows[0].value.includes(secret));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
