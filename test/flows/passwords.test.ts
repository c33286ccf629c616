// Sign-in passwords and registered callbacks: scrypt hashing, the LikesStore password methods on SQLite and
// PostgreSQL, the callback matching rule (loopback on any port), and the admin CLI options that set them
// (`user create|set --password`, repeatable `app set --callback`), checked end to end by signing in on a server
// that serves the same data directory. PostgreSQL comes from LIKES_API_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test): that part FAILS without it.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { callbackAllowed, callbackUrlProblem, hashPassword, verifyPassword } from '../../src/auth/flows/index.ts';
import type { LikesStore } from '../../src/ports/store.ts';
import { runCli as cli } from '../support/processes.ts';
import { startTestServer } from '../support/harness.ts';
import { createDatabase } from '../support/postgres.ts';

describe('password hashing', () => {
  it('hashes with scrypt and a fresh salt, and verifies', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct horse', b), true);
    assert.equal(await verifyPassword('Correct horse', a), false);
    assert.equal(await verifyPassword('', a), false);
    assert.equal(await verifyPassword('x'.repeat(5000), a), false);
    assert.equal(await verifyPassword('correct horse', null), false, 'no stored hash never matches');
    assert.equal(await verifyPassword('correct horse', 'scrypt$1$1$1$AA$AA'), false, 'a malformed hash never matches');
    await assert.rejects(hashPassword(''));
  });
});

describe('callback URLs', () => {
  const registered = ['http://127.0.0.1/callback', 'http://localhost/callback', 'https://app.example/cb', 'myapp://oauth'];
  it('match exactly, or on any port for http loopback hosts', () => {
    for (const ok of ['http://127.0.0.1/callback', 'http://127.0.0.1:1/callback', 'http://localhost:65535/callback', 'https://app.example/cb', 'myapp://oauth']) {
      assert.equal(callbackAllowed(registered, ok), true, ok);
    }
    for (const no of [
      'https://127.0.0.1:8443/callback', 'http://127.0.0.1/callback/', 'http://127.0.0.1/callback?x=1', 'https://app.example/cb/',
      'https://app.example:444/cb', 'http://app.example/cb', 'https://app.example/cb#frag', 'http://127.0.0.2/callback', 'http://[::1]/callback',
    ]) {
      assert.equal(callbackAllowed(registered, no), false, no);
    }
  });
  it('refuses what cannot be registered', () => {
    for (const bad of ['', 'not a url', '/relative', 'https://a.example/#x', 'javascript:alert(1)', 'https://a.example/ cb']) {
      assert.ok(callbackUrlProblem(bad), bad);
    }
    assert.equal(callbackUrlProblem('http://127.0.0.1/callback'), null);
  });
});

function passwordContract(name: string, open: () => Promise<{ store: LikesStore; cleanup(): Promise<void> }>) {
  it(`${name}: setUserPassword / userPasswordHash`, async () => {
    const { store, cleanup } = await open();
    try {
      await store.migrate();
      assert.equal(await store.userPasswordHash('1'), null);
      await store.setUserPassword('1', 'scrypt$first');
      await store.setUserPassword('2', 'scrypt$other');
      assert.equal(await store.userPasswordHash('1'), 'scrypt$first');
      await store.setUserPassword('1', 'scrypt$second');
      assert.equal(await store.userPasswordHash('1'), 'scrypt$second');
      await store.setUserPassword('1', null);
      assert.equal(await store.userPasswordHash('1'), null);
      assert.equal(await store.userPasswordHash('2'), 'scrypt$other');
      await store.setUserPassword('3', null);
      await store.migrate();
      assert.equal(await store.userPasswordHash('2'), 'scrypt$other', 'migrating again keeps the data');
    } finally {
      await cleanup();
    }
  });
}

describe('LikesStore passwords', () => {
  passwordContract('SqliteStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'likes-pw-'));
    const store = new SqliteStore(join(dir, 'likes.db'));
    return {
      store,
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });

  passwordContract('PostgresStore', async () => {
    const db = await createDatabase('pw');
    const store = new PostgresStore(db.url, { max: 2 });
    return {
      store,
      async cleanup() {
        await store.close();
        await db.drop();
      },
    };
  });
});


