// The records the domain works with. Ids are snowflake-style decimal strings, as X sends them;
// times are epoch milliseconds. Optional JSON-shaped parts are kept as X serves them.

export interface PublicUserMetrics {
  followers_count: number;
  following_count: number;
  tweet_count: number;
  listed_count: number;
  like_count: number;
}

export interface UserRecord {
  id: string;
  username: string;
  name: string;
  createdAt: number;
  description: string;
  location: string | null;
  url: string | null;
  profileImageUrl: string;
  protected: boolean;
  verified: boolean;
  suspended: boolean;
  pinnedTweetId: string | null;
  metrics: PublicUserMetrics;
}

export interface ReferencedTweet {
  type: 'retweeted' | 'quoted' | 'replied_to';
  id: string;
}

export interface TweetEntities {
  mentions?: { start: number; end: number; username: string; id?: string }[];
  hashtags?: { start: number; end: number; tag: string }[];
  urls?: { start: number; end: number; url: string; expanded_url: string; display_url: string }[];
}

export interface TweetRecord {
  id: string;
  authorId: string;
  text: string;
  createdAt: number;
  lang: string;
  source: string;
  conversationId: string;
  inReplyToUserId: string | null;
  referencedTweets: ReferencedTweet[];
  mediaKeys: string[];
  pollIds: string[];
  placeId: string | null;
  entities: TweetEntities | null;
  possiblySensitive: boolean;
  replySettings: 'everyone' | 'mentionedUsers' | 'following';
  deleted: boolean;
  retweetCount: number;
  replyCount: number;
  quoteCount: number;
  impressionCount: number;
  bookmarkCount: number;
  /** Kept equal to the number of like rows in the same transaction as each like/unlike. */
  likeCount: number;
}

/**
 * A new, plain Tweet: no reply, reference, media, poll or place, nothing counted yet. Callers give what makes it
 * theirs (id, author, text, time, language, source, entities) and override anything else.
 */
export function newTweet(
  fields: Pick<TweetRecord, 'id' | 'authorId' | 'text' | 'createdAt' | 'lang' | 'source'> & Partial<TweetRecord>,
): TweetRecord {
  const { id, authorId, text, createdAt, lang, source, ...rest } = fields;
  // Keys in TweetRecord's order (the spread below keeps their places), so records compare equal as JSON.
  return {
    id,
    authorId,
    text,
    createdAt,
    lang,
    source,
    conversationId: id,
    inReplyToUserId: null,
    referencedTweets: [],
    mediaKeys: [],
    pollIds: [],
    placeId: null,
    entities: null,
    possiblySensitive: false,
    replySettings: 'everyone',
    deleted: false,
    retweetCount: 0,
    replyCount: 0,
    quoteCount: 0,
    impressionCount: 0,
    bookmarkCount: 0,
    likeCount: 0,
    ...rest,
  };
}

export interface MediaRecord {
  mediaKey: string;
  type: 'photo' | 'video' | 'animated_gif';
  url: string | null;
  previewImageUrl: string | null;
  width: number;
  height: number;
  altText: string | null;
  durationMs: number | null;
  viewCount: number | null;
}

export interface PollRecord {
  id: string;
  options: { position: number; label: string; votes: number }[];
  durationMinutes: number;
  endAt: number;
}

export interface PlaceRecord {
  id: string;
  fullName: string;
  name: string;
  country: string;
  countryCode: string;
  placeType: string;
  bbox: [number, number, number, number];
}

/** One like, as listed: who, what, when. The keyset of every likes listing is (likedAt, other id). */
export interface LikeRow {
  userId: string;
  tweetId: string;
  likedAt: number;
}

export type AppPermission = 'read' | 'read-write' | 'read-write-directmessages';
export type OAuth2Scope = 'tweet.read' | 'users.read' | 'like.read' | 'like.write' | 'offline.access';
export const OAUTH2_SCOPES: readonly OAuth2Scope[] = ['tweet.read', 'users.read', 'like.read', 'like.write', 'offline.access'];

/**
 * X's "Type of App" (developer portal, user authentication settings): Web App and Automated App or bot are
 * confidential clients (the token endpoints require HTTP Basic with the client secret); Native App and Single page
 * App are public clients (`client_id` alone).
 */
