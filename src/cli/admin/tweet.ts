// `likes-api tweet create|delete`: Tweets to like, and deleting them (they then drop out of every listing).
import { newTweet, type TweetEntities, type TweetRecord, type UserRecord } from '../../domain/model.ts';
import type { ContentStore } from '../../ports/contentStore.ts';
import { AdminError, checkId, commandGroup, iso, keyValues, type Subcommand } from './cli.ts';

/** X's longest Post (Premium long posts). */
const MAX_TEXT = 25_000;

/** Hashtags and @mentions of `text`, with code-point offsets as X gives them; mentions of known users carry their id. */
async function entitiesOf(services: { store: ContentStore }, text: string): Promise<TweetEntities | null> {
  const offset = (utf16: number) => Array.from(text.slice(0, utf16)).length;
  const entities: TweetEntities = {};
  const mentions = [...text.matchAll(/(^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])/g)];
  if (mentions.length) {
    const users = await services.store.usersByUsernames([...new Set(mentions.map((m) => m[2]))]);
    const byName = new Map(users.map((u) => [u.username.toLowerCase(), u]));
    entities.mentions = mentions.map((m) => {
      const start = offset(m.index! + m[1].length);
      const known = byName.get(m[2].toLowerCase());
      return { start, end: start + 1 + m[2].length, username: known?.username ?? m[2], ...(known ? { id: known.id } : {}) };
    });
  }
  const tags = [...text.matchAll(/(^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu)];
  if (tags.length) {
    entities.hashtags = tags.map((m) => {
      const start = offset(m.index! + m[1].length);
      return { start, end: start + 1 + Array.from(m[2]).length, tag: m[2] };
    });
  }
  return Object.keys(entities).length ? entities : null;
}

function tweetJson(t: TweetRecord) {
  return {
    id: t.id,
    authorId: t.authorId,
    text: t.text,
    createdAt: iso(t.createdAt),
    deleted: t.deleted,
    likeCount: t.likeCount,
    entities: t.entities,
  };
}

function tweetHuman(t: TweetRecord, author: UserRecord | undefined): string {
  return keyValues([
    ['Tweet', t.id],
    ['Author', author ? `${author.id} (@${author.username})` : t.authorId],
    ['Created', iso(t.createdAt)],
    ['Text', t.text],
    ['Likes', t.likeCount],
    ['Deleted', t.deleted ? 'yes' : 'no'],
  ]);
}

const create: Subcommand = {
  synopsis: '--author ID --text T [--id ID]',
  summary: 'Create a Tweet',
  help: `Creates a Tweet by the user with id ID and prints it. Hashtags and @mentions in the text become entities.

Options:
  --author ID        The author's user id (required)
  --text T           The text (required, at most ${MAX_TEXT} characters)
  --id ID            The Tweet id (default: a new snowflake id)`,
  flags: { author: 'string', text: 'string', id: 'string' },
  async run({ flags, services }) {
    flags.required('author');
    const authorId = flags.id('author')!;
    flags.required('text');
    const text = flags.text('text', MAX_TEXT)!;
    const wantedId = flags.id('id');
    const s = await services();
    const [author] = await s.store.usersByIds([authorId]);
    if (!author) throw new AdminError(`no user with id ${authorId}`);
    const id = wantedId ?? s.ids.next();
    // The store replaces a Tweet with the same id (and its like count), so an existing id is refused here.
    if ((await s.store.tweetsByIds([id])).length) throw new AdminError(`a Tweet with id ${id} already exists`);
    const tweet = newTweet({
      id,
      authorId,
      text,
      createdAt: s.clock.now(),
      lang: 'en',
      source: 'Likes API admin',
      entities: await entitiesOf(s, text),
    });
    await s.store.insertTweets([tweet]);
    return { json: tweetJson(tweet), human: `Created Tweet ${tweet.id}\n${tweetHuman(tweet, author)}` };
  },
};

const del: Subcommand = {
  synopsis: 'ID',
  summary: 'Delete a Tweet (marks it deleted)',
  help: `Marks the Tweet with id ID deleted: it drops out of liked_tweets, liking_users answers "Not Found", and it
can no longer be liked. Its likes are kept, as X keeps them out of sight.`,
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const id = checkId(args.ID, 'ID');
    const s = await services();
    const [tweet] = await s.store.tweetsByIds([id]);
    if (!tweet) throw new AdminError(`no Tweet with id ${id}`);
    const already = tweet.deleted;
    if (!already) await s.store.setTweetDeleted(id, true);
    const after = { ...tweet, deleted: true };
    return {
      json: tweetJson(after),
      human: already ? `Tweet ${id} was already deleted` : `Deleted Tweet ${id}`,
    };
  },
};

export const tweetCommand = commandGroup('tweet', 'Manage Tweets', { create, delete: del });
