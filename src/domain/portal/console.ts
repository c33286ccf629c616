// What a signed-in developer does with Projects and Apps in the portal, as X's developer console has it: create a
// Project (owned by the developer, with a rate-limit tier and a use case), create Apps in it, edit an App's user
// authentication settings (permissions, type, callback URLs, website), regenerate its keys, and make the developer's
// own Access Token and Secret for it. Everything goes through the credential issuer and the App settings the OAuth
// flows use; an App or Project of another developer is not found (null), never told apart from one that does not
// exist. The plaintext secrets a step makes are returned once, to be shown once (see OnceReveals) and never kept.
import type { CredentialIssuer } from '../../auth/credentials.ts';
import { appCallbacks, callbackUrlProblem, MAX_CALLBACKS, setAppCallbacks } from '../../auth/flows/callbacks.ts';
import type { SecretSealer } from '../../auth/secrets.ts';
import { RATE_LIMIT_TIERS } from '../rateLimits.ts';
import type { AppPermission, AppRecord, AppType, DeveloperRecord, ProjectRecord, RateLimitTier, UserRecord } from '../model.ts';
import { APP_TYPES, clientTypeOf } from '../model.ts';
import type { ContentStore } from '../../ports/contentStore.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { EphemeralStore } from '../../ports/ephemeral.ts';
import type { AppSettings, ProjectSettings } from '../../ports/settingsStore.ts';
import type { Clock } from '../../ports/clock.ts';
import { createHash } from 'node:crypto';

export const TIERS = Object.keys(RATE_LIMIT_TIERS) as RateLimitTier[];
export const PERMISSIONS: readonly AppPermission[] = ['read', 'read-write', 'read-write-directmessages'];
export const NAME_MAX = 100;
export type Regenerable = 'consumer-keys' | 'bearer' | 'client-secret' | 'access-token';
export const REGENERABLE: readonly Regenerable[] = ['consumer-keys', 'bearer', 'client-secret', 'access-token'];
/** What a Project is for: the choices X's console offers when creating one. */
export const USE_CASES: readonly string[] = [
  'Making a bot', 'Exploring the API', 'Building tools for businesses', 'Building consumer tools (hobbyist)',
  'Building customized solutions in-house', 'Doing academic research', 'Student', 'Teaching',
];
const WEBSITE_MAX = 2000;
/** How the operator links a developer to their X account (shown to a developer who has none). */
export const linkUserCommand = (developer: DeveloperRecord): string => `likes-api developer set ${developer.username} --user @USERNAME`;

/** A secret (or identifier) to show once: a label and its value. */
export interface Shown {
  label: string;
  value: string;
}

/** A form the developer must correct: the message for each field in error. */
export class FormProblem extends Error {
  constructor(readonly problems: Record<string, string>) {
    super(Object.values(problems).join('; '));
  }
}

export interface OwnedApp {
  app: AppRecord;
  project: ProjectRecord;
  callbacks: string[];
  bearerActive: boolean;
}

/** What the App's settings page shows beyond OwnedApp. */
export interface AppSettingsView {
  website: string | null;
  /** The developer's own X account, or null when none is linked. */
  account: UserRecord | null;
  /** The Access Token the portal made for the App's owner, while it works: for whom, with which permission. */
  ownerToken: { username: string; permission: AppPermission } | null;
}

/** New secrets to show once, under a heading. */
export interface Reveal {
  heading: string;
  shown: Shown[];
}

