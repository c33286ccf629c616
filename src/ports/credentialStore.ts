// Who may call the API: Projects and Apps, OAuth 1.0a access tokens, Bearer tokens and sign-in passwords; the
// developer accounts that own Projects and sign in to the developer portal.
import type {
  AppRecord, BearerRecord, DeveloperRecord, OAuth1TokenRecord, OAuth2Scope, ProjectRecord,
} from '../domain/model.ts';

export interface CredentialStore {
  projectById(id: string): Promise<ProjectRecord | null>;
  listProjects(): Promise<ProjectRecord[]>;
  putProject(project: ProjectRecord): Promise<void>;
  /** The Projects whose developerId is `developerId`, in id order. */
  projectsOfDeveloper(developerId: string): Promise<ProjectRecord[]>;

  /** Inserts or replaces (by id) a developer account; a username another developer holds (any ASCII case) rejects. */
  putDeveloper(developer: DeveloperRecord): Promise<void>;
  developerById(id: string): Promise<DeveloperRecord | null>;
  /** The developer whose username equals `username` with A-Z folded to a-z (no other case folding). */
  developerByUsername(username: string): Promise<DeveloperRecord | null>;
  /** Every developer account, in id order. */
  listDevelopers(): Promise<DeveloperRecord[]>;

  appById(id: string): Promise<AppRecord | null>;
  appByConsumerKey(consumerKey: string): Promise<AppRecord | null>;
  appByClientId(clientId: string): Promise<AppRecord | null>;
  listApps(): Promise<AppRecord[]>;
  putApp(app: AppRecord): Promise<void>;

  oauth1Token(token: string): Promise<OAuth1TokenRecord | null>;
  putOAuth1Token(token: OAuth1TokenRecord): Promise<void>;
  /** Removes one OAuth 1.0a access token (revocation); nothing happens when there is none. */
  deleteOAuth1Token(token: string): Promise<void>;
  deleteOAuth1TokensOfApp(appId: string): Promise<void>;

  bearerByHash(tokenHash: string): Promise<BearerRecord | null>;
  putBearer(bearer: BearerRecord): Promise<void>;
  /** Every scope the user's OAuth 2.0 tokens for the App hold (what the user has authorized it to do); [] for none. */
  userGrantScopes(appId: string, userId: string): Promise<OAuth2Scope[]>;
  deleteBearer(tokenHash: string): Promise<void>;
  /** Removes every bearer of the app of the given kind (used when keys are regenerated). */
  deleteBearersOfApp(appId: string, kind: BearerRecord['kind']): Promise<void>;
  /** Removes up to `limit` OAuth 2.0 user access tokens that expired at or before `at` (oldest first); how many went. */
  deleteBearersExpiredBy(at: number, limit: number): Promise<number>;

  /** Sets (or, with null, removes) the user's sign-in password hash (src/auth/flows/passwords.ts makes it). */
  setUserPassword(userId: string, hash: string | null): Promise<void>;
  /** The user's sign-in password hash, or null when the user has none (and so cannot sign in). */
  userPasswordHash(userId: string): Promise<string | null>;
}
