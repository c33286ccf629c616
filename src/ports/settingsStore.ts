// Small typed values the store keeps for the service itself (in its `meta` table): sealing-key bookkeeping,
// per-App and per-Project settings, the authorization pages' form key and the demo's state. Every instance on one store sees the
// same values. The `…IfAbsent` writes are first-writer-wins, also across instances at once: they store the value
// only when there is none and return the value now stored.

/** The sealing key's bookkeeping (src/services.ts). */
export interface SealingSettings {
  /**
   * A generated sealing key kept in the store in plaintext: PostgreSQL demo stores keep theirs here; older versions
   * kept a SQLite store's here too, before it moved to a file. Null when there is none.
   */
  storedSecretKey(): Promise<string | null>;
  setStoredSecretKeyIfAbsent(key: string): Promise<string>;
  deleteStoredSecretKey(): Promise<void>;
  /** A known text sealed with the store's first sealing key, or null: a key that cannot open it is refused. */
  secretKeyCanary(): Promise<string | null>;
  setSecretKeyCanaryIfAbsent(sealed: string): Promise<string>;
}

/** Settings of one App beyond its record. */
export interface AppSettings {
  /** The App's registered callback URLs (X's "Callback URI / Redirect URL" list); [] when it has none. */
  callbackUrls(appId: string): Promise<string[]>;
  /** Replaces the App's list (checking the URLs is the caller's job). */
  setCallbackUrls(appId: string, urls: readonly string[]): Promise<void>;
  /** The App's current app-only Bearer token, sealed, so /oauth2/token can hand out the same one again; or null. */
  sealedAppBearer(appId: string): Promise<string | null>;
  setSealedAppBearer(appId: string, sealed: string): Promise<void>;
  /** The App's Website URL (X's user authentication settings), or null when none was given. */
  websiteUrl(appId: string): Promise<string | null>;
  setWebsiteUrl(appId: string, url: string): Promise<void>;
  /**
   * The OAuth 1.0a access token (not its secret) the portal last made for the App's owner (X's "Access Token and
   * Secret"), so making a new one revokes it; or null.
   */
  ownerAccessToken(appId: string): Promise<string | null>;
  setOwnerAccessToken(appId: string, token: string): Promise<void>;
}

/** Settings of one Project beyond its record. */
export interface ProjectSettings {
  /** What the Project is for, as the developer chose it when creating it (X asks), or null. */
  projectUseCase(projectId: string): Promise<string | null>;
  setProjectUseCase(projectId: string, useCase: string): Promise<void>;
}

/** The authorization pages' settings. */
export interface FlowSettings {
  /** The key signing the sign-in and consent forms, sealed, so every instance signs alike. */
  setSealedFormKeyIfAbsent(sealed: string): Promise<string>;
}

/** Who is seeding the demo world: the instance that claimed it first, and when (wall-clock ms). */
export interface SeedClaim {
  instanceId: string;
  claimedAt: number;
}

/** The demo credentials document as stored: sealed, or in plaintext as versions before sealing left it. */
export type StoredDemoCredentials = { sealed: string } | { plaintext: string };

/** The demo's state (src/demo/demoSeed.ts). */
export interface DemoSettings {
  demoCredentials(): Promise<StoredDemoCredentials | null>;
  setDemoCredentials(sealed: string): Promise<void>;
  /** The first credentials written win, for every instance. */
  setDemoCredentialsIfAbsent(sealed: string): Promise<void>;
  seedClaim(): Promise<SeedClaim | null>;
  setSeedClaimIfAbsent(claim: SeedClaim): Promise<SeedClaim>;
}

/** What keeps the ids minted by the processes sharing a store apart (src/domain/ids.ts). */
export interface IdSettings {
  /** A claim number no other claim on this store got: 1, 2, 3, … in the order processes asked. */
  claimIdWorker(): Promise<number>;
}

export interface SettingsStore extends SealingSettings, AppSettings, ProjectSettings, FlowSettings, DemoSettings, IdSettings {}
