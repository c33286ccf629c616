// Sign-in passwords for the authorization pages: scrypt with a random salt per password, the cost parameters
// kept in the hash string so they can be raised later, and a constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { CredentialStore } from '../../ports/credentialStore.ts';

const PREFIX = 'scrypt';
const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
/** Longer inputs are refused before hashing, so a huge form field cannot cost more than a normal one. */
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$<salt base64url>$<key base64url>` for `password`. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error('a password must not be empty');
  if (password.length > MAX_PASSWORD_LENGTH) throw new Error(`a password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return [PREFIX, COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A hash of a password nobody knows: checked when the user has none, so both cases take the same time. */
let dummyHash: Promise<string> | undefined;

/** Whether `password` matches `stored`; false (after the same work) when there is no stored hash. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const usable = stored !== null && password.length > 0 && password.length <= MAX_PASSWORD_LENGTH;
  const hash = usable ? stored : await (dummyHash ??= hashPassword(randomBytes(18).toString('base64url')));
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(usable ? password : 'x', salt, { N, r, p });
  return timingSafeEqual(actual, expected) && usable;
}

/** Hashes and stores the user's password (null removes it: the user can no longer sign in). */
export async function setPassword(store: Pick<CredentialStore, 'setUserPassword'>, userId: string, password: string | null): Promise<void> {
  await store.setUserPassword(userId, password === null ? null : await hashPassword(password));
}
