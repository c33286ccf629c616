// `likes-api sandbox list|import-likes|export-likes` as the real command (needs `npm run build`), on a temp data dir:
// the --json report, a re-import that changes nothing, an export the importer reads back, and one-line usage and
// operation errors.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatEntry } from '../../src/domain/archive/likeArchive.ts';
import { runCli, tempDir, type CliRun } from '../support/processes.ts';

const dir = tempDir('sandbox-cli');
after(() => dir.remove());

function ok(run: CliRun): CliRun {
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
  return run;
}

function oneLineError(run: CliRun, code: number, includes: string): void {
  assert.equal(run.code, code, `expected exit ${code}, got ${run.code}: ${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^likes-api sandbox [^\n]+\n$/);
  assert.ok(run.stderr.includes(includes), run.stderr);
}

describe('likes-api sandbox', () => {
  let alice = '';
  let bob = '';
  const archive = join(dir.path, 'like.js');

  before(async () => {
    alice = JSON.parse(ok(await runCli(dir.path, ['user', 'create', '--username', 'alice', '--name', 'Alice', '--json'])).stdout).id;
    bob = JSON.parse(ok(await runCli(dir.path, ['user', 'create', '--username', 'bob', '--name', 'Bob', '--json'])).stdout).id;
    const entries = [
      formatEntry({ tweetId: '1790000000000000009', fullText: 'café "quoted" 😀', expandedUrl: 'https://twitter.com/i/web/status/1790000000000000009' }),
      '  { "like" : { "tweetId" : "not-an-id" } }',
      formatEntry({ tweetId: '1790000000000000001' }),
    ];
    writeFileSync(archive, `window.YTD.like.part0 = [\n${entries.join(',\n')}\n]`);
  });

  it('lists the one sandbox there is, default (the store itself), as JSON and as a table', async () => {
    const run = ok(await runCli(dir.path, ['sandbox', 'list', '--json']));
    assert.deepEqual(JSON.parse(run.stdout), { data: [{ id: 'default', default: true, seed: 'none', store: 'sqlite', created_at: null, snapshots: [] }] });
    const human = ok(await runCli(dir.path, ['sandbox', 'list']));
    assert.match(human.stdout, /^ID\s+DEFAULT\s+SEED\s+STORE\s+CREATED\s+SNAPSHOTS\ndefault\s+yes\s+none\s+sqlite\s+-\s+-\n$/);
  });

  it('imports an archive and reports it as JSON; a second import changes nothing', async () => {
    const run = ok(await runCli(dir.path, ['sandbox', 'import-likes', archive, '--user', alice, '--sandbox', 'default', '--json']));
    const report = JSON.parse(run.stdout);
    assert.equal(report.author.username, 'x_archive');
    assert.deepEqual({ ...report, author: undefined }, {
      userId: alice, author: undefined, entries: 3, imported: 2, alreadyLiked: 0, tweetsCreated: 2, skippedCount: 1,
      skipped: [{ index: 1, line: 9, tweetId: 'not-an-id', reason: 'tweetId is not an id of 1 to 19 digits' }],
    });
    const again = JSON.parse(ok(await runCli(dir.path, ['sandbox', 'import-likes', archive, '--user', alice, '--json'])).stdout);
    assert.deepEqual(again, { ...report, imported: 0, alreadyLiked: 2, tweetsCreated: 0 });
    const human = ok(await runCli(dir.path, ['sandbox', 'import-likes', archive, '--user', alice]));
    assert.match(human.stdout, /Already liked:\s+2/);
    assert.match(human.stdout, /entry 1 \(line 9\) tweetId not-an-id: tweetId is not an id/);
  });

  it('exports the likes to a file and to stdout, in a form the import reads back', async () => {
    const out = join(dir.path, 'export.js');
    const run = ok(await runCli(dir.path, ['sandbox', 'export-likes', '--user', alice, '--out', out, '--json']));
    assert.deepEqual(JSON.parse(run.stdout), { userId: alice, exported: 2, out });
    const text = readFileSync(out, 'utf8');
    assert.ok(text.includes('"fullText" : "café \\"quoted\\" 😀"'));
    const piped = ok(await runCli(dir.path, ['sandbox', 'export-likes', '--user', alice]));
    assert.equal(piped.stdout, text);
    assert.match(piped.stderr, /Exported 2 likes/);
    const report = JSON.parse(ok(await runCli(dir.path, ['sandbox', 'import-likes', out, '--user', bob, '--json'])).stdout);
    assert.equal(report.imported, 2);
    assert.equal(report.tweetsCreated, 0);
    const bobs = ok(await runCli(dir.path, ['sandbox', 'export-likes', '--user', bob]));
    assert.equal(bobs.stdout, text);
  });

  it('refuses a wrong command line (exit 2) and a failed operation (exit 1) in one line', async () => {
    oneLineError(await runCli(dir.path, ['sandbox', 'import-likes', archive, '--user', alice, '--sandbox', 'other']), 1, 'no sandbox "other"');
    oneLineError(await runCli(dir.path, ['sandbox', 'export-likes', '--user', alice, '--sandbox', 'sb0000000000']), 1, 'no sandbox "sb0000000000"');
    oneLineError(await runCli(dir.path, ['sandbox', 'import-likes', archive]), 2, 'missing --user');
    oneLineError(await runCli(dir.path, ['sandbox', 'import-likes', '--user', alice]), 2, 'missing FILE');
    oneLineError(await runCli(dir.path, ['sandbox', 'import-likes', archive, '--user', 'abc']), 2, '--user must be an id');
    oneLineError(await runCli(dir.path, ['sandbox', 'import-likes', join(dir.path, 'nope.js'), '--user', alice]), 1, 'ENOENT');
    oneLineError(await runCli(dir.path, ['sandbox', 'export-likes', '--user', '42']), 1, 'no user with id 42');
    const wrong = join(dir.path, 'tweets.js');
    writeFileSync(wrong, 'window.YTD.tweets.part0 = []');
    const run = await runCli(dir.path, ['sandbox', 'import-likes', wrong, '--user', alice]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /not an X like archive/);
  });
});
