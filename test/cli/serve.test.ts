// `likes-api serve` as `npm start` runs it: a real process, a fresh data dir, the start-up contract.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { likesCommand } from '../support/command.ts';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/likes-api.mjs');

interface Running {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

function envFor(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, LIKES_API_DATA_DIR: dataDir, LIKES_API_DATABASE_URL: '', LIKES_API_REDIS_URL: '', HOST: '127.0.0.1', ...extra };
}

/** Starts `likes-api serve` and waits for the address it prints; rejects if it exits first. */
function serve(dataDir: string, extra: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: envFor(dataDir, { PORT: '0', ...extra }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed within 30 s:\n${out}`)), 30_000);
    const onData = (b: Buffer) => {
      out += b;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, baseUrl: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b) => (out += b));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
}

async function healthy(baseUrl: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function stop(r: Running): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null) return resolve();
    r.child.once('exit', () => resolve());
    r.child.kill('SIGTERM');
  });
}

describe('likes-api serve', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'likes-serve-'));
  let first: Running;
  before(async () => {
    first = await serve(dataDir);
    assert.ok(await healthy(first.baseUrl), first.output());
  });
  after(async () => {
    await stop(first);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes demo-credentials.json in the documented shape before /healthz answers', async () => {
    const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
    assert.equal(creds.baseUrl, first.baseUrl);
    assert.match(creds.project.id, /^\d{1,19}$/);
    for (const k of ['id', 'consumerKey', 'consumerSecret', 'bearerToken', 'clientId', 'clientSecret']) assert.ok(creds.app[k], k);
    for (const k of ['id', 'consumerKey', 'consumerSecret', 'bearerToken']) assert.ok(creds.appWithoutProject[k], k);
    assert.ok(creds.users.length >= 5);
    // Added fields: the public-client App and each user's sign-in password.
    for (const k of ['id', 'clientId']) assert.ok(creds.publicApp[k], k);
    assert.notEqual(creds.publicApp.clientId, creds.app.clientId);
    assert.ok(creds.users.every((u: { password?: string }) => u.password === 'likes-api-demo'));
    // Added field: the control API's bearer token (/__admin/).
    assert.match(creds.adminToken, /^[A-Za-z0-9]{48}$/);
    // Secrets at rest: owner-only directory and files.
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const f of ['demo-credentials.json', 'likes.db', 'secret.key']) assert.equal(statSync(join(dataDir, f)).mode & 0o777, 0o600, f);
    for (const u of creds.users) {
      assert.ok(u.accessToken.startsWith(`${u.id}-`));
      for (const k of ['username', 'name', 'accessTokenSecret', 'oauth2AccessToken']) assert.ok(u[k], k);
      assert.equal(typeof u.protected, 'boolean');
    }
    assert.equal(creds.users[0].protected, false);
    assert.ok(creds.users.some((u: { protected: boolean }) => u.protected));
    assert.equal(creds.heavyLikerUserId, creds.users[0].id);
    assert.ok(creds.tweets.length >= 900);
    assert.ok(creds.deletedTweetIds.length > 0);
    const likers = await fetch(`${first.baseUrl}/2/tweets/${creds.popularTweetId}/liking_users`, {
      headers: { authorization: `Bearer ${creds.app.bearerToken}` },
    });
    assert.equal(likers.status, 200);
    assert.equal(((await likers.json()) as { meta: { result_count: number } }).meta.result_count, 100);
    const page = await fetch(`${first.baseUrl}/2/users/${creds.heavyLikerUserId}/liked_tweets?max_results=100`, {
      headers: { authorization: `Bearer ${creds.app.bearerToken}` },
    });
    assert.equal(((await page.json()) as { data: unknown[] }).data.length, 100);
  });

  it('prints a working curl line', () => {
    // The token is read from the credentials file when the line runs (start-up output carries no secret).
    assert.match(first.output(), /curl -s -H "Authorization: Bearer \$\(jq -r '\.app\.bearerToken' '[^']+'\)" 'http:\/\/127\.0\.0\.1:\d+\/2\/users\/\d+\/liked_tweets/);
  });

  it('prints where the developer portal is and who signs in there, the password read from the file', async () => {
    const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
    const m = /Developer portal: (http:\/\/127\.0\.0\.1:\d+\/portal) \(sign in as (\S+); password: \$\(jq -r '\.developer\.password' '[^']+'\)\)/.exec(first.output());
    assert.ok(m, first.output());
    assert.equal(m[2], creds.developer.username);
    assert.ok(!first.output().includes(creds.developer.password), 'the password is not printed');
    const res = await fetch(m[1]);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Sign in to the developer portal/);
  });

  it('prints no token or secret of demo-credentials.json, and its curl lines work once the file is read', async () => {
    const file = join(dataDir, 'demo-credentials.json');
    const creds = JSON.parse(readFileSync(file, 'utf8'));
    const secrets: string[] = [];
    const collect = (v: unknown, key = ''): void => {
      if (Array.isArray(v)) v.forEach((x) => collect(x, key));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, k);
      else if (typeof v === 'string' && /token|secret|key|clientid/i.test(key)) secrets.push(v);
    };
    collect(creds);
    assert.ok(secrets.length >= 20, `found only ${secrets.length} secrets to look for`);
    const out = first.output();
    for (const secret of secrets) assert.ok(!out.includes(secret), `start-up output contains a secret of ${file}`);

    const lines = out.split('\n').filter((l) => l.trim().startsWith('curl '));
    assert.equal(lines.length, 2, out);
    for (const line of lines) {
      // What the shell does with $(jq -r 'FIELD' 'FILE'), for the simple paths printed.
      const m = /^\s*curl -s -H "Authorization: Bearer \$\(jq -r '([^']+)' '([^']+)'\)" '([^']+)'$/.exec(line);
      assert.ok(m, line);
      assert.equal(m[2], file);
      const token = m[1].split(/\.|\[(\d+)\]/).filter(Boolean).reduce((o: any, k) => o[k], creds);
      assert.equal(typeof token, 'string', m[1]);
      const res = await fetch(m[3], { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, line);
    }
  });

  it('a second instance on the same address exits with a clear message and leaves the first alone', async () => {
    const before = readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8');
    const port = new URL(first.baseUrl).port;
    const second = spawnSync(process.execPath, [bin, 'serve'], { env: envFor(dataDir, { PORT: port }), encoding: 'utf8', timeout: 60_000 });
    assert.equal(second.status, 1);
    assert.match(second.stderr, /already in use/);
    assert.equal(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'), before);
    assert.ok(await healthy(first.baseUrl));
  });

  it('`likes-api demo-credentials` prints the credentials', () => {
    const r = spawnSync(process.execPath, [bin, 'demo-credentials'], { env: envFor(dataDir), encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).baseUrl, first.baseUrl);
  });
});

describe('how the command starts node', () => {
  const { env, flags, words } = likesCommand();

  it('runs as an executable with the environment of its first line and no V8 flags (they would make V8 compile Node\'s built-ins anew at every start)', async () => {
    assert.deepEqual(env, { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' }, `first line: ${words.join(' ')}`);
    assert.deepEqual(flags, [], `first line: ${words.join(' ')}`);
    const dataDir = mkdtempSync(join(tmpdir(), 'likes-serve-flags-'));
    const child = spawn(bin, ['serve'], { env: envFor(dataDir, { PORT: '0', LIKES_API_DEMO: '0' }), stdio: ['ignore', 'pipe', 'pipe'] });
    const running: Running = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b) => {
        out += b;
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) resolve({ child, baseUrl: m[1], output: () => out });
      });
      child.stderr!.on('data', (b) => (out += b));
      child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
    try {
      const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(!argv.some((a) => a.startsWith('--')), `the process runs as: ${argv.join(' ')}`);
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
      for (const [name, value] of Object.entries(env)) assert.ok(environ.includes(`${name}=${value}`), `with ${name}=${value} from its first line`);
      assert.equal((await fetch(`${running.baseUrl}/healthz`)).status, 200);
    } finally {
      await stop(running);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  /** The young generation's size (both halves) after `requests` liked_tweets pages, 16 at a time, on a demo server. */
  async function youngAfterLoad(env: Record<string, string>, requests: number): Promise<number> {
    const dataDir = mkdtempSync(join(tmpdir(), 'likes-serve-young-'));
    const running = await serve(dataDir, { LIKES_API_LIMITS: 'off', ...env });
    try {
      assert.ok(await healthy(running.baseUrl));
      const demo = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as { app: { bearerToken: string }; users: { id: string }[] };
      const headers = { authorization: `Bearer ${demo.app.bearerToken}` };
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < requests; i = next++) {
          const user = demo.users[i % demo.users.length].id;
          const res = await fetch(`${running.baseUrl}/2/users/${user}/liked_tweets?max_results=${5 + (i % 96)}&tweet.fields=public_metrics&expansions=author_id`, { headers });
          assert.equal(res.status, 200);
          await res.arrayBuffer();
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
      return Number(/^likes_api_nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics)?.[1]);
    } finally {
      await stop(running);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('holds V8\'s young generation on SQLite to the size it had once the code loaded, through the demo seed and requests (src/cli/memorySettings.ts)', async () => {
    // Without the setting, seeding the demo alone grows it to 16 MiB (two 8 MiB halves), and requests to 32.
    const young = await youngAfterLoad({}, 400);
    assert.ok(young > 0 && young <= 4 * 1024 * 1024, `young generation: ${young} bytes`);
  });

  it('with the response cache off, lets it grow to 8 MiB and no further (src/cli/memorySettings.ts)', async () => {
    const young = await youngAfterLoad({ LIKES_API_CACHE: 'off' }, 3000);
    assert.equal(young, 8 * 1024 * 1024);
  });

  it('README\'s Procfile starts PostgreSQL + Redis instances with the same environment', () => {
    const procfile = readFileSync(join(root, 'README.md'), 'utf8').split('\n').filter((l) => /^web\d+: /.test(l));
    assert.ok(procfile.length >= 2, 'the README shows a Procfile of several instances');
    for (const line of procfile) assert.ok(line.endsWith(` ${words.join(' ')} bin/likes-api.mjs serve`), line);
  });

  it('npm start passes the same environment', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(scripts.start, `${words.join(' ')} bin/likes-api.mjs serve`);
  });
});

describe('likes-api serve on an existing store', () => {
  it('keeps likes and credentials across a restart, without reseeding; reset goes back to the seed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'likes-restart-'));
    try {
      const a = await serve(dataDir);
      assert.ok(await healthy(a.baseUrl));
      const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
      const user = creds.users[1];
      const tweet = creds.tweets[42].id;
      const liked = await fetch(`${a.baseUrl}/2/users/${user.id}/likes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.oauth2AccessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tweet_id: tweet }),
      });
      assert.equal(liked.status, 200);
      await stop(a);

      const b = await serve(dataDir);
      assert.ok(await healthy(b.baseUrl));
      const again = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
      assert.equal(again.app.bearerToken, creds.app.bearerToken);
      assert.equal(again.baseUrl, b.baseUrl);
      const page = await fetch(`${b.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, {
        headers: { authorization: `Bearer ${user.oauth2AccessToken}` },
      });
      const body = (await page.json()) as { data: { id: string }[] };
      assert.equal(body.data[0].id, tweet, 'the like made before the restart is the newest');

      // The demo world was saved as seeded: resetting it takes the like away and keeps the credentials working.
      const reset = await fetch(`${b.baseUrl}/__admin/sandboxes/default/reset`, { method: 'POST', headers: { authorization: `Bearer ${again.adminToken}` } });
      assert.equal(reset.status, 200, await reset.clone().text());
      const after = await fetch(`${b.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, {
        headers: { authorization: `Bearer ${user.oauth2AccessToken}` },
      });
      assert.equal(after.status, 200);
      assert.notEqual(((await after.json()) as { data: { id: string }[] }).data[0].id, tweet, 'the like is gone with the reset');
      await stop(b);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('invalid settings', () => {
  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['LIKES_API_DATABASE_URL', 'mysql://localhost/x'],
    ['LIKES_API_LIMITS', 'maybe'],
    ['LIKES_API_LOG', 'loud'],
    ['LIKES_API_METRICS', 'maybe'],
  ]) {
    it(`${name}=${value} stops start-up with one line naming it`, () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'likes-bad-'));
      try {
        const r = spawnSync(process.execPath, [bin, 'serve'], { env: envFor(dataDir, { [name]: value }), encoding: 'utf8', timeout: 30_000 });
        assert.equal(r.status, 2);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], new RegExp(`^likes-api: ${name}`));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});

describe('a secret key that does not open the store', () => {
  it('stops start-up with one line instead of serving 500s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'likes-key-'));
    try {
      const a = await serve(dataDir, { LIKES_API_SECRET_KEY: 'a'.repeat(64) });
      assert.ok(await healthy(a.baseUrl));
      await stop(a);
      const r = spawnSync(process.execPath, [bin, 'serve'], {
        env: envFor(dataDir, { PORT: '0', LIKES_API_SECRET_KEY: 'b'.repeat(64) }),
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(r.status, 2);
      assert.match(r.stderr.trim(), /^likes-api: LIKES_API_SECRET_KEY does not match/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
