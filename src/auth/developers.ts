// Developer accounts (the developer portal's sign-in): created with a scrypt hash of their password, or of one
// generated here and returned once to be shown once. Usernames are unique regardless of ASCII letter case.
import type { SnowflakeIds } from '../domain/ids.ts';
import type { DeveloperRecord } from '../domain/model.ts';
import type { Clock } from '../ports/clock.ts';
import type { CredentialStore } from '../ports/credentialStore.ts';
import { hashPassword } from './flows/passwords.ts';
import { randomString } from './secrets.ts';

/** 1 to 32 letters, digits, underscores, dots or hyphens. */
export const DEVELOPER_USERNAME = /^[A-Za-z0-9_.-]{1,32}$/;
/** Generated passwords: 24 alphanumerics (142 bits). */
const GENERATED_PASSWORD_LENGTH = 24;

export class DeveloperTakenError extends Error {
  override name = 'DeveloperTakenError';
}

export interface CreatedDeveloper {
  developer: DeveloperRecord;
  /** The plaintext password: the one given, or the generated one (to be shown once, never stored). */
  password: string;
  generated: boolean;
}

export async function createDeveloper(
  deps: { store: Pick<CredentialStore, 'developerByUsername' | 'putDeveloper'>; ids: SnowflakeIds; clock: Clock },
  username: string,
  password?: string,
): Promise<CreatedDeveloper> {
  if (!DEVELOPER_USERNAME.test(username)) throw new Error(`a developer username is 1 to 32 letters, digits, "_", "." or "-" (got "${username}")`);
  const taken = await deps.store.developerByUsername(username);
  if (taken) throw new DeveloperTakenError(`developer username ${taken.username} is taken`);
  const plain = password ?? randomString(GENERATED_PASSWORD_LENGTH);
  const developer: DeveloperRecord = {
    id: deps.ids.next(),
    username,
    passwordHash: await hashPassword(plain),
    createdAt: deps.clock.now(),
  };
  // A concurrent creation of the same name loses on the store's unique index.
  await deps.store.putDeveloper(developer);
  return { developer, password: plain, generated: password === undefined };
}
