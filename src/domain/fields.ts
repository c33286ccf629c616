// The field and expansion vocabularies X accepts on the Likes endpoints. Clients use three generations of
// names (2022, v2.159, v2.167); all are accepted and newer aliases map onto the names we emit (v2.159).

export const TWEET_FIELDS = [
  'article', 'attachments', 'author_id', 'card_uri', 'community_id', 'context_annotations', 'conversation_id',
  'created_at', 'display_text_range', 'edit_controls', 'edit_history_tweet_ids', 'entities', 'geo', 'id',
  'in_reply_to_user_id', 'lang', 'media_metadata', 'non_public_metrics', 'note_tweet', 'organic_metrics',
  'possibly_sensitive', 'promoted_metrics', 'public_metrics', 'referenced_tweets', 'reply_settings', 'scopes', 'source',
  'suggested_source_links', 'suggested_source_links_with_counts', 'text', 'withheld',
] as const;

/** v2.167 (`post.fields`) names: the v2.159 list less a few, plus these. */
export const POST_FIELDS_V2_167 = [
  'article', 'article_title', 'attachments', 'card_uri', 'community_id', 'context_annotations', 'conversation_id',
  'created_at', 'display_text_range', 'edit_controls', 'entities', 'geo', 'id', 'lang', 'matched_media_notes',
  'media_metadata', 'non_public_metrics', 'note_post', 'note_request_suggestions', 'organic_metrics', 'paid_partnership',
  'possibly_sensitive', 'promoted_metrics', 'public_metrics', 'reply_settings', 'scopes', 'source',
  'suggested_source_links', 'suggested_source_links_with_counts', 'text', 'withheld',
] as const;

export const USER_FIELDS = [
  'affiliation', 'confirmed_email', 'connection_status', 'created_at', 'description', 'entities', 'id',
  'is_identity_verified', 'location', 'most_recent_tweet_id', 'name', 'parody', 'pinned_tweet_id', 'profile_banner_url',
  'profile_image_url', 'protected', 'public_metrics', 'receives_your_dm', 'subscription', 'subscription_type', 'url',
  'username', 'verified', 'verified_followers_count', 'verified_type', 'withheld',
] as const;

export const USER_FIELDS_V2_167_EXTRA = ['subscribes_to_you'] as const;

export const MEDIA_FIELDS = [
  'alt_text', 'duration_ms', 'height', 'media_key', 'non_public_metrics', 'organic_metrics', 'preview_image_url',
  'promoted_metrics', 'public_metrics', 'type', 'url', 'variants', 'width',
] as const;

export const PLACE_FIELDS = ['contained_within', 'country', 'country_code', 'full_name', 'geo', 'id', 'name', 'place_type'] as const;

export const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'] as const;

export const TWEET_EXPANSIONS = [
  'article.cover_media', 'article.media_entities', 'attachments.media_keys', 'attachments.media_source_tweet',
  'attachments.poll_ids', 'author_id', 'edit_history_tweet_ids', 'entities.mentions.username', 'geo.place_id',
  'in_reply_to_user_id', 'entities.note.mentions.username', 'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys', 'referenced_tweets.id.author_id',
] as const;

export const TWEET_EXPANSIONS_V2_167_EXTRA = ['edit_history_post_ids', 'referenced_posts', 'username'] as const;

export const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'] as const;

export const USER_EXPANSIONS_V2_167_EXTRA = ['affiliation', 'most_recent_post_id', 'pinned_post_id'] as const;

/** v2.167 names → the v2.159 name the service works with. */
export const ALIASES: Readonly<Record<string, string>> = {
  note_post: 'note_tweet',
  edit_history_post_ids: 'edit_history_tweet_ids',
  referenced_posts: 'referenced_tweets.id',
  username: 'entities.mentions.username',
  affiliation: 'affiliation.user_id',
  most_recent_post_id: 'most_recent_tweet_id',
  pinned_post_id: 'pinned_tweet_id',
};

const union = (...lists: readonly (readonly string[])[]): readonly string[] => [...new Set(lists.flat())].sort();

/** What each list parameter accepts (sorted, as X lists them in its error messages). */
export const ACCEPTED = {
  tweetFields: union(TWEET_FIELDS, POST_FIELDS_V2_167),
  userFields: union(USER_FIELDS, USER_FIELDS_V2_167_EXTRA),
  mediaFields: union(MEDIA_FIELDS),
  placeFields: union(PLACE_FIELDS),
  pollFields: union(POLL_FIELDS),
  tweetExpansions: union(TWEET_EXPANSIONS, TWEET_EXPANSIONS_V2_167_EXTRA),
  userExpansions: union(USER_EXPANSIONS, USER_EXPANSIONS_V2_167_EXTRA),
} as const;

/** The fields and expansions one request asked for, aliases resolved. */
export interface FieldSelection {
  tweet: ReadonlySet<string>;
  user: ReadonlySet<string>;
  media: ReadonlySet<string>;
  place: ReadonlySet<string>;
  poll: ReadonlySet<string>;
  expansions: ReadonlySet<string>;
}

export function resolveAliases(values: readonly string[] | undefined): Set<string> {
  return new Set((values ?? []).map((v) => ALIASES[v] ?? v));
}
