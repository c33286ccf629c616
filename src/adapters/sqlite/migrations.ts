// Versioned schema for the SQLite store; PRAGMA user_version records how far a file has come.
export const SQLITE_MIGRATIONS: readonly string[] = [
  /* 1 */ `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    location TEXT,
    url TEXT,
    profile_image_url TEXT NOT NULL,
    protected INTEGER NOT NULL DEFAULT 0,
    verified INTEGER NOT NULL DEFAULT 0,
    suspended INTEGER NOT NULL DEFAULT 0,
    pinned_tweet_id TEXT,
    followers_count INTEGER NOT NULL DEFAULT 0,
    following_count INTEGER NOT NULL DEFAULT 0,
    tweet_count INTEGER NOT NULL DEFAULT 0,
    listed_count INTEGER NOT NULL DEFAULT 0,
    like_count INTEGER NOT NULL DEFAULT 0 CHECK (like_count >= 0)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX users_username ON users (username COLLATE NOCASE);

  CREATE TABLE tweets (
    id TEXT PRIMARY KEY,
    author_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    lang TEXT NOT NULL,
    source TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    in_reply_to_user_id TEXT,
    referenced_tweets TEXT NOT NULL DEFAULT '[]',
    media_keys TEXT NOT NULL DEFAULT '[]',
    poll_ids TEXT NOT NULL DEFAULT '[]',
    place_id TEXT,
    entities TEXT,
    possibly_sensitive INTEGER NOT NULL DEFAULT 0,
    reply_settings TEXT NOT NULL DEFAULT 'everyone',
    deleted INTEGER NOT NULL DEFAULT 0,
    retweet_count INTEGER NOT NULL DEFAULT 0,
    reply_count INTEGER NOT NULL DEFAULT 0,
    quote_count INTEGER NOT NULL DEFAULT 0,
    impression_count INTEGER NOT NULL DEFAULT 0,
    bookmark_count INTEGER NOT NULL DEFAULT 0,
    like_count INTEGER NOT NULL DEFAULT 0 CHECK (like_count >= 0)
  ) WITHOUT ROWID;

  CREATE TABLE media (
    media_key TEXT PRIMARY KEY, type TEXT NOT NULL, url TEXT, preview_image_url TEXT, width INTEGER NOT NULL,
    height INTEGER NOT NULL, alt_text TEXT, duration_ms INTEGER, view_count INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE polls (id TEXT PRIMARY KEY, options TEXT NOT NULL, duration_minutes INTEGER NOT NULL, end_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE places (
    id TEXT PRIMARY KEY, full_name TEXT NOT NULL, name TEXT NOT NULL, country TEXT NOT NULL, country_code TEXT NOT NULL,
    place_type TEXT NOT NULL, bbox TEXT NOT NULL
  ) WITHOUT ROWID;

  -- Likes keyed by liker; the two indexes serve both listings newest first and their keyset cursors.
  CREATE TABLE likes (
    user_id TEXT NOT NULL,
    tweet_id TEXT NOT NULL,
    liked_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, tweet_id)
  ) WITHOUT ROWID;
  CREATE INDEX likes_by_user ON likes (user_id, liked_at, tweet_id);
  CREATE INDEX likes_by_tweet ON likes (tweet_id, liked_at, user_id);

  CREATE TABLE projects (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, monthly_tweet_cap INTEGER NOT NULL, cap_reset_day INTEGER NOT NULL,
    developer_state TEXT NOT NULL, policy TEXT NOT NULL DEFAULT '{}'
  ) WITHOUT ROWID;
  CREATE TABLE apps (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, project_id TEXT, permission TEXT NOT NULL, suspended INTEGER NOT NULL DEFAULT 0,
    consumer_key TEXT NOT NULL UNIQUE, consumer_secret_sealed TEXT NOT NULL, client_id TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL, policy TEXT NOT NULL DEFAULT '{}'
  ) WITHOUT ROWID;
  CREATE TABLE oauth1_tokens (
    token TEXT PRIMARY KEY, app_id TEXT NOT NULL, user_id TEXT NOT NULL, secret_sealed TEXT NOT NULL, permission TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX oauth1_tokens_app ON oauth1_tokens (app_id);
  CREATE TABLE bearers (
    token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, app_id TEXT NOT NULL, user_id TEXT, scopes TEXT, expires_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX bearers_app ON bearers (app_id, kind);
  `,
  /* 2 */ `
  -- Sign-in passwords for the authorization pages (src/auth/flows): scrypt hashes with their salt and cost.
  CREATE TABLE user_passwords (user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL) WITHOUT ROWID;
  `,
  /* 3 */ `
  -- X's "Type of App" (web|bot: confidential clients, native|spa: public clients). Apps made before are Web Apps.
  ALTER TABLE apps ADD COLUMN app_type TEXT NOT NULL DEFAULT 'web';
  `,
  /* 4 */ `
  -- Events (src/domain/events): the outbox like/unlike write in their own transaction (AUTOINCREMENT: a seq is never
  -- reused after pruning, so a reader's position stays meaningful), webhooks, subscriptions, delivery cursors with
  -- leases, the delivery log and stream connections.
  CREATE TABLE like_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, user_id TEXT NOT NULL, tweet_id TEXT NOT NULL, author_id TEXT NOT NULL, at INTEGER NOT NULL
  );
  CREATE INDEX like_events_at ON like_events (at);
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY, app_id TEXT NOT NULL, url TEXT NOT NULL, created_at INTEGER NOT NULL, validity TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX webhooks_app ON webhooks (app_id);
  CREATE TABLE event_subscriptions (
    id TEXT PRIMARY KEY, app_id TEXT NOT NULL, product TEXT NOT NULL, event_type TEXT NOT NULL, user_id TEXT NOT NULL,
    direction TEXT, tag TEXT, webhook_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX event_subscriptions_app ON event_subscriptions (app_id, product, created_at);
  CREATE INDEX event_subscriptions_webhook ON event_subscriptions (webhook_id);
  -- One subscription per App for the same thing (product, event, user, direction, webhook), whichever instance takes it.
  CREATE UNIQUE INDEX event_subscriptions_same ON event_subscriptions
    (app_id, product, event_type, user_id, coalesce(direction, ''), coalesce(webhook_id, ''));
  CREATE TABLE event_cursors (
    name TEXT PRIMARY KEY, position TEXT, owner TEXT NOT NULL, leased_until INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, webhook_id TEXT NOT NULL, kind TEXT NOT NULL, event_seq TEXT,
    subscription_id TEXT, attempt INTEGER NOT NULL, status INTEGER NOT NULL, error TEXT, latency_ms INTEGER NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
  CREATE INDEX webhook_deliveries_at ON webhook_deliveries (at);
  CREATE TABLE stream_connections (
    id TEXT PRIMARY KEY, app_id TEXT NOT NULL, endpoint TEXT NOT NULL, partition INTEGER, client_ip TEXT NOT NULL,
    started_at INTEGER NOT NULL, ended_at INTEGER, end_reason TEXT, end_requested INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX stream_connections_app ON stream_connections (app_id, started_at);
  `,
  /* 5 */ `
  -- Developer accounts of the developer portal (/portal): scrypt password hashes, usernames unique regardless of
  -- ASCII case; each Project may belong to one (developer_id; NULL: the operator's alone).
  CREATE TABLE developers (
    id TEXT PRIMARY KEY, username TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX developers_username ON developers (username COLLATE NOCASE);
  ALTER TABLE projects ADD COLUMN developer_id TEXT;
  CREATE INDEX projects_developer ON projects (developer_id, id);
  `,
  /* 6 */ `
  -- A developer's own X account (a user id), for the Access Token and Secret the portal makes for it; NULL (the
  -- developers made before) until linked. One developer per user.
  ALTER TABLE developers ADD COLUMN user_id TEXT;
  CREATE UNIQUE INDEX developers_user ON developers (user_id);
  `,
  /* 7 */ `
  -- The body of each delivery as posted (the portal's delivery log shows it); NULL for a CRC and for rows logged
  -- before this column existed.
  ALTER TABLE webhook_deliveries ADD COLUMN body TEXT;
  `,
  /* 8 */ `
  -- Narrow copies of what the listings with default fields read of each Tweet and each account: the rows of these
  -- WITHOUT ROWID tables are wide (JSON columns, counters), so a page of 100 read through them touched many more
  -- pages than its few columns need. Statements name them (INDEXED BY), so the plan does not rest on statistics.
  CREATE INDEX tweets_core ON tweets (id, author_id, deleted, text);
  CREATE INDEX users_core ON users (id, suspended, protected, name, username);
  `,
  /* 9 */ `
  -- OAuth 2.0 user access tokens by expiry, for removing the expired ones (CredentialIssuer: they were kept forever).
  CREATE INDEX bearers_expiry ON bearers (expires_at) WHERE expires_at IS NOT NULL;
  `,
];
