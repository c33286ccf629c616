// `likes-api user create|list|set|tokens`: users, their protected/suspended flags, and user-context tokens
// (OAuth 1.0a and OAuth 2.0) for an App.
import { MAX_PASSWORD_LENGTH, setPassword } from '../../auth/flows/passwords.ts';
import { OAUTH2_SCOPES, type OAuth2Scope, type UserRecord } from '../../domain/model.ts';
import type { ContentStore } from '../../ports/contentStore.ts';
import { requireApp } from './app.ts';
import { AdminError, UsageError, checkId, commandGroup, iso, keyValues, table, type Subcommand } from './cli.ts';

/** X's username rule: 1 to 15 letters, digits and underscores. */
const USERNAME = /^[A-Za-z0-9_]{1,15}$/;
const DEFAULT_PROFILE_IMAGE = 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';

async function requireUser(services: { store: ContentStore }, id: string): Promise<UserRecord> {
  const [user] = await services.store.usersByIds([id]);
  if (!user) throw new AdminError(`no user with id ${id}`);
  return user;
}

function userJson(u: UserRecord) {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    createdAt: iso(u.createdAt),
    protected: u.protected,
    suspended: u.suspended,
    verified: u.verified,
    metrics: u.metrics,
  };
}

function userHuman(u: UserRecord): string {
  return keyValues([
    ['User', `${u.id} (@${u.username}, ${u.name})`],
    ['Created', iso(u.createdAt)],
    ['Protected', u.protected ? 'yes' : 'no'],
    ['Suspended', u.suspended ? 'yes' : 'no'],
  ]);
}

