// The port watcher (src/adapters/observed.ts): every waited-for call recorded under its operation's name, the ports a
// port holds (the store's event tables) watched alike under theirs, an outage noticed there reported as the
// dependency's, and a method replaced on the target (a test's spy) called, not the one first wrapped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DependencyHealth, observed } from '../../src/adapters/observed.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';

function watched() {
  const warnings: string[] = [];
  const log: Logger = { info() {}, warn: (_f, message) => void warnings.push(message), error() {} };
  const calls: string[] = [];
  const events = {
    up: true,
    async webhooksOfApp(appId: string) {
      if (!this.up) throw new ServiceUnavailableError('sqlite');
      return [`webhook of ${appId}`];
    },
  };
  const raw = { kind: 'sqlite', events, async accountFlags(id: string) { return { id }; } };
  const store = observed(raw, new DependencyHealth('sqlite', log), (op, outcome) => void calls.push(`${op} ${outcome}`), '', ['events']);
  return { raw, store, calls, warnings };
}

test('calls of the store and of the ports it holds are recorded under their names; other properties pass as they are', async () => {
  const { store, calls } = watched();
  assert.equal(store.kind, 'sqlite');
  assert.deepEqual(await store.accountFlags('7'), { id: '7' });
  assert.deepEqual(await store.events.webhooksOfApp('9'), ['webhook of 9']);
  assert.equal(store.events, store.events, 'one watcher per held port');
  assert.equal(store.events.up, true);
  assert.deepEqual(calls, ['accountFlags ok', 'events.webhooksOfApp ok']);
});

test('an outage seen only by a held port is the dependency\'s: reported once, and its return too', async () => {
  const { raw, store, calls, warnings } = watched();
  raw.events.up = false;
  await assert.rejects(store.events.webhooksOfApp('9'), ServiceUnavailableError);
  await assert.rejects(store.events.webhooksOfApp('9'), ServiceUnavailableError);
  assert.deepEqual(warnings, ['sqlite unavailable: requests that need it answer 503']);
  raw.events.up = true;
  await store.accountFlags('1');
  assert.deepEqual(warnings, ['sqlite unavailable: requests that need it answer 503', 'sqlite available again']);
  assert.deepEqual(calls, ['events.webhooksOfApp unavailable', 'events.webhooksOfApp unavailable', 'accountFlags ok']);
});

test('a method replaced on the target after its first call is the one called next, still recorded', async () => {
  const { raw, store, calls } = watched();
  await store.events.webhooksOfApp('1');
  const original = raw.events.webhooksOfApp;
  let spied = 0;
  store.events.webhooksOfApp = async function (this: typeof raw.events, appId: string) {
    spied++;
    return original.call(this, appId);
  };
  assert.deepEqual(await store.events.webhooksOfApp('2'), ['webhook of 2']);
  assert.equal(spied, 1);
  assert.deepEqual(calls, ['events.webhooksOfApp ok', 'events.webhooksOfApp ok']);
});
