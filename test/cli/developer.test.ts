// `likes-api developer create|list` and `project create|set --owner`, run as the real command on a temp data dir:
// a developer made here signs in to the portal of a server on the same data and sees the Projects it owns.
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
