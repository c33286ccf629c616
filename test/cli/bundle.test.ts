// The built command's bundle (dist/, made by `npm run build`, which pretest runs): ASCII only, so that V8 holds each
// file's source in one byte a character (one non-ASCII character in a comment or a template literal made it hold the
// serve bundle as UTF-16: 2 MiB more heap), and the characters the portal's pages write still reach the browser.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { signedIn, portalRequest } from '../support/portalClient.ts';
import { ROOT, runCli, startInstance, stopAll, tempDir } from '../support/processes.ts';

const dist = join(ROOT, 'dist');

describe('the built bundle', () => {
  after(stopAll);

  it('is ASCII in every file node loads', () => {
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    assert.ok(files.length > 10, `dist/ holds the bundle: ${files.join(', ')}`);
    for (const file of files) {
      const bytes = readFileSync(join(dist, file));
      const at = bytes.findIndex((b) => b > 0x7f);
      assert.equal(at, -1, `${file}: a non-ASCII byte at ${at}: …${bytes.subarray(Math.max(0, at - 40), at + 10).toString()}…`);
    }
  });

  it('requires Node\'s built-ins and the CommonJS packages outside it rather than importing them, and leaves out what Fastify requires only on use', () => {
    // scripts/build.mjs: an ES import of a built-in builds a facade of all its exports (2-4 ms each at start-up), and
    // Ajv, fast-json-stringify and light-my-request were ~600 kB that V8 parsed on every start.
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    let required = 0;
    for (const file of files) {
      const text = readFileSync(join(dist, file), 'utf8');
      const imports = text.match(/^import .* from "(node:[^"]+|better-sqlite3|pg|pg-copy-streams|ioredis)";$/gm);
      assert.equal(imports, null, `${file}: ${imports?.join(' | ')}`);
      required += (text.match(/^const .* = require\("node:[^"]+"\);$/gm) ?? []).length;
      for (const left of ['node_modules/ajv/dist/ajv.js', 'node_modules/fast-json-stringify/index.js', 'node_modules/light-my-request/index.js']) {
        assert.ok(!text.includes(`// ${left}`), `${file} bundles ${left}`);
      }
    }
    assert.ok(required > 10, `the sources' imports of built-ins became requires (${required})`);
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
