// `likes-api developer create|list|set` (its X account: `--user`) and `project create|set --owner`, run as the real
// command on a temp data dir.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, type CliRun } from '../support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'likes-cli-developer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function json<T = any>(args: readonly string[]): Promise<T> {
  const run = await runCli(dir, [...args, '--json']);
  assert.equal(run.code, 0, `likes-api ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

function refused(run: CliRun, code: number, includes: string): void {
  assert.equal(run.code, code, `exit ${run.code}: ${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.ok(run.stderr.includes(includes), run.stderr);
}

describe('likes-api developer', () => {
  it('creates developers (a generated password shown once), refuses a taken or bad username, and lists them', async () => {
    const given = await json(['developer', 'create', '--username', 'ada.dev', '--password', 'correct horse battery']);
    assert.equal(given.username, 'ada.dev');
    assert.equal(given.password, undefined, 'a password the operator chose is not printed back');
    const generated = await json(['developer', 'create', '--username', 'grace_dev']);
    assert.match(generated.password, /^[A-Za-z0-9]{24}$/);
    refused(await runCli(dir, ['developer', 'create', '--username', 'ADA.DEV']), 1, 'is taken');
    refused(await runCli(dir, ['developer', 'create', '--username', 'no spaces']), 2, '--username');
    const listed = await json(['developer', 'list']);
    const names = listed.developers.map((d: { username: string }) => d.username);
    assert.ok(names.includes('ada.dev') && names.includes('grace_dev'), names.join(','));
    assert.equal(listed.developers.find((d: { username: string }) => d.username === 'ada.dev').projects, 0);
  });

  it('gives a Project an owner, changes it and takes it away', async () => {
    const made = await json(['project', 'create', '--name', 'Owned', '--owner', 'ada.dev']);
    const ada = (await json(['developer', 'list'])).developers.find((d: { username: string }) => d.username === 'ada.dev');
    assert.equal(made.developerId, ada.id);
    const id = made.id;
    const moved = await json(['project', 'set', id, '--owner', 'grace_dev']);
    const grace = (await json(['developer', 'list'])).developers.find((d: { username: string }) => d.username === 'grace_dev');
    assert.equal(moved.developerId, grace.id);
    assert.equal((await json(['developer', 'list'])).developers.find((d: { username: string }) => d.username === 'grace_dev').projects, 1);
    const cleared = await json(['project', 'set', id, '--owner', 'none']);
    assert.equal(cleared.developerId, null);
    refused(await runCli(dir, ['project', 'set', id, '--owner', 'nobody_here']), 1, 'nobody_here');
  });
});

describe('likes-api developer --user', () => {
  it('links a developer to its X account by id or @username at creation or later, one developer per user, and unlinks it', async () => {
    const ada = await json(['user', 'create', '--username', 'ada_x', '--name', 'Ada']);
    const bob = await json(['user', 'create', '--username', 'bob_x', '--name', 'Bob']);
    const linked = await json(['developer', 'create', '--username', 'linked.dev', '--user', '@ADA_X']);
    assert.equal(linked.userId, ada.id);
    const byId = await json(['developer', 'create', '--username', 'by_id.dev', '--user', bob.id]);
    assert.equal(byId.userId, bob.id);
    const human = await runCli(dir, ['developer', 'create', '--username', 'plain.dev']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /X account:\s+none \(the portal cannot make Access Tokens for it\)/);

    // One developer per user; an unknown user is an operation failure; a missing or empty value a usage error.
    refused(await runCli(dir, ['developer', 'create', '--username', 'second.dev', '--user', '@ada_x']), 1, 'already the X account of developer linked.dev');
    assert.equal((await json(['developer', 'list'])).developers.some((d: { username: string }) => d.username === 'second.dev'), false);
    refused(await runCli(dir, ['developer', 'create', '--username', 'ghost.dev', '--user', '@nobody_here']), 1, 'no user @nobody_here');
    refused(await runCli(dir, ['developer', 'create', '--username', 'ghost.dev', '--user', '']), 2, '--user');
    refused(await runCli(dir, ['developer', 'set', 'plain.dev', '--user', '@ada_x']), 1, 'already the X account');

    // `set`: link (by @username or id, any letter case of the developer's name), move, unlink.
    const set = await runCli(dir, ['developer', 'set', 'PLAIN.DEV', '--user', 'bob_x']);
    refused(set, 1, 'already the X account of developer by_id.dev');
    const unlinked = await json(['developer', 'set', 'by_id.dev', '--user', 'none']);
    assert.equal(unlinked.userId, null);
    const moved = await json(['developer', 'set', 'PLAIN.DEV', '--user', bob.id]);
    assert.equal(moved.username, 'plain.dev');
    assert.equal(moved.userId, bob.id);
    const listed = (await json(['developer', 'list'])).developers;
    const userOf = (name: string) => listed.find((d: { username: string }) => d.username === name).userId;
    assert.deepEqual([userOf('linked.dev'), userOf('by_id.dev'), userOf('plain.dev'), userOf('ada.dev')], [ada.id, null, bob.id, null]);
    refused(await runCli(dir, ['developer', 'set', 'plain.dev']), 2, 'give --user');
    refused(await runCli(dir, ['developer', 'set', 'nobody.dev', '--user', 'none']), 1, 'no developer with username nobody.dev');
    refused(await runCli(dir, ['developer', 'set', 'plain.dev', '--user', '999999999']), 1, 'no user 999999999');
  });
});
