// The Likes rules: who may read and write whose likes, idempotent like/unlike, newest-first keyset pages,
// the 100-liking-accounts cap, and what a page shows when some objects cannot be shown.
import type { Clock } from '../ports/clock.ts';
import type { AccountFlags, ContentStore, KeysetPage, LikeKey } from '../ports/contentStore.ts';
import { encodeCursor, type Cursor } from './cursor.ts';
import type { FieldSelection } from './fields.ts';
import { hydrateTweets, hydrateUsers } from './hydrate.ts';
import type { LikeRow, Policy } from './model.ts';
import { presentTweet, presentUser, writtenTweetCore, writtenUserCore } from './present.ts';
import {
  ApiProblem, INVALID_REQUEST_DETAIL, PROBLEM_BASE, invalidRequest, notAuthorizedForResource, resourceNotFound,
  userSuspended,
} from './problems.ts';
import type { WrittenObject } from './writtenJson.ts';
import { tweetVerdict, userVerdict, type AuthorFlags } from './visibility.ts';
import { tweetAttributesFor, userAttributesFor } from './readAttributes.ts';

type Json = Record<string, unknown>;

/** Who is asking: a user (user context) or nobody in particular (app-only). */
export interface Viewer {
  userId: string | null;
}

export interface ListRequest {
  maxResults: number;
  cursor: Cursor | null;
  selection: FieldSelection;
}

export interface LikedTweetsResult {
  body: Json;
  /** Tweets returned, which count against the Project's monthly Tweet cap. */
  tweetCount: number;
}

/** X's liking_users cap: "a total of 100 liking accounts per Tweet for all time". */
export const LIKING_USERS_CAP = 100;

export class LikesService {
  /** `written` is told after every like or unlike that changed something: the world's event readers wake on it. */
  constructor(private readonly store: ContentStore, private readonly clock: Clock, private readonly written?: { pulse(): void }) {}

  /** POST/DELETE (and liked_tweets under private likes) act only as the authenticated user. */
  static requireSelf(pathId: string, viewer: Viewer): void {
    if (viewer.userId === pathId) return;
    const detail = `The \`id\` query parameter value [${pathId}] must be the same as the authenticating user [${viewer.userId ?? ''}]`;
    throw invalidRequest([
      {
        parameter: 'id',
        value: pathId,
        detail,
        title: 'Invalid Request',
        type: `${PROBLEM_BASE}invalid-request`,
        message: detail,
        parameters: { id: [pathId] },
      },
    ]);
  }

  async likedTweets(viewer: Viewer, policy: Policy, userId: string, req: ListRequest): Promise<LikedTweetsResult> {
    if (policy.likesPrivacy === 'private') LikesService.requireSelf(userId, viewer);
    const viewerId = viewer.userId;
    // One read per page: the likes with their Tweets, the authors' visibility flags and the owner's (a page the owner
    // check refuses is read for nothing, which is rare; the others need no statement for the check).
    const keyset = keysetPage(req);
    if (req.selection.tweet.size === 0 && req.selection.expansions.size === 0) {
      // Default fields, no expansions: each Tweet's core is all the page shows or the visibility rule reads.
      const { owner, rows: fetched } = await this.store.likedTweetCoresByUser(userId, keyset);
      const refused = ownerRefusal(owner, userId, viewer);
      if (refused) return refused;
      const { rows, page } = paged(fetched, (r) => r.like, tweetKey, req);
      // A loop, not flatMap: every row of every default-fields page comes through here.
      const data: WrittenObject[] = [];
      for (const r of rows) if (tweetVerdict(r.tweet, r.author, viewerId) === 'visible') data.push(writtenTweetCore(r.tweet!));
      return { body: document(data, undefined, [], page), tweetCount: data.length };
    }
    const { owner, rows: fetched } = await this.store.likedTweetsByUser(userId, keyset, tweetAttributesFor(req.selection));
    const refused = ownerRefusal(owner, userId, viewer);
    if (refused) return refused;
    const { rows, page } = paged(fetched, (r) => r.like, tweetKey, req);
    // Deleted Tweets and Tweets the viewer may not see drop out of the page, as X's short pages show.
    const visible = rows.flatMap((r) => (tweetVerdict(r.tweet, r.author, viewer.userId) === 'visible' ? [r.tweet!] : []));
    const authors = new Map<string, AuthorFlags>(rows.flatMap((r) => (r.author ? [[r.author.id, r.author]] : [])));
    const data = visible.map((t) => presentTweet(t, req.selection.tweet, viewerId, policy.metricNames));
    const hydrated = await hydrateTweets(this.store, visible, authors, req.selection, viewerId, this.clock.now(), policy.metricNames);
    return { body: document(data, hydrated.includes, hydrated.errors, page), tweetCount: data.length };
  }

