// Importing a user's likes from an X archive (data/like.js) into a store: each Tweet the store lacks is created, then
// liked as the user, in batches through the store's bulk writes. Re-importing the same file changes nothing: the
// store keeps one like per (user, Tweet) and the first like's time.
import { newTweet, type TweetRecord, type UserRecord } from '../model.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ContentStore } from '../../ports/contentStore.ts';
import { SNOWFLAKE_EPOCH } from '../ids.ts';
import type { ArchiveEntry, ArchiveLike } from './likeArchive.ts';

/**
 * The author of every Tweet an import creates. like.js does not say who wrote a liked Tweet (expandedUrl is the
 * anonymous /i/web/status/ID form), and inventing one account per Tweet would flood the store with fake users; so one
 * visible, unprotected placeholder account per store authors them all, created by the first import that needs it and
 * found by its username afterwards (re-imports and imports for other users share it). The report names it.
 */
export const ARCHIVE_AUTHOR_USERNAME = 'x_archive';
/** The text of a created Tweet whose archive entry has no fullText (X leaves it out for Tweets deleted since). */
export const MISSING_TEXT = '[This Tweet\'s text is not in the X archive]';
/** How many skipped entries the report lists; the rest are only counted, so a hostile file cannot fill memory. */
export const MAX_LISTED_SKIPS = 1000;

export interface SkippedEntry {
  index: number;
  line: number;
  tweetId?: string;
  reason: string;
}

export interface ImportReport {
  userId: string;
  /** The placeholder author of the Tweets created. */
  author: { id: string; username: string };
  /** Entries read (likes and skipped ones). */
  entries: number;
  /** Likes added. */
  imported: number;
  /** Likes the user already had (from an earlier import, the API, or a repeat in the file). */
  alreadyLiked: number;
  tweetsCreated: number;
  skippedCount: number;
  /** The first MAX_LISTED_SKIPS skipped entries, with why. */
  skipped: SkippedEntry[];
}

export type ImportProgress = Omit<ImportReport, 'skipped' | 'author' | 'userId'>;

export interface ImportOptions {
  userId: string;
  /** The archive's entries, in file order, in batches (what parseLikeArchive yields). */
  rows: AsyncIterable<readonly ArchiveEntry[]> | Iterable<readonly ArchiveEntry[]>;
  /** New ids (the placeholder author's). */
  ids: { next(): string };
  /** Called after each batch is written. */
  onProgress?: (progress: ImportProgress) => void;
  /** Likes written per store call (default 2000). */
  batchSize?: number;
}

export class ImportError extends Error {
  override name = 'ImportError';
}

/** The time a snowflake id was minted, or undefined for the older sequential ids. */
function snowflakeTime(id: string): number | undefined {
  const ms = Number(BigInt(id) >> 22n);
  return ms > 0 ? SNOWFLAKE_EPOCH + ms : undefined;
}

async function archiveAuthor(store: ContentStore, clock: Clock, ids: { next(): string }): Promise<UserRecord> {
  const find = async () => (await store.usersByUsernames([ARCHIVE_AUTHOR_USERNAME]))[0];
  const found = await find();
  if (found) return found;
  const user: UserRecord = {
    id: ids.next(),
    username: ARCHIVE_AUTHOR_USERNAME,
    name: 'X archive (unknown author)',
    createdAt: clock.now(),
    description: 'Placeholder author of the Tweets created by importing likes from X archives.',
    location: null,
    url: null,
    profileImageUrl: 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
    protected: false,
    verified: false,
    suspended: false,
    pinnedTweetId: null,
    metrics: { followers_count: 0, following_count: 0, tweet_count: 0, listed_count: 0, like_count: 0 },
  };
  try {
    await store.insertUsers([user]);
    return user;
  } catch (error) {
    // Another import created it first: the username is taken by its id now.
    const raced = await find();
    if (raced) return raced;
    throw error;
  }
}

function archiveTweet(like: ArchiveLike, authorId: string, likedAt: number): TweetRecord {
  // A Tweet exists before it is liked: its snowflake time, unless that is later than the like's invented time.
  const minted = snowflakeTime(like.tweetId);
  return newTweet({
    id: like.tweetId,
    authorId,
    text: like.fullText ?? MISSING_TEXT,
    createdAt: minted !== undefined ? Math.min(minted, likedAt) : likedAt,
    lang: 'und',
    source: 'X archive import',
  });
}

/**
 * Imports the likes of `rows` as `userId`'s. The archive has no like times; X lists likes newest first, so the entry
 * at index i is given `start - i` ms, `start` being the clock when the import began: the file's order is kept, every
 * imported like is older than anything liked after the import, and the times are deterministic for a given clock.
 * Counting: imported + alreadyLiked + skippedCount = entries. The imported count of a batch is the change of the
 * user's like_count across it, so a like or unlike the user makes through the API during the import skews it.
 */
export async function importLikes(store: ContentStore, clock: Clock, options: ImportOptions): Promise<ImportReport> {
  const { userId, ids, onProgress } = options;
  const batchSize = options.batchSize ?? 2000;
  const [user] = await store.usersByIds([userId]);
  if (!user) throw new ImportError(`no user with id ${userId}`);
  const author = await archiveAuthor(store, clock, ids);
  const start = clock.now();
  const report: ImportReport = {
    userId,
    author: { id: author.id, username: author.username },
    entries: 0,
    imported: 0,
    alreadyLiked: 0,
    tweetsCreated: 0,
    skippedCount: 0,
    skipped: [],
  };
  let pending: { like: ArchiveLike; likedAt: number }[] = [];

  const likeCount = async () => (await store.usersByIds([userId]))[0]?.metrics.like_count ?? 0;

  const flush = async () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    const wanted = new Map<string, { like: ArchiveLike; likedAt: number }>();
    for (const row of batch) if (!wanted.has(row.like.tweetId)) wanted.set(row.like.tweetId, row);
    const existing = new Set((await store.tweetsByIds([...wanted.keys()])).map((t) => t.id));
    const missing = [...wanted.values()].filter((r) => !existing.has(r.like.tweetId));
    if (missing.length) await store.insertTweets(missing.map((r) => archiveTweet(r.like, author.id, r.likedAt)));
    report.tweetsCreated += missing.length;
    const before = await likeCount();
    await store.insertLikes(batch.map((r) => ({ userId, tweetId: r.like.tweetId, likedAt: r.likedAt })));
    const added = Math.min(batch.length, Math.max(0, (await likeCount()) - before));
    report.imported += added;
    report.alreadyLiked += batch.length - added;
    onProgress?.(progressOf(report));
  };

  for await (const entries of options.rows) {
    for (const entry of entries) {
      report.entries++;
      if (entry.kind === 'skip') {
        report.skippedCount++;
        if (report.skipped.length < MAX_LISTED_SKIPS) {
          const { index, line, tweetId, reason } = entry;
          report.skipped.push({ index, line, ...(tweetId !== undefined ? { tweetId } : {}), reason });
        }
        continue;
      }
      pending.push({ like: entry.like, likedAt: start - entry.index });
      if (pending.length >= batchSize) await flush();
    }
  }
  await flush();
  onProgress?.(progressOf(report));
  return report;
}

function progressOf(r: ImportReport): ImportProgress {
  const { entries, imported, alreadyLiked, tweetsCreated, skippedCount } = r;
  return { entries, imported, alreadyLiked, tweetsCreated, skippedCount };
}
