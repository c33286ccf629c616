import { loadConfig } from '../config.ts';
import { StoreNotEmptyError } from '../ports/bulkLoader.ts';
import { createProgress, silentProgress } from '../seed/progress.ts';
import { runSeed } from '../seed/seed.ts';
import { ArgsError, readArgs, type ReadArgs } from './args.ts';
import type { Command } from './command.ts';

const HELP = `Usage: likes-api seed --likes N [--users N] [--tweets N] [--seed S] [--reset] [--json] [--quiet]

Bulk-loads deterministic, realistically skewed data into the configured store (SQLite in $LIKES_API_DATA_DIR, or
PostgreSQL at $LIKES_API_DATABASE_URL): a few Tweets with very many likes and most with few, a few users who like far
more than the rest, every like after its Tweet. The same options always produce the same rows. Then mints an App in
a Project with tokens for a few users and writes $LIKES_API_DATA_DIR/bench-credentials.json (the shape of
demo-credentials.json).

  --likes N    likes to write (required); numbers may be written 10000, 10_000, 10k, 1M or 1e6
  --users N    users (default: likes / 100, at least 100)
  --tweets N   tweets (default: likes / 10, at least 1000)
  --seed S     PRNG seed, 0 to 4294967295 (default 1)
  --reset      replace what the store holds (otherwise a store with users, tweets or likes is refused)
  --json       print a JSON report on stdout when done
  --quiet      no progress output`;

/** 10000, 10_000, 10k, 1.5M, 1e6 → a whole number; NaN when it is none. */
export function parseCount(raw: string | undefined): number {
  if (raw === undefined) return Number.NaN;
  const m = /^(\d[\d_]*(?:\.\d+)?(?:e\d+)?)([kKmMgG]?)$/.exec(raw.trim());
  if (!m) return Number.NaN;
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Number(m[1].replace(/_/g, '')) * scale;
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

interface SeedArgs {
  likes: number;
  users: number;
  tweets: number;
  seed: number;
  reset: boolean;
  json: boolean;
  quiet: boolean;
}

const SEED_OPTIONS = { likes: 'string', users: 'string', tweets: 'string', seed: 'string', reset: 'boolean', json: 'boolean', quiet: 'boolean' } as const;

/** The options, or the message of what is wrong with them. Repeated options: the last one counts. */
export function parseSeedArgs(args: readonly string[]): SeedArgs | string {
  let read: ReadArgs;
  try {
    read = readArgs(args, SEED_OPTIONS, { lastWins: true });
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    return error.problem.kind === 'unknown' ? `unknown option "${error.problem.arg}"` : error.message;
  }
  if (read.positionals.length) return `unknown option "${read.positionals[0]}"`;
  const { values } = read;
  if (!values.has('likes')) return '--likes is required';
  const count = (name: 'likes' | 'users' | 'tweets' | 'seed', fallback: number): number | string => {
    const raw = values.get(name) as string | undefined;
    if (raw === undefined) return fallback;
    const n = parseCount(raw);
    return Number.isNaN(n) ? `--${name} must be a whole number (got "${raw}")` : n;
  };
  const likes = count('likes', 0);
  if (typeof likes === 'string') return likes;
  const users = count('users', Math.max(100, Math.round(likes / 100)));
  const tweets = count('tweets', Math.max(1000, Math.round(likes / 10)));
  const seed = count('seed', 1);
  for (const v of [users, tweets, seed]) if (typeof v === 'string') return v;
  return {
    likes, users: users as number, tweets: tweets as number, seed: seed as number,
    reset: values.has('reset'), json: values.has('json'), quiet: values.has('quiet'),
  };
}

export const seedCommand: Command = {
  summary: 'Bulk-load deterministic data and mint bench credentials',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      console.log(HELP);
      return 0;
    }
    const parsed = parseSeedArgs(args);
    if (typeof parsed === 'string') {
      console.error(`likes-api seed: ${parsed}\n\n${HELP}`);
      return 2;
    }
    const config = loadConfig();
    const progress = parsed.quiet ? silentProgress : createProgress();
    try {
      const report = await runSeed(
        config,
        { users: parsed.users, tweets: parsed.tweets, likes: parsed.likes, seed: parsed.seed },
        { reset: parsed.reset, progress },
      );
      if (parsed.json) {
        const { credentials: _omitted, ...rest } = report;
        console.log(JSON.stringify(rest));
      } else if (!parsed.quiet) {
        console.log(
          `Seeded ${report.spec.likes} likes in ${(report.ms.total / 1000).toFixed(1)} s ` +
            `(${report.likesPerSecond} likes/s including indexes and counts).`,
        );
        console.log(`Heaviest liker: ${report.heavyLikerUserId} (${report.heavyLikerLikes} likes); most liked Tweet: ${report.popularTweetId} (${report.popularTweetLikes} likes).`);
        if (report.credentials) {
          console.log('Try (after `likes-api serve`):');
          console.log(`  curl -s -H 'Authorization: Bearer ${report.credentials.app.bearerToken}' '${report.credentials.baseUrl}/2/users/${report.heavyLikerUserId}/liked_tweets?max_results=5'`);
        }
      }
      return 0;
    } catch (error) {
      if (error instanceof StoreNotEmptyError || error instanceof RangeError) {
        console.error(`likes-api seed: ${error.message}`);
        return 2;
      }
      throw error;
    }
  },
};