/** `--password P`: the sign-in password of the authorization pages (hashed with scrypt before it is stored). */
function passwordFlag(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.length === 0) throw new UsageError('--password must not be empty');
  if (raw.length > MAX_PASSWORD_LENGTH) throw new UsageError(`--password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return raw;
}

const PASSWORD_HELP = `  --password P       Sign-in password for the authorization pages (OAuth 2.0 and OAuth 1.0a consent);
                     stored as a salted scrypt hash. Without one the user cannot sign in there`;

const create: Subcommand = {
  synopsis: '--username U --name N [--protected] [--id ID] [--password P]',
  summary: 'Create a user',
  help: `Creates a user (an X account) and prints it.

Options:
  --username U       1 to 15 letters, digits or underscores, unique regardless of case (required)
  --name N           Display name, at most 50 characters (required)
  --protected        A protected account: its Tweets are visible only to itself
  --id ID            The user id (default: a new snowflake id)
${PASSWORD_HELP}`,
  flags: { username: 'string', name: 'string', protected: 'boolean', id: 'string', password: 'string' },
  async run({ flags, services }) {
    const username = flags.required('username');
    if (!USERNAME.test(username)) throw new UsageError(`--username must be 1 to 15 letters, digits or underscores (got "${username}")`);
    flags.required('name');
    const name = flags.text('name', 50)!;
    const wantedId = flags.id('id');
    const password = passwordFlag(flags.str('password'));
    const s = await services();
    const id = wantedId ?? s.ids.next();
    // The store replaces rows that clash on id or username, so clashes are refused here first.
    if ((await s.store.usersByIds([id])).length) throw new AdminError(`a user with id ${id} already exists`);
    const [taken] = await s.store.usersByUsernames([username]);
    if (taken) throw new AdminError(`username @${taken.username} is taken by user ${taken.id}`);
    const user: UserRecord = {
      id,
      username,
      name,
      createdAt: s.clock.now(),
      description: '',
      location: null,
      url: null,
      profileImageUrl: DEFAULT_PROFILE_IMAGE,
      protected: flags.bool('protected'),
      verified: false,
      suspended: false,
      pinnedTweetId: null,
      metrics: { followers_count: 0, following_count: 0, tweet_count: 0, listed_count: 0, like_count: 0 },
    };
    await s.store.insertUsers([user]);
    if (password !== undefined) await setPassword(s.store, user.id, password);
    return {
      json: { ...userJson(user), passwordSet: password !== undefined },
      human: `Created user ${user.id}\n${userHuman(user)}\n${keyValues([['Password', password !== undefined ? 'set' : 'none (cannot sign in to authorize Apps)']])}` +
        `\n\nTokens: likes-api user tokens ${user.id} --app APP_ID`,
    };
  },
};

const list: Subcommand = {
  synopsis: '[--limit N]',
  summary: 'List users, newest first',
  help: `Lists users, newest id first.

Options:
  --limit N          At most N users (1-10000, default 20)`,
  flags: { limit: 'string' },
  async run({ flags, services }) {
    const limit = flags.int('limit', 1, 10_000) ?? 20;
    const s = await services();
    const users = await s.store.listUsers(limit);
    return {
      json: { users: users.map(userJson) },
      human: users.length === 0
        ? 'No users yet: likes-api user create --username U --name N'
        : table(
            ['ID', 'USERNAME', 'NAME', 'PROTECTED', 'SUSPENDED', 'TWEETS', 'LIKES'],
            users.map((u) => [u.id, `@${u.username}`, u.name, u.protected ? 'yes' : 'no', u.suspended ? 'yes' : 'no', u.metrics.tweet_count, u.metrics.like_count]),
          ),
    };
  },
};

const set: Subcommand = {
  synopsis: 'ID [--protected on|off] [--suspended on|off] [--password P]',
  summary: "Change a user's protected or suspended flag, or sign-in password",
  help: `Changes the user with id ID. Changes apply to the next request a server handles.

Options:
  --protected on|off A protected account's Tweets are visible only to itself
  --suspended on|off A suspended account's tokens get 401 and it drops out of liking_users
${PASSWORD_HELP}`,
  flags: { protected: 'string', suspended: 'string', password: 'string' },
  args: ['ID'],
  async run({ flags, args, services }) {
    const id = checkId(args.ID, 'ID');
    const changes = { protected: flags.onOff('protected'), suspended: flags.onOff('suspended') };
    const password = passwordFlag(flags.str('password'));
    if (changes.protected === undefined && changes.suspended === undefined && password === undefined) {
      throw new UsageError('nothing to change: give --protected, --suspended and/or --password');
    }
    const s = await services();
    await requireUser(s, id);
    await s.store.setUserFlags(id, changes);
    if (password !== undefined) await setPassword(s.store, id, password);
    const user = await requireUser(s, id);
    const passwordSet = (await s.store.userPasswordHash(id)) !== null;
    return {
      json: { ...userJson(user), passwordSet },
      human: `Updated user ${user.id}\n${userHuman(user)}\n${keyValues([['Password', password !== undefined ? 'changed' : passwordSet ? 'set' : 'none']])}`,
    };
  },
};

const tokens: Subcommand = {
  synopsis: 'ID --app APP_ID [--scopes S,S,…]',
  summary: 'Mint user access tokens (OAuth 1.0a and OAuth 2.0) and print them once',
  help: `Mints, for the user with id ID on the App APP_ID, an OAuth 1.0a access token and secret (\`<user id>-<random>\`,
used with the App's consumer key and secret) and an OAuth 2.0 user access token (a Bearer token that does not
expire). They are shown once: the store keeps them hashed or sealed. The OAuth 1.0a token carries the App's
current permission.

Options:
  --app APP_ID       The App the tokens are for (required)
  --scopes S,S,…     OAuth 2.0 scopes, from ${OAUTH2_SCOPES.join(',')} (default: all)`,
  flags: { app: 'string', scopes: 'string' },
  args: ['ID'],
  async run({ flags, args, services }) {
    const id = checkId(args.ID, 'ID');
    flags.required('app');
    const appId = flags.id('app')!;
    let scopes: OAuth2Scope[] = [...OAUTH2_SCOPES];
    const raw = flags.str('scopes');
    if (raw !== undefined) {
      const given = raw.split(',').map((x) => x.trim()).filter(Boolean);
      const bad = given.filter((x) => !(OAUTH2_SCOPES as readonly string[]).includes(x));
      if (bad.length || given.length === 0) {
        throw new UsageError(`--scopes must be a comma-separated list of ${OAUTH2_SCOPES.join(', ')}${bad.length ? ` (got "${bad.join(',')}")` : ''}`);
      }
      scopes = OAUTH2_SCOPES.filter((x) => given.includes(x));
    }
    const s = await services();
    const user = await requireUser(s, id);
    const app = await requireApp(s, appId);
    const minted = await s.credentials.mintUserTokens(app, user.id, scopes);
    const notes: string[] = [];
    if (user.suspended) notes.push('Note: the user is suspended, so these tokens get 401 until `likes-api user set ID --suspended off`.');
    if (app.suspended) notes.push('Note: the App is suspended, so these tokens get 401 until `likes-api app set APP_ID --suspended off`.');
    return {
      json: { userId: user.id, appId: app.id, permission: app.permission, ...minted },
      human: [
        `Tokens of user ${user.id} (@${user.username}) for App ${app.id} (${app.name})`,
        'Store these now: they are kept hashed or sealed and cannot be shown again.',
        keyValues([
          ['OAuth 1.0a access token', minted.accessToken],
          ['OAuth 1.0a access token secret', minted.accessTokenSecret],
          ['OAuth 1.0a permission', app.permission],
          ['OAuth 2.0 access token', minted.oauth2AccessToken],
          ['OAuth 2.0 scopes', minted.oauth2Scopes.join(' ')],
        ]),
        ...notes,
      ].join('\n'),
    };
  },
};

export const userCommand = commandGroup('user', 'Manage users and mint their access tokens', { create, list, set, tokens });