  async likingUsers(viewer: Viewer, policy: Policy, tweetId: string, req: ListRequest): Promise<Json> {
    // One read for the Tweet and its author's flags, one per page for the likes with their users (under X's cap,
    // within the Tweet's 100 newest likes). With default fields the two are asked for together: an embedded store
    // runs both in one turn of its reads (src/perTurn.ts); a page the Tweet's check refuses is read for nothing, which
    // is rare.
    const newest = policy.likingUsersCap ? LIKING_USERS_CAP : undefined;
    const cores = req.selection.user.size === 0 && req.selection.expansions.size === 0;
    const [found, corePage] = await Promise.all([
      this.store.tweetCoreWithAuthor(tweetId),
      cores ? this.store.likingUserCoresOfTweet(tweetId, keysetPage(req, newest)) : null,
    ]);
    const tweet = found?.tweet;
    if (!tweet || tweet.deleted) return { errors: [resourceNotFound('tweet', 'id', tweetId)] };
    if (tweetVerdict(tweet, found.author, viewer.userId) !== 'visible') {
      return { errors: [notAuthorizedForResource('tweet', 'id', tweetId, 'data')] };
    }
    // Private likes (X since June 2024): likers are shown only to the author of the Tweet.
    if (policy.likesPrivacy === 'private' && viewer.userId !== tweet.authorId) return { meta: { result_count: 0 } };

    if (corePage) {
      // Default fields, no expansions: each liker's core is all the page shows or the visibility rule reads.
      const { rows, page } = paged(corePage, (r) => r.like, userKey, req);
      const data: WrittenObject[] = [];
      for (const r of rows) if (userVerdict(r.user) === 'visible') data.push(writtenUserCore(r.user!));
      return document(data, undefined, [], page);
    }
    const read = await this.store.likingUsersOfTweet(tweetId, keysetPage(req, newest), userAttributesFor(req.selection));
    const { rows, page } = paged(read, (r) => r.like, userKey, req);
    const visible = rows.flatMap((r) => (userVerdict(r.user) === 'visible' ? [r.user!] : []));
    const data = visible.map((u) => presentUser(u, req.selection.user, policy.metricNames));
    const hydrated = await hydrateUsers(this.store, visible, req.selection, viewer.userId, policy.metricNames);
    return document(data, hydrated.includes, hydrated.errors, page);
  }

  async like(viewer: Viewer, pathId: string, tweetId: string): Promise<Json> {
    LikesService.requireSelf(pathId, viewer);
    const found = await this.store.tweetCoreWithAuthor(tweetId);
    if (tweetVerdict(found?.tweet, found?.author, viewer.userId) !== 'visible') {
      throw new ApiProblem(400, {
        errors: [{ message: 'This tweet cannot be found.' }],
        title: 'Invalid Request',
        detail: INVALID_REQUEST_DETAIL,
        type: `${PROBLEM_BASE}invalid-request`,
      });
    }
    if (await this.store.like(pathId, tweetId, this.clock.now())) this.written?.pulse();
    return { data: { liked: true } };
  }

  async unlike(viewer: Viewer, pathId: string, tweetId: string): Promise<Json> {
    LikesService.requireSelf(pathId, viewer);
    if (await this.store.unlike(pathId, tweetId, this.clock.now())) this.written?.pulse();
    return { data: { liked: false } };
  }
}