async function cliJson(dir: string, args: readonly string[]): Promise<any> {
  const run = await cli(dir, [...args, '--json']);
  assert.equal(run.code, 0, `likes-api ${args.join(' ')}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe('admin CLI: --password and --callback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'likes-pwcli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a user and App made with the CLI can complete the PKCE flow on a server of the same data dir', async () => {
    const project = await cliJson(dir, ['project', 'create', '--name', 'P']);
    const app = await cliJson(dir, ['app', 'create', '--name', 'Cli App', '--project', project.id]);
    const user = await cliJson(dir, ['user', 'create', '--username', 'cli_user', '--name', 'Cli User', '--password', 'first-pass']);
    assert.equal(user.passwordSet, true);
    const plain = await cliJson(dir, ['user', 'create', '--username', 'no_pass', '--name', 'No Pass']);
    assert.equal(plain.passwordSet, false);

    const set = await cliJson(dir, ['app', 'set', app.app.id, '--callback', 'https://cli.example/cb', '--callback=http://127.0.0.1/cb']);
    assert.deepEqual(set.callbacks, ['https://cli.example/cb', 'http://127.0.0.1/cb']);
    assert.deepEqual((await cliJson(dir, ['app', 'show', app.app.id])).callbacks, ['https://cli.example/cb', 'http://127.0.0.1/cb']);
    const human = await cli(dir, ['app', 'show', app.app.id]);
    assert.match(human.stdout, /Callback URLs:\n {2}https:\/\/cli\.example\/cb\n {2}http:\/\/127\.0\.0\.1\/cb/);
    const bad = await cli(dir, ['app', 'set', app.app.id, '--callback', 'not a url']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--callback: a callback URL must not contain spaces/);
    assert.equal((await cli(dir, ['user', 'set', user.id, '--password', ''])).code, 2);

    const server = await startTestServer({ env: { LIKES_API_DATA_DIR: dir }, demo: false });
    try {
      const authorize = async (password: string, redirect = 'http://127.0.0.1:4567/cb') => {
        const verifier = randomBytes(32).toString('base64url');
        const url = new URL('/i/oauth2/authorize', server.baseUrl);
        url.search = new URLSearchParams({
          response_type: 'code', client_id: app.clientId, redirect_uri: redirect, scope: 'tweet.read users.read like.read', state: 's',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
        }).toString();
        const first = await fetch(url, { redirect: 'manual' });
        if (first.status !== 200) return { status: first.status, page: await first.text() };
        const html = await first.text();
        assert.match(html, /Cli App/);
        const fields: Record<string, string> = {};
        for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = m[2];
        const res = await fetch(`${server.baseUrl}/i/oauth2/authorize`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: /likes_api_flow=[A-Za-z0-9]+/.exec(first.headers.get('set-cookie')!)![0] },
          body: new URLSearchParams({ ...fields, username: '@cli_user', password, action: 'signin' }).toString(),
        });
        return { status: res.status, page: await res.text() };
      };
      assert.equal((await authorize('first-pass')).status, 200);
      assert.equal((await authorize('first-pass', 'https://cli.example/cb')).status, 200);
      assert.equal((await authorize('first-pass', 'https://other.example/cb')).status, 400);

      const changed = await cliJson(dir, ['user', 'set', user.id, '--password', 'second-pass']);
      assert.equal(changed.passwordSet, true);
      assert.equal((await authorize('first-pass')).status, 401);
      const ok = await authorize('second-pass');
      assert.equal(ok.status, 200);
      assert.match(ok.page, /Authorize Cli App to:/);

      const cleared = await cliJson(dir, ['app', 'set', app.app.id, '--callback', 'none']);
      assert.deepEqual(cleared.callbacks, []);
      assert.equal((await authorize('second-pass')).status, 400);
    } finally {
      await server.close();
    }
  });
});
