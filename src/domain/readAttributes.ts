// What of a Tweet or a user a request's fields and expansions read besides its core: a page reads no more of its
// Tweets and users, nor of the Tweets and users it includes, than it shows (ContentStore.likedTweetsByUser,
// likingUsersOfTweet, tweetsByIds, usersByIds, usersByUsernames), as each column read costs per row.
import type { TweetAttribute, UserAttribute } from '../ports/contentStore.ts';
import type { FieldSelection } from './fields.ts';

/**
 * The attributes presentTweet reads for each tweet.fields value. Fields missing here read only the core, or show
 * nothing (X's fields this service does not model, such as context_annotations).
 */
const BY_TWEET_FIELD: Readonly<Record<string, readonly TweetAttribute[]>> = {
  attachments: ['mediaKeys', 'pollIds'],
  conversation_id: ['conversationId'],
  created_at: ['createdAt'],
  edit_controls: ['createdAt'],
  entities: ['entities'],
  geo: ['placeId'],
  in_reply_to_user_id: ['inReplyToUserId'],
  lang: ['lang'],
  non_public_metrics: ['impressionCount'],
  organic_metrics: ['impressionCount', 'likeCount', 'replyCount', 'retweetCount'],
  possibly_sensitive: ['possiblySensitive'],
  public_metrics: ['retweetCount', 'replyCount', 'likeCount', 'quoteCount', 'bookmarkCount', 'impressionCount'],
  referenced_tweets: ['referencedTweets'],
  reply_settings: ['replySettings'],
  source: ['source'],
};

/** The attributes hydrateTweets reads of a page's Tweets for each expansion. */
const BY_TWEET_EXPANSION: Readonly<Record<string, readonly TweetAttribute[]>> = {
  'attachments.media_keys': ['mediaKeys'],
  'attachments.poll_ids': ['pollIds'],
  'entities.mentions.username': ['entities'],
  'geo.place_id': ['placeId'],
  in_reply_to_user_id: ['inReplyToUserId'],
  'referenced_tweets.id': ['referencedTweets'],
  'referenced_tweets.id.attachments.media_keys': ['referencedTweets'],
  'referenced_tweets.id.author_id': ['referencedTweets'],
};

/**
 * The attributes presentUser reads for each user.fields value (fields missing here read only the core, or show
 * nothing this service models).
 */
const BY_USER_FIELD: Readonly<Record<string, readonly UserAttribute[]>> = {
  created_at: ['createdAt'],
  description: ['description'],
  location: ['location'],
  pinned_tweet_id: ['pinnedTweetId'],
  profile_image_url: ['profileImageUrl'],
  protected: ['protected'],
  public_metrics: ['metrics'],
  url: ['url'],
  verified: ['verified'],
  verified_type: ['verified'],
};

/** What hydrateUsers reads of a page's users for each expansion: the pinned Tweet, and whether its author is protected. */
const BY_USER_EXPANSION: Readonly<Record<string, readonly UserAttribute[]>> = {
  pinned_tweet_id: ['pinnedTweetId', 'protected'],
};

/**
 * The attributes `byField` and `byExpansion` name for `selection`'s `fields` and expansions, and `always`, once per
 * selection.
 */
function attributesFor<A>(
  remembered: WeakMap<FieldSelection, readonly A[]>,
  fields: (s: FieldSelection) => ReadonlySet<string>,
  byField: Readonly<Record<string, readonly A[]>>,
  byExpansion: Readonly<Record<string, readonly A[]>>,
  always: readonly A[] = [],
): (selection: FieldSelection) => readonly A[] {
  return (selection) => {
    let attributes = remembered.get(selection);
    if (!attributes) {
      const set = new Set<A>(always);
      for (const f of fields(selection)) for (const a of byField[f] ?? []) set.add(a);
      for (const x of selection.expansions) for (const a of byExpansion[x] ?? []) set.add(a);
      attributes = [...set];
      remembered.set(selection, attributes);
    }
    return attributes;
  };
}

/** What of each Tweet of a liked_tweets page `selection` asks for is read: its core and these. */
export const tweetAttributesFor = attributesFor<TweetAttribute>(new WeakMap(), (s) => s.tweet, BY_TWEET_FIELD, BY_TWEET_EXPANSION);

/** What of each user of a liking_users page `selection` asks for is read: its core and these. */
export const userAttributesFor = attributesFor<UserAttribute>(new WeakMap(), (s) => s.user, BY_USER_FIELD, BY_USER_EXPANSION);

/**
 * What of each user hydration reads for `includes` (authors, mentioned users, repliers to, referenced Tweets' authors):
 * what user.fields shows, and whether the user is protected (which hides their Tweets).
 */
export const includedUserAttributesFor = attributesFor<UserAttribute>(new WeakMap(), (s) => s.user, BY_USER_FIELD, {}, ['protected']);

/**
 * What of each Tweet hydration reads for `includes` (referenced Tweets, pinned Tweets): what tweet.fields shows, and
 * the media a referenced Tweet's expansion names.
 */
export const includedTweetAttributesFor = attributesFor<TweetAttribute>(new WeakMap(), (s) => s.tweet, BY_TWEET_FIELD, {
  'referenced_tweets.id.attachments.media_keys': ['mediaKeys'],
});
