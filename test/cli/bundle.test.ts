// The built command's bundle (dist/, made by `npm run build`, which pretest runs): ASCII only, so that V8 holds the
// source in one byte a character (one non-ASCII character in a comment or a template literal made it hold the serve
// bundle as UTF-16: 2 MiB more heap), and the characters the portal's pages write still reach the browser; compiled
// with the V8 code cache the build recorded, and without it when the cache does not fit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { signedIn, portalRequest } from '../support/portalClient.ts';
import { ROOT, runCli, startInstance, stopAll, tempDir } from '../support/processes.ts';

const dist = join(ROOT, 'dist');
const bundle = join(dist, 'likes-api.cjs');

/** `likes-api --help` of the command in `root`, under `nodeFlags`, telling how it compiled the bundle. */
function helpWithTrace(root: string, nodeFlags: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...nodeFlags, join(root, 'bin', 'likes-api.mjs'), '--help'], {
    env: { ...process.env, LIKES_API_CODE_CACHE_TRACE: '1' },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the built bundle', () => {
  after(stopAll);

  it('is one ASCII file', () => {
    const bytes = readFileSync(bundle);
    const at = bytes.findIndex((b) => b > 0x7f);
    assert.equal(at, -1, `a non-ASCII byte at ${at}: …${bytes.subarray(Math.max(0, at - 40), at + 10).toString()}…`);
  });

  it('leaves out what Fastify requires only on use, and requires the native and PostgreSQL packages from node_modules', () => {
    // Ajv, fast-json-stringify and light-my-request were ~600 kB that V8 parsed on every start (scripts/build.mjs).
    const text = readFileSync(bundle, 'utf8');
    for (const left of ['node_modules/ajv/dist/ajv.js', 'node_modules/fast-json-stringify/index.js', 'node_modules/light-my-request/index.js']) {
      assert.ok(!text.includes(`// ${left}`), `the bundle holds ${left}`);
    }
    for (const outside of ['better-sqlite3', 'pg', 'ioredis']) assert.ok(text.includes(`require("${outside}")`), `${outside} is required, not bundled`);
  });

  it('compiles with the code cache the build recorded', () => {
    const run = helpWithTrace(ROOT);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /likes-api: code cache used/);
    assert.match(run.stdout, /Usage: likes-api <command>/);
  });

  it('compiles without the cache when it was made for another bundle, is damaged or was made under other V8 flags, and runs the same', () => {
    const copy = tempDir('bundle-copy');
    try {
      mkdirSync(join(copy.path, 'bin'));
      cpSync(join(ROOT, 'bin', 'likes-api.mjs'), join(copy.path, 'bin', 'likes-api.mjs'));
      cpSync(dist, join(copy.path, 'dist'), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(copy.path, 'package.json'));
      symlinkSync(join(ROOT, 'node_modules'), join(copy.path, 'node_modules'));
      // Under a V8 flag V8 itself refuses the cache (it carries a hash of the flags it was made under).
      const flagged = helpWithTrace(copy.path, ['--stack-size=2000']);
      assert.equal(flagged.status, 0, flagged.stderr);
      assert.match(flagged.stderr, /likes-api: code cache rejected by V8/);
      assert.match(flagged.stdout, /Usage: likes-api <command>/);
      // V8's data with one byte changed: V8 would take it as it is (its release builds check no checksum); the data's
      // digest does not, and the command compiles without it.
      const cacheCopy = join(copy.path, 'dist', 'likes-api.cache');
      const whole = readFileSync(cacheCopy);
      const damaged = Buffer.from(whole);
      damaged[damaged.length >> 1] ^= 0xff;
      writeFileSync(cacheCopy, damaged);
      const hurt = helpWithTrace(copy.path);
      assert.equal(hurt.status, 0, hurt.stderr);
      assert.match(hurt.stderr, /likes-api: code cache damaged/);
      assert.match(hurt.stdout, /Usage: likes-api <command>/);
      writeFileSync(cacheCopy, whole);
      assert.match(helpWithTrace(copy.path).stderr, /likes-api: code cache used/);
      // The same length with one character changed: V8 would not notice (it compares lengths); the digest does.
      const copied = join(copy.path, 'dist', 'likes-api.cjs');
      const text = readFileSync(copied, 'utf8');
      const at = text.indexOf('Usage: likes-api <command>');
      writeFileSync(copied, `${text.slice(0, at)}Usage: likes-api [command]${text.slice(at + 'Usage: likes-api <command>'.length)}`);
      const edited = helpWithTrace(copy.path);
      assert.equal(edited.status, 0, edited.stderr);
      assert.match(edited.stderr, /likes-api: code cache made for another bundle/);
      assert.match(edited.stdout, /Usage: likes-api \[command\]/);
      // No cache at all.
      rmSync(join(copy.path, 'dist', 'likes-api.cache'));
      const none = helpWithTrace(copy.path);
      assert.equal(none.status, 0, none.stderr);
      assert.match(none.stderr, /likes-api: code cache absent/);
    } finally {
      copy.remove();
    }
  });

  it('still writes the pages\' non-ASCII characters (escaped in the bundle, as they were in the sources)', async () => {
    const dir = tempDir('bundle');
    try {
      const made = await runCli(dir.path, ['developer', 'create', '--username', 'ascii.dev', '--password', 'correct horse battery']);
      assert.equal(made.code, 0, made.stderr);
      const project = await runCli(dir.path, ['project', 'create', '--name', 'Owned', '--owner', 'ascii.dev', '--json']);
      assert.equal(project.code, 0, project.stderr);
      const server = await startInstance({ name: 'bundle', dataDir: dir.path, env: { LIKES_API_DEMO: '0', LIKES_API_LOG: '0' } });
      const browser = await signedIn(server.baseUrl, 'ascii.dev', 'correct horse battery');
      const page = await portalRequest(server.baseUrl, browser, 'GET', '/portal');
      assert.equal(page.status, 200);
      // src/http/portal/pages/dashboard.ts: "Project <id> · <tier> tier · monthly Tweet cap …"
      assert.match(page.body, /Project \d+ \u00b7 \w+ tier \u00b7 monthly Tweet cap/);
    } finally {
      await stopAll();
      dir.remove();
    }
  });
});