export type AppType = 'web' | 'bot' | 'native' | 'spa';
export const APP_TYPES: readonly AppType[] = ['web', 'bot', 'native', 'spa'];
export type OAuth2ClientType = 'confidential' | 'public';

export function clientTypeOf(type: AppType): OAuth2ClientType {
  return type === 'native' || type === 'spa' ? 'public' : 'confidential';
}

export type DeveloperAccountState = 'approved' | 'pending' | 'suspended';

export interface ProjectRecord {
  id: string;
  name: string;
  /** Monthly Tweet cap of the Project (Tweets read through liked_tweets). */
  monthlyTweetCap: number;
  /** Day of month (1-28) on which usage resets. */
  capResetDay: number;
  developerState: DeveloperAccountState;
  /** The developer account (DeveloperRecord) that owns the Project and sees it in the portal; null: the operator's alone. */
  developerId: string | null;
  policy: PolicyOverrides;
}

/** A developer account: signs in to the developer portal (/portal) and owns Projects. */
export interface DeveloperRecord {
  id: string;
  /** Unique regardless of ASCII letter case. */
  username: string;
  /** scrypt hash made by src/auth/flows/passwords.ts. */
  passwordHash: string;
  createdAt: number;
  /**
   * The developer's own X account (a user id): the portal makes each App's "Access Token and Secret" for it, as X's
   * console does for the App owner. Null until the operator links one (`likes-api developer set U --user …`).
   * At most one developer per user.
   */
  userId: string | null;
}

export interface AppRecord {
  id: string;
  name: string;
  projectId: string | null;
  permission: AppPermission;
  suspended: boolean;
  consumerKey: string;
  /** Sealed (encrypted) consumer secret: HMAC-SHA1 verification needs the plaintext, so it cannot be a hash. */
  consumerSecretSealed: string;
  clientId: string;
  /** SHA-256 of the OAuth 2.0 client secret. */
  clientSecretHash: string;
  policy: PolicyOverrides;
  /** Decides how the App authenticates on /2/oauth2/token and /2/oauth2/revoke (see clientTypeOf). */
  appType: AppType;
}

export interface OAuth1TokenRecord {
  token: string;
  appId: string;
  userId: string;
  /** Sealed token secret (needed in plaintext for HMAC-SHA1 verification). */
  secretSealed: string;
  permission: AppPermission;
}

/** A bearer credential, looked up by the SHA-256 of the token. */
export type BearerRecord =
  | { kind: 'app'; tokenHash: string; appId: string }
  | {
      kind: 'user';
      tokenHash: string;
      appId: string;
      userId: string;
      scopes: OAuth2Scope[];
      expiresAt: number | null;
    };

// ---- Policies: X's behaviours that changed over time, switchable per Project or App ----

export type AppOnlyOnLookups = 'accept' | 'refuse';
export type LikesPrivacy = 'public' | 'private';
export type RateLimitTier = 'classic' | 'pro' | 'basic' | 'free' | 'pay-per-use';
export type AccessLevel = 'likes' | 'no-likes';
/**
 * Names of the renamed public metrics: X's v2.159 (`retweet_count`, `tweet_count`, what real responses carry), v2.167
 * (`repost_count`, `post_count`), or both, each new name right after its old twin, so clients generated from either
 * document work.
 */
export type MetricNames = 'both' | 'v2159' | 'v2167';
/** Webhook URLs: `local` also takes http and any port on loopback (a sandbox's receiver); `x`: X's rules only. */
export type WebhookUrls = 'local' | 'x';
/** `POST /2/webhooks/replay` windows: `sandbox` may end at the current minute; `x`: X's 10–31 minutes in the past. */
export type ReplayWindow = 'sandbox' | 'x';

export interface Policy {
  appOnlyOnLookups: AppOnlyOnLookups;
  likesPrivacy: LikesPrivacy;
  likingUsersCap: boolean;
  rateLimitTier: RateLimitTier;
  accessLevel: AccessLevel;
  metricNames: MetricNames;
  webhookUrls: WebhookUrls;
  replayWindow: ReplayWindow;
}

export type PolicyOverrides = Partial<Policy>;

export const DEFAULT_POLICY: Policy = {
  appOnlyOnLookups: 'accept',
  likesPrivacy: 'public',
  likingUsersCap: true,
  rateLimitTier: 'classic',
  accessLevel: 'likes',
  metricNames: 'both',
  webhookUrls: 'local',
  replayWindow: 'sandbox',
};
