// Developer accounts (the developer portal's sign-in): created with a scrypt hash of their password, or of one
// generated here and returned once to be shown once. Usernames are unique regardless of ASCII letter case. Each
// may be linked to the developer's own X account (a user), at most one developer per user.
import type { SnowflakeIds } from '../domain/ids.ts';
import type { DeveloperRecord, UserRecord } from '../domain/model.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContentStore } from '../ports/contentStore.ts';
import type { CredentialStore } from '../ports/credentialStore.ts';
import { hashPassword } from './flows/passwords.ts';
import { randomString } from './secrets.ts';

/** 1 to 32 letters, digits, underscores, dots or hyphens. */
export const DEVELOPER_USERNAME = /^[A-Za-z0-9_.-]{1,32}$/;
/** Generated passwords: 24 alphanumerics (142 bits). */
const GENERATED_PASSWORD_LENGTH = 24;

/** A username, or a user, another developer already holds. */
export class DeveloperTakenError extends Error {
  override name = 'DeveloperTakenError';
}

/** The user named by `reference`: an id (digits), or a username with or without its "@"; null when there is none. */
export async function userByReference(store: Pick<ContentStore, 'usersByIds' | 'usersByUsernames'>, reference: string): Promise<UserRecord | null> {
  if (/^[0-9]{1,19}$/.test(reference)) return (await store.usersByIds([reference]))[0] ?? null;
  const username = reference.startsWith('@') ? reference.slice(1) : reference;
  return username === '' ? null : ((await store.usersByUsernames([username]))[0] ?? null);
}

/** Refuses a user another developer is linked to (the store's unique index refuses it too, should two race). */
async function checkUserFree(store: Pick<CredentialStore, 'listDevelopers'>, userId: string | null, developerId: string | null): Promise<void> {
  if (userId === null) return;
  const holder = (await store.listDevelopers()).find((d) => d.userId === userId && d.id !== developerId);
  if (holder) throw new DeveloperTakenError(`user ${userId} is already the X account of developer ${holder.username}`);
}

/** Links the developer to their own X account (`userId`), or unlinks it (null); returns the updated record. */
export async function linkDeveloperUser(
  store: Pick<CredentialStore, 'listDevelopers' | 'putDeveloper'>,
  developer: DeveloperRecord,
  userId: string | null,
): Promise<DeveloperRecord> {
  await checkUserFree(store, userId, developer.id);
  const linked = { ...developer, userId };
  await store.putDeveloper(linked);
  return linked;
}

export interface CreatedDeveloper {
  developer: DeveloperRecord;
  /** The plaintext password: the one given, or the generated one (to be shown once, never stored). */
  password: string;
  generated: boolean;
}

export async function createDeveloper(
  deps: { store: Pick<CredentialStore, 'developerByUsername' | 'putDeveloper' | 'listDevelopers'>; ids: SnowflakeIds; clock: Clock },
  username: string,
  password?: string,
  /** The developer's own X account (a user id the caller found), or null. */
  userId: string | null = null,
): Promise<CreatedDeveloper> {
  if (!DEVELOPER_USERNAME.test(username)) throw new Error(`a developer username is 1 to 32 letters, digits, "_", "." or "-" (got "${username}")`);
  const taken = await deps.store.developerByUsername(username);
  if (taken) throw new DeveloperTakenError(`developer username ${taken.username} is taken`);
  await checkUserFree(deps.store, userId, null);
  const plain = password ?? randomString(GENERATED_PASSWORD_LENGTH);
  const developer: DeveloperRecord = {
    id: deps.ids.next(),
    username,
    passwordHash: await hashPassword(plain),
    createdAt: deps.clock.now(),
    userId,
  };
  // A concurrent creation of the same name loses on the store's unique index.
  await deps.store.putDeveloper(developer);
  return { developer, password: plain, generated: password === undefined };
}
