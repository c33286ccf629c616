// `likes-api developer create|list|set`: developer accounts, which sign in to the developer portal (/portal) and own
// Projects (`likes-api project create|set --owner USERNAME`). Each may be linked to the developer's own X account
// (`--user`), for which the portal makes each App's Access Token and Secret, as X's console does for the App owner.
import { DEVELOPER_USERNAME, DeveloperTakenError, createDeveloper, linkDeveloperUser, userByReference } from '../../auth/developers.ts';
import { MAX_PASSWORD_LENGTH } from '../../auth/flows/passwords.ts';
import type { DeveloperRecord, UserRecord } from '../../domain/model.ts';
import type { ContentStore } from '../../ports/contentStore.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import { AdminError, UsageError, commandGroup, iso, keyValues, table, type Subcommand } from './cli.ts';

export function developerJson(d: DeveloperRecord) {
  return { id: d.id, username: d.username, createdAt: iso(d.createdAt), userId: d.userId };
}

/** The developer named `username` (any ASCII letter case), for `--owner`. */
export async function requireDeveloper(services: { store: CredentialStore }, username: string): Promise<DeveloperRecord> {
  const developer = await services.store.developerByUsername(username);
  if (!developer) throw new AdminError(`no developer with username ${username}`);
  return developer;
}

const USER_HELP = `  --user ID|@U       The developer's own X account (a user id, or @username): the portal makes each App's
                     Access Token and Secret for it. At most one developer per user`;

/** `--user`: the user it names (which must exist); undefined when absent, null for `none` when `none` is allowed. */
async function userFlag(store: Pick<ContentStore, 'usersByIds' | 'usersByUsernames'>, raw: string | undefined, allowNone: boolean): Promise<UserRecord | null | undefined> {
  if (raw === undefined) return undefined;
  if (allowNone && raw === 'none') return null;
  const user = await userByReference(store, raw);
  if (!user) throw new AdminError(`no user ${raw} (give a user id or @username)`);
  return user;
}

function checkUserFlag(raw: string | undefined): void {
  if (raw !== undefined && raw.trim() === '') throw new UsageError('--user must not be empty');
}

const accountText = (user: UserRecord | null): string => (user ? `${user.id} (@${user.username})` : 'none (the portal cannot make Access Tokens for it)');

/** A message for a developer account another one already holds (username or user), as an operation failure. */
async function refusingTaken<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof DeveloperTakenError) throw new AdminError(error.message);
    throw error;
  }
}

const create: Subcommand = {
  synopsis: '--username U [--password P] [--user ID|@U]',
  summary: 'Create a developer account',
  help: `Creates a developer account, which signs in to the developer portal (/portal) and sees the Projects it owns
(likes-api project create|set --owner U). Prints the password once when it was generated: it is stored as a salted
scrypt hash and cannot be shown again.

Options:
  --username U       1 to 32 letters, digits, "_", "." or "-", unique regardless of case (required)
  --password P       The sign-in password (default: 24 random letters and digits, printed once)
${USER_HELP}`,
  flags: { username: 'string', password: 'string', user: 'string' },
  async run({ flags, services }) {
    const username = flags.required('username');
    if (!DEVELOPER_USERNAME.test(username)) {
      throw new UsageError(`--username must be 1 to 32 letters, digits, "_", "." or "-" (got "${username}")`);
    }
    const password = flags.str('password');
    if (password !== undefined && password.length === 0) throw new UsageError('--password must not be empty');
    if (password !== undefined && password.length > MAX_PASSWORD_LENGTH) {
      throw new UsageError(`--password must be at most ${MAX_PASSWORD_LENGTH} characters`);
    }
    checkUserFlag(flags.str('user'));
    const s = await services();
    const user = (await userFlag(s.store, flags.str('user'), false)) ?? null;
    const created = await refusingTaken(() => createDeveloper(s, username, password, user?.id ?? null));
    const shown = created.generated ? created.password : undefined;
    return {
      json: { ...developerJson(created.developer), ...(shown !== undefined ? { password: shown } : {}) },
      human: `Created developer ${created.developer.id}\n${keyValues([
        ['Developer', `${created.developer.id} (${created.developer.username})`],
        ['Password', shown !== undefined ? `${shown}  (generated: shown this once)` : 'set'],
        ['X account', accountText(user)],
      ])}\n\nNext: likes-api project create --name NAME --owner ${created.developer.username}`,
    };
  },
};

const list: Subcommand = {
  synopsis: '',
  summary: 'List the developer accounts',
  help: 'Lists every developer account with its X account (user id) and the number of Projects it owns.',
  flags: {},
  async run({ services }) {
    const s = await services();
    const [developers, projects] = await Promise.all([s.store.listDevelopers(), s.store.listProjects()]);
    const owned = (id: string) => projects.filter((p) => p.developerId === id).length;
    return {
      json: { developers: developers.map((d) => ({ ...developerJson(d), projects: owned(d.id) })) },
      human: developers.length === 0
        ? 'No developers yet: likes-api developer create --username U'
        : table(['ID', 'USERNAME', 'CREATED', 'X ACCOUNT', 'PROJECTS'], developers.map((d) => [d.id, d.username, iso(d.createdAt), d.userId ?? '-', owned(d.id)])),
    };
  },
};

const set: Subcommand = {
  synopsis: 'USERNAME --user ID|@U|none',
  summary: "Link a developer account to its X account (or unlink it)",
  help: `Changes the developer account USERNAME (any letter case).

Options:
${USER_HELP}; \`none\` unlinks it (Access Tokens already made keep working until regenerated or revoked)`,
  flags: { user: 'string' },
  args: ['USERNAME'],
  async run({ flags, args, services }) {
    const raw = flags.str('user');
    if (raw === undefined) throw new UsageError('nothing to change: give --user');
    checkUserFlag(raw);
    const s = await services();
    const current = await requireDeveloper(s, args.USERNAME);
    const user = (await userFlag(s.store, raw, true)) ?? null;
    const next = await refusingTaken(() => linkDeveloperUser(s.store, current, user?.id ?? null));
    return {
      json: developerJson(next),
      human: `Updated developer ${next.id}\n${keyValues([['Developer', `${next.id} (${next.username})`], ['X account', accountText(user)]])}`,
    };
  },
};

export const developerCommand = commandGroup('developer', 'Manage developer accounts (the developer portal\'s sign-in)', { create, list, set });