/** liked_tweets' answer when its owner may not be listed (no such user, suspended, protected from the viewer), else null. */
function ownerRefusal(owner: AccountFlags | null, userId: string, viewer: Viewer): LikedTweetsResult | null {
  let problem: Json;
  if (!owner) problem = resourceNotFound('user', 'id', userId);
  else if (owner.suspended) problem = userSuspended('id', userId);
  else if (owner.protected && owner.id !== viewer.userId) problem = notAuthorizedForResource('user', 'id', userId, 'data');
  else return null;
  return { body: { errors: [problem] }, tweetCount: 0 };
}

/** What to read for one keyset page: one row more than asked, to learn whether another page exists. */
function keysetPage(req: ListRequest, newest?: number): KeysetPage {
  return { limit: req.maxResults + 1, direction: req.cursor?.direction ?? 'older', from: req.cursor?.key, newest };
}

/**
 * The page of rows read for keysetPage(req): the extra row dropped, and what its tokens are made from.
 * next_token is offered only when more rows exist; previous_token whenever the page was reached by a token.
 */
function paged<R>(fetched: R[], likeOf: (r: R) => LikeRow, keyOf: KeyPicker, req: ListRequest): { rows: R[]; page: PageTokens } {
  const limit = req.maxResults;
  const cursor = req.cursor;
  const direction = cursor?.direction ?? 'older';
  const more = fetched.length > limit;
  // Rows come newest first either way: going older the extra row is the last, going newer the first.
  const rows = !more ? fetched : direction === 'older' ? fetched.slice(0, limit) : fetched.slice(1);
  const first = rows[0];
  const last = rows[rows.length - 1];
  return { rows, page: { first: first && likeOf(first), last: last && likeOf(last), more, direction, cursor, keyOf } };
}

const tweetKey: KeyPicker = (r) => ({ likedAt: r.likedAt, id: r.tweetId });
const userKey: KeyPicker = (r) => ({ likedAt: r.likedAt, id: r.userId });

// Ids compare as text; '0' sorts before and nineteen '9's after every id of the same millisecond.
const justNewerThan = (k: LikeKey): LikeKey => ({ likedAt: k.likedAt + 1, id: '0' });
const justOlderThan = (k: LikeKey): LikeKey => ({ likedAt: k.likedAt - 1, id: '9999999999999999999' });

interface PageTokens {
  /** The page's newest and oldest likes (what its tokens lead on from), none when it is empty. */
  first: LikeRow | undefined;
  last: LikeRow | undefined;
  more: boolean;
  direction: 'older' | 'newer';
  cursor: Cursor | null;
  keyOf: KeyPicker;
}

/** The like's key within its listing: likes by a user are keyed by tweet, likes of a tweet by user. */
type KeyPicker = (r: LikeRow) => LikeKey;

function tokens(page: PageTokens): { next_token?: string; previous_token?: string } {
  const { first, last, more, direction, cursor, keyOf } = page;
  const out: { next_token?: string; previous_token?: string } = {};
  if (direction === 'older') {
    if (more && last) out.next_token = encodeCursor({ direction: 'older', key: keyOf(last) });
    // An empty page past the end still leads back to the page before it, its last row included.
    if (cursor) out.previous_token = encodeCursor({ direction: 'newer', key: first ? keyOf(first) : justOlderThan(cursor.key) });
  } else {
    if (more && first) out.previous_token = encodeCursor({ direction: 'newer', key: keyOf(first) });
    out.next_token = encodeCursor({
      direction: 'older',
      // An empty previous page still leads back to where the walk came from, that row included.
      key: last ? keyOf(last) : justNewerThan(cursor!.key),
    });
  }
  return out;
}

function document(data: (Json | WrittenObject)[], includes: Json | undefined, errors: Json[], page: PageTokens): Json {
  const body: Json = {};
  if (data.length) body.data = data;
  if (includes) body.includes = includes;
  if (errors.length) body.errors = errors;
  body.meta = { result_count: data.length, ...tokens(page) };
  return body;
}
