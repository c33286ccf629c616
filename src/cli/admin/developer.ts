// `likes-api developer create|list`: developer accounts, which sign in to the developer portal (/portal) and own
// Projects (`likes-api project create|set --owner USERNAME`).
import { DEVELOPER_USERNAME, DeveloperTakenError, createDeveloper } from '../../auth/developers.ts';
import { MAX_PASSWORD_LENGTH } from '../../auth/flows/passwords.ts';
import type { DeveloperRecord } from '../../domain/model.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import { AdminError, UsageError, commandGroup, iso, keyValues, table, type Subcommand } from './cli.ts';

export function developerJson(d: DeveloperRecord) {
  return { id: d.id, username: d.username, createdAt: iso(d.createdAt) };
}

/** The developer named `username` (any ASCII letter case), for `--owner`. */
export async function requireDeveloper(services: { store: CredentialStore }, username: string): Promise<DeveloperRecord> {
  const developer = await services.store.developerByUsername(username);
  if (!developer) throw new AdminError(`no developer with username ${username}`);
  return developer;
}

const create: Subcommand = {
  synopsis: '--username U [--password P]',
  summary: 'Create a developer account',
  help: `Creates a developer account, which signs in to the developer portal (/portal) and sees the Projects it owns
(likes-api project create|set --owner U). Prints the password once when it was generated: it is stored as a salted
scrypt hash and cannot be shown again.

Options:
  --username U       1 to 32 letters, digits, "_", "." or "-", unique regardless of case (required)
  --password P       The sign-in password (default: 24 random letters and digits, printed once)`,
  flags: { username: 'string', password: 'string' },
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
    const s = await services();
    let created;
    try {
      created = await createDeveloper(s, username, password);
    } catch (error) {
      if (error instanceof DeveloperTakenError) throw new AdminError(error.message);
      throw error;
    }
    const shown = created.generated ? created.password : undefined;
    return {
      json: { ...developerJson(created.developer), ...(shown !== undefined ? { password: shown } : {}) },
      human: `Created developer ${created.developer.id}\n${keyValues([
        ['Developer', `${created.developer.id} (${created.developer.username})`],
        ['Password', shown !== undefined ? `${shown}  (generated: shown this once)` : 'set'],
      ])}\n\nNext: likes-api project create --name NAME --owner ${created.developer.username}`,
    };
  },
};

const list: Subcommand = {
  synopsis: '',
  summary: 'List the developer accounts',
  help: 'Lists every developer account with the number of Projects it owns.',
  flags: {},
  async run({ services }) {
    const s = await services();
    const [developers, projects] = await Promise.all([s.store.listDevelopers(), s.store.listProjects()]);
    const owned = (id: string) => projects.filter((p) => p.developerId === id).length;
    return {
      json: { developers: developers.map((d) => ({ ...developerJson(d), projects: owned(d.id) })) },
      human: developers.length === 0
        ? 'No developers yet: likes-api developer create --username U'
        : table(['ID', 'USERNAME', 'CREATED', 'PROJECTS'], developers.map((d) => [d.id, d.username, iso(d.createdAt), owned(d.id)])),
    };
  },
};

export const developerCommand = commandGroup('developer', 'Manage developer accounts (the developer portal\'s sign-in)', { create, list });
