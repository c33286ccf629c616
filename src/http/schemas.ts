// Response and body schemas of the service's own OpenAPI document (names follow X's v2.159 document).
type Json = Record<string, unknown>;

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

const id = { type: 'string', pattern: '^[0-9]{1,19}$' };
const arrayOf = (items: Json, minItems = 1): Json => ({ type: 'array', minItems, items });
const meta = {
  type: 'object',
  properties: {
    result_count: { type: 'integer' },
    next_token: { type: 'string', minLength: 1 },
    previous_token: { type: 'string', minLength: 1 },
  },
};

export const COMPONENT_SCHEMAS: Record<string, Json> = {
  Problem: {
    type: 'object',
    required: ['type', 'title'],
    properties: { type: { type: 'string' }, title: { type: 'string' }, detail: { type: 'string' }, status: { type: 'integer' } },
  },
  Tweet: {
    type: 'object',
    required: ['id', 'text', 'edit_history_tweet_ids'],
    properties: {
      id,
      text: { type: 'string' },
      edit_history_tweet_ids: arrayOf(id),
      author_id: id,
      conversation_id: id,
      created_at: { type: 'string', format: 'date-time' },
      in_reply_to_user_id: id,
      lang: { type: 'string' },
      source: { type: 'string' },
      possibly_sensitive: { type: 'boolean' },
      reply_settings: { type: 'string' },
      referenced_tweets: arrayOf({ type: 'object', required: ['type', 'id'], properties: { type: { type: 'string' }, id } }),
      attachments: { type: 'object' },
      entities: { type: 'object' },
      geo: { type: 'object' },
      public_metrics: { type: 'object' },
      edit_controls: { type: 'object' },
    },
  },
  User: {
    type: 'object',
    required: ['id', 'name', 'username'],
    properties: {
      id,
      name: { type: 'string' },
      username: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      description: { type: 'string' },
      location: { type: 'string' },
      url: { type: 'string' },
      profile_image_url: { type: 'string' },
      protected: { type: 'boolean' },
      verified: { type: 'boolean' },
      verified_type: { type: 'string' },
      pinned_tweet_id: id,
      public_metrics: { type: 'object' },
    },
  },
  Media: { type: 'object', required: ['type'], properties: { media_key: { type: 'string' }, type: { type: 'string' } } },
  Poll: { type: 'object', required: ['id', 'options'], properties: { id, options: { type: 'array' } } },
  Place: { type: 'object', required: ['id', 'full_name'], properties: { id: { type: 'string' }, full_name: { type: 'string' } } },
  Expansions: {
    type: 'object',
    properties: {
      users: arrayOf(ref('User')),
      tweets: arrayOf(ref('Tweet')),
      media: arrayOf(ref('Media')),
      polls: arrayOf(ref('Poll')),
      places: arrayOf(ref('Place')),
    },
  },
  Get2UsersIdLikedTweetsResponse: {
    type: 'object',
    properties: { data: arrayOf(ref('Tweet')), includes: ref('Expansions'), errors: arrayOf(ref('Problem')), meta },
  },
  Get2TweetsIdLikingUsersResponse: {
    type: 'object',
    properties: { data: arrayOf(ref('User')), includes: ref('Expansions'), errors: arrayOf(ref('Problem')), meta },
  },
  UsersLikesCreateRequest: { type: 'object', required: ['tweet_id'], properties: { tweet_id: id } },
  UsersLikesCreateResponse: {
    type: 'object',
    properties: { data: { type: 'object', properties: { liked: { type: 'boolean' } } }, errors: arrayOf(ref('Problem')) },
  },
  UsersLikesDeleteResponse: {
    type: 'object',
    properties: { data: { type: 'object', properties: { liked: { type: 'boolean' } } }, errors: arrayOf(ref('Problem')) },
  },
  Get2UsageTweetsResponse: {
    type: 'object',
    properties: {
      data: {
        type: 'object',
        properties: {
          cap_reset_day: { type: 'integer' },
          project_cap: { type: 'string' },
          project_id: { type: 'string' },
          project_usage: { type: 'string' },
          daily_project_usage: { type: 'object' },
          daily_client_app_usage: { type: 'array' },
        },
      },
      errors: arrayOf(ref('Problem')),
    },
  },
};
