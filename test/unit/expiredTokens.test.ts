// Expired OAuth 2.0 access tokens do not pile up (src/auth/credentials.ts): minting new ones removes those expired a
// day or more, at most every ten minutes of the clock; those expired for less stay (refused as expired meanwhile).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { CredentialIssuer, EXPIRED_TOKEN_KEPT_MS, EXPIRED_TOKEN_SWEEP_EVERY_MS } from '../../src/auth/credentials.ts';
import { SecretSealer, hashToken } from '../../src/auth/secrets.ts';
import { SnowflakeIds } from '../../src/domain/ids.ts';
import { ManualClock } from '../support/clock.ts';
import { memoryStore } from '../support/memoryStore.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

test('minting sweeps the tokens expired a day or more, no more often than every ten minutes', async () => {
  assert.equal(EXPIRED_TOKEN_KEPT_MS, 24 * HOUR);
  assert.equal(EXPIRED_TOKEN_SWEEP_EVERY_MS, 10 * MINUTE);
  const store = await memoryStore();
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let sweeps = 0;
  const counted = Object.assign(Object.create(store) as typeof store, {
    deleteBearersExpiredBy: (at: number, limit: number) => {
      sweeps++;
      return store.deleteBearersExpiredBy(at, limit);
    },
  });
  const issuer = new CredentialIssuer(counted, new SecretSealer(randomBytes(32).toString('hex')), new SnowflakeIds(clock, 0), clock);
  const { app, bearerToken } = await issuer.createApp('Sweep App', null);
  const mint = (ttlMs: number) => issuer.mintOAuth2AccessToken(app, '1001', ['tweet.read'], ttlMs);
  const stored = async (t: { tokenHash: string }) => (await store.bearerByHash(t.tokenHash)) !== null;

  const a = await mint(2 * HOUR);
  assert.equal(sweeps, 1, 'the first mint sweeps');
  clock.advance(25 * HOUR + 50 * MINUTE);
  const b = await mint(MINUTE);
  assert.equal(sweeps, 2);
  assert.ok(await stored(a), 'expired 23 hours 50 minutes ago: kept');
  clock.advance(5 * MINUTE);
  await mint(2 * HOUR);
  assert.equal(sweeps, 2, 'five minutes after the last sweep: none');
  clock.advance(5 * MINUTE);
  const c = await mint(2 * HOUR);
  assert.equal(sweeps, 3);
  assert.equal(await stored(a), false, 'expired a day ago: removed');
  assert.ok(await stored(b), 'expired 9 minutes ago: kept');
  assert.ok(await stored(c));
  assert.ok(await store.bearerByHash(hashToken(bearerToken)), 'the App\'s own bearer has no expiry and stays');
});
