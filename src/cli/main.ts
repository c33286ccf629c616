// `likes-api <command>`: one entry for serving, demo credentials, administration, seeding and benchmarks.
import { ConfigError } from '../config.ts';
import type { Command } from './command.ts';

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.ts')).serveCommand,
  'demo-credentials': async () => (await import('./demoCredentials.ts')).demoCredentialsCommand,
  seed: async () => (await import('./seed.ts')).seedCommand,
  project: async () => (await import('./admin/project.ts')).projectCommand,
  developer: async () => (await import('./admin/developer.ts')).developerCommand,
  app: async () => (await import('./admin/app.ts')).appCommand,
  user: async () => (await import('./admin/user.ts')).userCommand,
  tweet: async () => (await import('./admin/tweet.ts')).tweetCommand,
  sandbox: async () => (await import('./sandbox.ts')).sandboxCommand,
};

const HELP = `Usage: likes-api <command> [options]

Commands:
  serve              Serve the X API v2 Likes endpoints (default settings: SQLite in ./.likes-api, port 8080)
  demo-credentials   Print the demo credentials (JSON) of the configured store
  seed               Bulk-load deterministic data (--users N --tweets N --likes N) and write bench-credentials.json
  project            Manage Projects: create, list, show, set (cap, developer account state, policies)
  developer          Manage developer accounts (the developer portal's sign-in): create, list, set (X account)
  app                Manage Apps: create, list, show, set, regenerate (credentials), usage
  user               Manage users: create, list, set, tokens (mint OAuth 1.0a / OAuth 2.0 user tokens)
  tweet              Manage Tweets: create, delete
  sandbox            List sandboxes; import and export a user's likes as an X archive's data/like.js (list, import-likes, export-likes)

Run \`likes-api <command> --help\` for a command's options.
Settings come from the environment: PORT, HOST, LIKES_API_DATA_DIR, LIKES_API_DATABASE_URL,
LIKES_API_REDIS_URL, LIKES_API_REDIS_PREFIX, LIKES_API_DEMO, LIKES_API_LIMITS, LIKES_API_SECRET_KEY, LIKES_API_ADMIN_TOKEN,
LIKES_API_CACHE, LIKES_API_CACHE_MB, LIKES_API_LOG, LIKES_API_METRICS, LIKES_API_TRUST_PROXY,
LIKES_API_REQUEST_TIMEOUT_MS, LIKES_API_MAX_CONNECTIONS (README: Settings).`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`likes-api: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(`likes-api: ${error.message}`);
    else console.error(`likes-api: ${(error as Error)?.message ?? error}`);
    // Exit now: a failed start may leave reconnecting clients that would keep the process alive.
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
