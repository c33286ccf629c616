// Versioned schema for the PostgreSQL store. `migrate()` applies the entries past the highest version recorded in
// `schema_migrations`, each in its own transaction, while holding a session advisory lock (PG_MIGRATION_LOCK_KEY)
// so that several processes starting at once apply every version exactly once.
//
// Same tables and column names as the SQLite schema (src/adapters/sqlite/migrations.ts), so src/adapters/rows.ts maps
// both. Differences are deliberate:
// - ids, keys and usernames are TEXT COLLATE "C": ORDER BY and row-value comparisons are byte order, exactly like
//   SQLite's BINARY collation, whatever the database's default collation is;
// - times and counts are BIGINT (SQLite INTEGER is 64-bit); the store parses int8 to JS numbers;
// - flags are BOOLEAN; JSON parts stay TEXT (JSONB would reorder object keys and change the served bytes);
// - the case-insensitive username index is on lower(username) of a "C"-collated column, which folds ASCII only,
//   like SQLite's NOCASE.
// Kept portable to Citus / YugabyteDB / CockroachDB (docs/distributed-postgres.md): no stored generated columns,
// no triggers, no LISTEN/NOTIFY, no sequences.

/** Fixed 64-bit key of the advisory lock taken around migrations: the ASCII bytes of "LikesAPI". */
export const PG_MIGRATION_LOCK_KEY = '5506050102906671177'; // 0x4c696b6573415049

