// X's objects as JSON Schema (names follow X's v2.159 document). /openapi.json serves these very objects under
// components.schemas, and the presenters return the types derived from them (json-schema-to-ts, types only: nothing
// of it is loaded at run time), so a member a presenter emits is one the document describes.
import type { FromSchema } from 'json-schema-to-ts';
import { ID_PATTERN } from './ids.ts';

/** `{ $ref }` to a schema of the document's components, typed so that derived types can follow it. */
export const ref = <const N extends string>(name: N) => ({ $ref: `#/components/schemas/${name}` }) as const;

/** An id as X writes it: the pattern the path parameters are checked against too. */
export const id = { type: 'string', pattern: ID_PATTERN.source } as const;
export const arrayOf = <const I>(items: I) => ({ type: 'array', minItems: 1, items }) as const;
const object = { type: 'object' } as const;
const string = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const boolean = { type: 'boolean' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

export const Problem = {
  type: 'object',
  required: ['type', 'title'],
  properties: { type: string, title: string, detail: string, status: integer },
} as const;

export const Tweet = {
  type: 'object',
  required: ['id', 'text', 'edit_history_tweet_ids'],
  properties: {
    id,
    text: string,
    edit_history_tweet_ids: arrayOf(id),
    author_id: id,
    conversation_id: id,
    created_at: dateTime,
    in_reply_to_user_id: id,
    lang: string,
    source: string,
    possibly_sensitive: boolean,
    reply_settings: string,
    referenced_tweets: arrayOf({ type: 'object', required: ['type', 'id'], properties: { type: string, id } }),
    attachments: object,
    entities: object,
    geo: object,
    public_metrics: object,
    edit_controls: object,
    non_public_metrics: object,
    organic_metrics: object,
  },
} as const;

export const User = {
  type: 'object',
  required: ['id', 'name', 'username'],
  properties: {
    id,
    name: string,
    username: string,
    created_at: dateTime,
    description: string,
    location: string,
    url: string,
    profile_image_url: string,
    protected: boolean,
    verified: boolean,
    verified_type: string,
    pinned_tweet_id: id,
    public_metrics: object,
  },
} as const;

export const Media = {
  type: 'object',
  required: ['type'],
  properties: {
    media_key: string,
    type: string,
    url: string,
    preview_image_url: string,
    width: integer,
    height: integer,
    alt_text: string,
    duration_ms: integer,
    public_metrics: object,
  },
} as const;

export const Poll = {
  type: 'object',
  required: ['id', 'options'],
  properties: {
    id,
    options: { type: 'array' },
    duration_minutes: integer,
    end_datetime: dateTime,
    voting_status: { type: 'string', enum: ['open', 'closed'] },
  },
} as const;

export const Place = {
  type: 'object',
  required: ['id', 'full_name'],
  properties: { id: string, full_name: string, name: string, country: string, country_code: string, place_type: string, geo: object },
} as const;

export const Expansions = {
  type: 'object',
  properties: {
    users: arrayOf(ref('User')),
    tweets: arrayOf(ref('Tweet')),
    media: arrayOf(ref('Media')),
    polls: arrayOf(ref('Poll')),
    places: arrayOf(ref('Place')),
  },
} as const;

/** The schemas other schemas refer to by name (`ref`), in the order the document lists them. */
export const OBJECT_SCHEMAS = { Problem, Tweet, User, Media, Poll, Place, Expansions } as const;

/**
 * The members a schema names, at every level, without the index signatures an open schema also gives (X may add
 * members; we emit only these): a presenter setting a member its schema lacks does not compile.
 */
type Known<T> =
  T extends readonly (infer E)[] ? Known<E>[]
  : T extends object ? { [K in keyof T as string extends K ? never : K]: Known<T[K]> }
  : T;

export type TweetObject = Known<FromSchema<typeof Tweet>>;
export type UserObject = Known<FromSchema<typeof User>>;
export type MediaObject = Known<FromSchema<typeof Media>>;
export type PollObject = Known<FromSchema<typeof Poll>>;
export type PlaceObject = Known<FromSchema<typeof Place>>;