/** A name as a person typed it: trimmed, 1 to NAME_MAX characters, no control characters; or why not. */
function nameProblem(name: string, what: string): string | null {
  if (name.length === 0) return `Give the ${what} a name.`;
  if (name.length > NAME_MAX) return `A ${what} name is at most ${NAME_MAX} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return `A ${what} name cannot contain control characters.`;
  return null;
}

/** Why `url` cannot be an App's Website URL (required, as on X's form), or null: an http(s) URL without credentials. */
export function websiteUrlProblem(url: string): string | null {
  if (url.length === 0) return 'Give the App\'s website URL: X\'s user authentication settings require one.';
  if (url.length > WEBSITE_MAX) return `A website URL is at most ${WEBSITE_MAX} characters.`;
  let parsed: URL | null = null;
  try {
    parsed = /\s/.test(url) ? null : new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.hostname === '') {
    return 'A website URL is an absolute http or https URL, such as https://example.com.';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'A website URL cannot carry a user name or password.';
  return null;
}

/** Callback URLs, one per line (blank lines ignored), checked as the OAuth flows check them. */
export function parseCallbackLines(text: string): { urls: string[]; problem: string | null } {
  const urls = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  for (const url of urls) {
    const problem = callbackUrlProblem(url);
    if (problem) return { urls, problem: problem.charAt(0).toUpperCase() + problem.slice(1) + '.' };
  }
  if (new Set(urls).size > MAX_CALLBACKS) return { urls, problem: `At most ${MAX_CALLBACKS} callback URLs per App.` };
  return { urls, problem: null };
}

export class DeveloperConsole {
  constructor(
    private readonly store: Pick<CredentialStore, 'projectById' | 'appById' | 'oauth1Token'>
      & Pick<ContentStore, 'usersByIds'>
      & Pick<AppSettings, 'callbackUrls' | 'setCallbackUrls' | 'websiteUrl' | 'setWebsiteUrl' | 'ownerAccessToken' | 'setOwnerAccessToken'>
      & ProjectSettings,
    private readonly issuer: CredentialIssuer,
  ) {}

  /** A Project of the developer's. The use case is optional here ('' or absent: not stated); one given is one of X's. */
  async createProject(developer: DeveloperRecord, input: { name: string; tier: string; useCase?: string }): Promise<ProjectRecord> {
    const name = input.name.trim();
    const useCase = input.useCase ?? '';
    const problems: Record<string, string> = {};
    const badName = nameProblem(name, 'Project');
    if (badName) problems.name = badName;
    if (!(TIERS as string[]).includes(input.tier)) problems.tier = 'Choose one of the tiers.';
    if (useCase !== '' && !USE_CASES.includes(useCase)) problems.useCase = 'Choose one of the use cases.';
    if (Object.keys(problems).length) throw new FormProblem(problems);
    const project = await this.issuer.createProject(name, { developerId: developer.id, policy: { rateLimitTier: input.tier as RateLimitTier } });
    if (useCase !== '') await this.store.setProjectUseCase(project.id, useCase);
    return project;
  }

  /** The developer's own Project, or null. */
  async projectOf(developer: DeveloperRecord, projectId: string): Promise<ProjectRecord | null> {
    const project = await this.store.projectById(projectId);
    return project && project.developerId === developer.id ? project : null;
  }

  /** The developer's own App (in one of their Projects) with its settings, or null. */
  async appOf(developer: DeveloperRecord, appId: string): Promise<OwnedApp | null> {
    const app = await this.store.appById(appId);
    if (!app || app.projectId === null) return null;
    const project = await this.projectOf(developer, app.projectId);
    if (!project) return null;
    const [callbacks, bearer] = await Promise.all([appCallbacks(this.store, app.id), this.issuer.currentAppBearer(app.id)]);
    return { app, project, callbacks, bearerActive: bearer !== null };
  }

  /** Creates an App in the developer's Project; its keys, to be shown once. Null when the Project is not theirs. */
  async createApp(
    developer: DeveloperRecord,
    projectId: string,
    input: { name: string; type: string; permission: string; callbacks: string },
  ): Promise<{ app: AppRecord; shown: Shown[] } | null> {
    const project = await this.projectOf(developer, projectId);
    if (!project) return null;
    const name = input.name.trim();
    const problems: Record<string, string> = {};
    const badName = nameProblem(name, 'App');
    if (badName) problems.name = badName;
    if (!(APP_TYPES as readonly string[]).includes(input.type)) problems.type = 'Choose a type of App.';
    if (!(PERMISSIONS as readonly string[]).includes(input.permission)) problems.permission = 'Choose the App permissions.';
    const callbacks = parseCallbackLines(input.callbacks);
    if (callbacks.problem) problems.callbacks = callbacks.problem;
    if (Object.keys(problems).length) throw new FormProblem(problems);
    const appType = input.type as AppType;
    const secrets = await this.issuer.createApp(name, project.id, input.permission as AppPermission, {}, appType);
    await setAppCallbacks(this.store, secrets.app.id, callbacks.urls);
    const shown: Shown[] = [
      { label: 'API Key (consumer key)', value: secrets.consumerKey },
      { label: 'API Key Secret (consumer secret)', value: secrets.consumerSecret },
      { label: 'Bearer Token', value: secrets.bearerToken },
      { label: 'OAuth 2.0 Client ID', value: secrets.clientId },
    ];
    if (clientTypeOf(appType) === 'confidential') shown.push({ label: 'OAuth 2.0 Client Secret', value: secrets.clientSecret });
    return { app: secrets.app, shown };
  }

  /** What the App's settings page shows beyond `owned`: its website, the developer's X account and their token. */
  async settingsOf(developer: DeveloperRecord, owned: OwnedApp): Promise<AppSettingsView> {
    const [website, account, tokenId] = await Promise.all([
      this.store.websiteUrl(owned.app.id),
      this.accountOf(developer),
      this.store.ownerAccessToken(owned.app.id),
    ]);
    // Gone when revoked since (regenerated consumer keys revoke every OAuth 1.0a token of the App).
    const token = tokenId ? await this.store.oauth1Token(tokenId) : null;
    const holder = token && token.appId === owned.app.id
      ? token.userId === account?.id ? account : ((await this.store.usersByIds([token.userId]))[0] ?? null)
      : null;
    return { website, account, ownerToken: token && holder ? { username: holder.username, permission: token.permission } : null };
  }

  /** The developer's own X account, or null when none is linked (or the user is gone). */
  private async accountOf(developer: DeveloperRecord): Promise<UserRecord | null> {
    return developer.userId ? ((await this.store.usersByIds([developer.userId]))[0] ?? null) : null;
  }

  /**
   * Saves the user authentication settings of the developer's App, as X's form has them: App permissions, Type of
   * App, callback URLs and the (required) Website URL. Returns the secret the change made, to show once (a public
   * client turned confidential gets a client secret), or null when the App is not theirs.
   */
  async setUserAuthentication(
    developer: DeveloperRecord,
    appId: string,
    input: { permission: string; type: string; callbacks: string; website: string },
  ): Promise<{ shown: Shown[] } | null> {
    const owned = await this.appOf(developer, appId);
    if (!owned) return null;
    const website = input.website.trim();
    const problems: Record<string, string> = {};
    if (!(PERMISSIONS as readonly string[]).includes(input.permission)) problems.permission = 'Choose the App permissions.';
    if (!(APP_TYPES as readonly string[]).includes(input.type)) problems.type = 'Choose a type of App.';
    const callbacks = parseCallbackLines(input.callbacks);
    if (callbacks.problem) problems.callbacks = callbacks.problem;
    const badWebsite = websiteUrlProblem(website);
    if (badWebsite) problems.website = badWebsite;
    if (Object.keys(problems).length) throw new FormProblem(problems);
    const changed = await this.issuer.changeUserAuthentication(owned.app, { permission: input.permission as AppPermission, appType: input.type as AppType });
    await Promise.all([setAppCallbacks(this.store, owned.app.id, callbacks.urls), this.store.setWebsiteUrl(owned.app.id, website)]);
    return { shown: changed.clientSecret === null ? [] : [{ label: 'OAuth 2.0 Client Secret', value: changed.clientSecret }] };
  }

  /** New credentials of the developer's App (the old ones stop working at once); null when it is not theirs. */
  async regenerate(developer: DeveloperRecord, appId: string, what: string): Promise<Reveal | null> {
    const owned = await this.appOf(developer, appId);
    if (!owned) return null;
    const { app } = owned;
    const heading = 'New keys and tokens';
    if (what === 'consumer-keys') {
      const keys = await this.issuer.regenerateConsumerKeys(app);
      return { heading, shown: [{ label: 'API Key (consumer key)', value: keys.consumerKey }, { label: 'API Key Secret (consumer secret)', value: keys.consumerSecret }] };
    }
    if (what === 'bearer') return { heading, shown: [{ label: 'Bearer Token', value: await this.issuer.mintAppBearer(app.id) }] };
    if (what === 'client-secret' && clientTypeOf(app.appType) === 'confidential') {
      return { heading, shown: [{ label: 'OAuth 2.0 Client Secret', value: await this.issuer.regenerateClientSecret(app) }] };
    }
    if (what === 'access-token') return this.ownerAccessToken(developer, app);
    throw new FormProblem({ what: 'That credential cannot be regenerated for this App.' });
  }

  /**
   * X's "Access Token and Secret" of the App owner: an OAuth 1.0a token of the developer's own X account with the
   * App's permission now. The one the portal made before is revoked; tokens of the three-legged flow are not touched.
   */
  private async ownerAccessToken(developer: DeveloperRecord, app: AppRecord): Promise<Reveal> {
    const account = await this.accountOf(developer);
    if (!account) throw new FormProblem({ accessToken: `Your developer account has no X account linked. The operator links one with: ${linkUserCommand(developer)}` });
    if (account.suspended) throw new FormProblem({ accessToken: `@${account.username} is suspended: tokens of a suspended account do not work.` });
    const previous = await this.store.ownerAccessToken(app.id);
    if (previous) await this.issuer.revokeOAuth1AccessToken(app.id, previous);
    const minted = await this.issuer.mintOAuth1AccessToken(app, account.id);
    await this.store.setOwnerAccessToken(app.id, minted.accessToken);
    return {
      heading: `Access Token and Secret for @${account.username}`,
      shown: [{ label: 'Access Token', value: minted.accessToken }, { label: 'Access Token Secret', value: minted.accessTokenSecret }],
    };
  }
}

/**
 * Secrets waiting to be shown once: kept sealed in the shared ephemeral store for a few minutes under the session
 * and the App, and taken (deleted) by the one page that shows them, so a reload or another session finds nothing.
 */
export class OnceReveals {
  static readonly TTL_MS = 10 * 60 * 1000;

  constructor(
    private readonly ephemeral: EphemeralStore,
    private readonly sealer: SecretSealer,
    private readonly clock: Clock,
  ) {}

  private key(sessionId: string, appId: string): string {
    return 'portal-reveal:' + createHash('sha256').update(`${sessionId}\n${appId}`).digest('base64url');
  }

  async put(sessionId: string, appId: string, reveal: Reveal): Promise<void> {
    await this.ephemeral.put(this.key(sessionId, appId), this.sealer.seal(JSON.stringify(reveal)), OnceReveals.TTL_MS, this.clock.now());
  }

  async take(sessionId: string, appId: string): Promise<Reveal | null> {
    const sealed = await this.ephemeral.take(this.key(sessionId, appId), this.clock.now());
    return sealed ? (JSON.parse(this.sealer.open(sealed)) as Reveal) : null;
  }
}