export const PG_SCHEMA_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at BIGINT NOT NULL
  )`;

export const PG_MIGRATIONS: readonly string[] = [
  /* 1 */ `
  CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    username TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    location TEXT,
    url TEXT,
    profile_image_url TEXT NOT NULL,
    protected BOOLEAN NOT NULL DEFAULT false,
    verified BOOLEAN NOT NULL DEFAULT false,
    suspended BOOLEAN NOT NULL DEFAULT false,
    pinned_tweet_id TEXT COLLATE "C",
    followers_count BIGINT NOT NULL DEFAULT 0,
    following_count BIGINT NOT NULL DEFAULT 0,
    tweet_count BIGINT NOT NULL DEFAULT 0,
    listed_count BIGINT NOT NULL DEFAULT 0,
    like_count BIGINT NOT NULL DEFAULT 0 CHECK (like_count >= 0)
  );
  -- lower() of a "C"-collated value folds A-Z only, like SQLite's NOCASE.
  CREATE UNIQUE INDEX users_username ON users (lower(username));

  CREATE TABLE tweets (
    id TEXT COLLATE "C" PRIMARY KEY,
    author_id TEXT COLLATE "C" NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    lang TEXT NOT NULL,
    source TEXT NOT NULL,
    conversation_id TEXT COLLATE "C" NOT NULL,
    in_reply_to_user_id TEXT COLLATE "C",
    referenced_tweets TEXT NOT NULL DEFAULT '[]',
    media_keys TEXT NOT NULL DEFAULT '[]',
    poll_ids TEXT NOT NULL DEFAULT '[]',
    place_id TEXT COLLATE "C",
    entities TEXT,
    possibly_sensitive BOOLEAN NOT NULL DEFAULT false,
    reply_settings TEXT NOT NULL DEFAULT 'everyone',
    deleted BOOLEAN NOT NULL DEFAULT false,
    retweet_count BIGINT NOT NULL DEFAULT 0,
    reply_count BIGINT NOT NULL DEFAULT 0,
    quote_count BIGINT NOT NULL DEFAULT 0,
    impression_count BIGINT NOT NULL DEFAULT 0,
    bookmark_count BIGINT NOT NULL DEFAULT 0,
    like_count BIGINT NOT NULL DEFAULT 0 CHECK (like_count >= 0)
  );

  CREATE TABLE media (
    media_key TEXT COLLATE "C" PRIMARY KEY, type TEXT NOT NULL, url TEXT, preview_image_url TEXT, width BIGINT NOT NULL,
    height BIGINT NOT NULL, alt_text TEXT, duration_ms BIGINT, view_count BIGINT
  );
  CREATE TABLE polls (
    id TEXT COLLATE "C" PRIMARY KEY, options TEXT NOT NULL, duration_minutes BIGINT NOT NULL, end_at BIGINT NOT NULL
  );
  CREATE TABLE places (
    id TEXT COLLATE "C" PRIMARY KEY, full_name TEXT NOT NULL, name TEXT NOT NULL, country TEXT NOT NULL,
    country_code TEXT NOT NULL, place_type TEXT NOT NULL, bbox TEXT NOT NULL
  );

  -- Likes keyed by liker; the two indexes serve both listings newest first and their keyset cursors
  -- ((liked_at, other_id) row-value comparisons are index range scans).
  CREATE TABLE likes (
    user_id TEXT COLLATE "C" NOT NULL,
    tweet_id TEXT COLLATE "C" NOT NULL,
    liked_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, tweet_id)
  );
  CREATE INDEX likes_by_user ON likes (user_id, liked_at, tweet_id);
  CREATE INDEX likes_by_tweet ON likes (tweet_id, liked_at, user_id);

  CREATE TABLE projects (
    id TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, monthly_tweet_cap BIGINT NOT NULL, cap_reset_day BIGINT NOT NULL,
    developer_state TEXT NOT NULL, policy TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE apps (
    id TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, project_id TEXT COLLATE "C", permission TEXT NOT NULL,
    suspended BOOLEAN NOT NULL DEFAULT false, consumer_key TEXT COLLATE "C" NOT NULL UNIQUE,
    consumer_secret_sealed TEXT NOT NULL, client_id TEXT COLLATE "C" NOT NULL UNIQUE, client_secret_hash TEXT NOT NULL,
    policy TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE oauth1_tokens (
    token TEXT COLLATE "C" PRIMARY KEY, app_id TEXT COLLATE "C" NOT NULL, user_id TEXT COLLATE "C" NOT NULL,
    secret_sealed TEXT NOT NULL, permission TEXT NOT NULL
  );
  CREATE INDEX oauth1_tokens_app ON oauth1_tokens (app_id);
  CREATE TABLE bearers (
    token_hash TEXT COLLATE "C" PRIMARY KEY, kind TEXT COLLATE "C" NOT NULL, app_id TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C", scopes TEXT, expires_at BIGINT
  );
  CREATE INDEX bearers_app ON bearers (app_id, kind);
  `,
  /* 2 */ `
  -- Sign-in passwords for the authorization pages (src/auth/flows): scrypt hashes with their salt and cost.
  CREATE TABLE user_passwords (user_id TEXT COLLATE "C" PRIMARY KEY, password_hash TEXT NOT NULL);
  `,
  /* 3 */ `
  -- X's "Type of App" (web|bot: confidential clients, native|spa: public clients). Apps made before are Web Apps.
  ALTER TABLE apps ADD COLUMN app_type TEXT NOT NULL DEFAULT 'web';
  `,
  /* 4 */ `
  -- Events (src/domain/events): the outbox like/unlike write in their own statement. A sequence orders inserts, not
  -- commits, so each row keeps its transaction id: readers take rows of transactions that have all ended
  -- (xid below the snapshot's xmin) in (xid, seq) order, and keep that pair as their position (eventsAfter).
  CREATE TABLE like_events (
    seq BIGSERIAL PRIMARY KEY, xid xid8 NOT NULL DEFAULT pg_current_xact_id(), kind TEXT NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL, tweet_id TEXT COLLATE "C" NOT NULL, author_id TEXT COLLATE "C" NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE INDEX like_events_order ON like_events (xid, seq);
  CREATE INDEX like_events_at ON like_events (at);
  CREATE TABLE webhooks (
    id TEXT COLLATE "C" PRIMARY KEY, app_id TEXT COLLATE "C" NOT NULL, url TEXT NOT NULL, created_at BIGINT NOT NULL,
    validity TEXT NOT NULL
  );
  CREATE INDEX webhooks_app ON webhooks (app_id);
  CREATE TABLE event_subscriptions (
    id TEXT COLLATE "C" PRIMARY KEY, app_id TEXT COLLATE "C" NOT NULL, product TEXT NOT NULL, event_type TEXT NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL, direction TEXT, tag TEXT, webhook_id TEXT COLLATE "C", created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE INDEX event_subscriptions_app ON event_subscriptions (app_id, product, created_at);
  CREATE INDEX event_subscriptions_webhook ON event_subscriptions (webhook_id);
  -- One subscription per App for the same thing (product, event, user, direction, webhook), whichever instance takes it.
  CREATE UNIQUE INDEX event_subscriptions_same ON event_subscriptions
    (app_id, product, event_type, user_id, coalesce(direction, ''), coalesce(webhook_id, ''));
  CREATE TABLE event_cursors (
    name TEXT COLLATE "C" PRIMARY KEY, position TEXT, owner TEXT NOT NULL, leased_until BIGINT NOT NULL
  );
  CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY, webhook_id TEXT COLLATE "C" NOT NULL, kind TEXT NOT NULL, event_seq TEXT,
    subscription_id TEXT, attempt INTEGER NOT NULL, status INTEGER NOT NULL, error TEXT, latency_ms BIGINT NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
  CREATE INDEX webhook_deliveries_at ON webhook_deliveries (at);
  CREATE TABLE stream_connections (
    id TEXT COLLATE "C" PRIMARY KEY, app_id TEXT COLLATE "C" NOT NULL, endpoint TEXT NOT NULL, partition INTEGER,
    client_ip TEXT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT, end_reason TEXT,
    end_requested BOOLEAN NOT NULL DEFAULT false
  );
  CREATE INDEX stream_connections_app ON stream_connections (app_id, started_at);
  `,
  /* 5 */ `
  -- Developer accounts of the developer portal (/portal): scrypt password hashes, usernames unique regardless of
  -- ASCII case (lower() of a "C"-collated value folds A-Z only, like SQLite's NOCASE); each Project may belong to
  -- one (developer_id; NULL: the operator's alone).
  CREATE TABLE developers (
    id TEXT COLLATE "C" PRIMARY KEY, username TEXT COLLATE "C" NOT NULL, password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE UNIQUE INDEX developers_username ON developers (lower(username));
  ALTER TABLE projects ADD COLUMN developer_id TEXT COLLATE "C";
  CREATE INDEX projects_developer ON projects (developer_id, id);
  `,
  /* 6 */ `
  -- A developer's own X account (a user id), for the Access Token and Secret the portal makes for it; NULL (the
  -- developers made before) until linked. One developer per user (NULLs never clash).
  ALTER TABLE developers ADD COLUMN user_id TEXT COLLATE "C";
  CREATE UNIQUE INDEX developers_user ON developers (user_id);
  `,
  /* 7 */ `
  -- The body of each delivery as posted (the portal's delivery log shows it); NULL for a CRC and for rows logged
  -- before this column existed.
  ALTER TABLE webhook_deliveries ADD COLUMN body TEXT;
  `,
  /* 8 */ `
  -- OAuth 2.0 user access tokens by expiry, for removing the expired ones (CredentialIssuer: they were kept forever).
  CREATE INDEX bearers_expiry ON bearers (expires_at) WHERE expires_at IS NOT NULL;
  `,
];
