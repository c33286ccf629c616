// What of a Tweet a request's fields and expansions read besides its core (id, author_id, text, deleted): a page
// reads no more of its Tweets than it shows (ContentStore.likedTweetsByUser), as each column read costs per row.
import type { TweetAttribute } from '../ports/contentStore.ts';
import type { FieldSelection } from './fields.ts';

/**
 * The attributes presentTweet reads for each tweet.fields value. Fields missing here read only the core, or show
 * nothing (X's fields this service does not model, such as context_annotations).
 */
const BY_FIELD: Readonly<Record<string, readonly TweetAttribute[]>> = {
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

/** The attributes hydrateTweets reads of a page's Tweets for each expansion (referenced Tweets are read whole). */
const BY_EXPANSION: Readonly<Record<string, readonly TweetAttribute[]>> = {
  'attachments.media_keys': ['mediaKeys'],
  'attachments.poll_ids': ['pollIds'],
  'entities.mentions.username': ['entities'],
  'geo.place_id': ['placeId'],
  in_reply_to_user_id: ['inReplyToUserId'],
  'referenced_tweets.id': ['referencedTweets'],
  'referenced_tweets.id.attachments.media_keys': ['referencedTweets'],
  'referenced_tweets.id.author_id': ['referencedTweets'],
};

const remembered = new WeakMap<FieldSelection, readonly TweetAttribute[]>();

/** What of each Tweet of a page `selection` asks for is read: its core and these. */
export function tweetAttributesFor(selection: FieldSelection): readonly TweetAttribute[] {
  let attributes = remembered.get(selection);
  if (!attributes) {
    const set = new Set<TweetAttribute>();
    for (const f of selection.tweet) for (const a of BY_FIELD[f] ?? []) set.add(a);
    for (const x of selection.expansions) for (const a of BY_EXPANSION[x] ?? []) set.add(a);
    attributes = [...set];
    remembered.set(selection, attributes);
  }
  return attributes;
}
