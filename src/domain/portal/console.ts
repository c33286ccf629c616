// What a signed-in developer does with Projects and Apps in the portal, as X's developer console has it: create a
// Project (owned by the developer, with a rate-limit tier), create Apps in it, edit an App's callback URLs and
// regenerate its keys. Everything goes through the credential issuer and the App settings the OAuth flows use;
// an App or Project of another developer is not found (null), never told apart from one that does not exist.
// The plaintext secrets a step makes are returned once, to be shown once (see OnceReveals) and never kept.
import type { CredentialIssuer } from '../../auth/credentials.ts';
import { appCallbacks, callbackUrlProblem, MAX_CALLBACKS, setAppCallbacks } from '../../auth/flows/callbacks.ts';
import type { SecretSealer } from '../../auth/secrets.ts';
import { RATE_LIMIT_TIERS } from '../rateLimits.ts';
import type { AppPermission, AppRecord, AppType, DeveloperRecord, ProjectRecord, RateLimitTier } from '../model.ts';
import { APP_TYPES, clientTypeOf } from '../model.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { EphemeralStore } from '../../ports/ephemeral.ts';
import type { AppSettings } from '../../ports/settingsStore.ts';
import type { Clock } from '../../ports/clock.ts';
import { createHash } from 'node:crypto';

export const TIERS = Object.keys(RATE_LIMIT_TIERS) as RateLimitTier[];
export const PERMISSIONS: readonly AppPermission[] = ['read', 'read-write', 'read-write-directmessages'];
export const NAME_MAX = 100;
export type Regenerable = 'consumer-keys' | 'bearer' | 'client-secret';
export const REGENERABLE: readonly Regenerable[] = ['consumer-keys', 'bearer', 'client-secret'];

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

/** A name as a person typed it: trimmed, 1 to NAME_MAX characters, no control characters; or why not. */
function nameProblem(name: string, what: string): string | null {
  if (name.length === 0) return `Give the ${what} a name.`;
  if (name.length > NAME_MAX) return `A ${what} name is at most ${NAME_MAX} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return `A ${what} name cannot contain control characters.`;
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
    private readonly store: Pick<CredentialStore, 'projectById' | 'appById'> & Pick<AppSettings, 'callbackUrls' | 'setCallbackUrls'>,
    private readonly issuer: CredentialIssuer,
  ) {}

  async createProject(developer: DeveloperRecord, input: { name: string; tier: string }): Promise<ProjectRecord> {
    const name = input.name.trim();
    const problems: Record<string, string> = {};
    const badName = nameProblem(name, 'Project');
    if (badName) problems.name = badName;
    if (!(TIERS as string[]).includes(input.tier)) problems.tier = 'Choose one of the tiers.';
    if (Object.keys(problems).length) throw new FormProblem(problems);
    return this.issuer.createProject(name, { developerId: developer.id, policy: { rateLimitTier: input.tier as RateLimitTier } });
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

  /** Replaces the callback URLs of the developer's App; null when it is not theirs. */
  async setCallbacks(developer: DeveloperRecord, appId: string, text: string): Promise<string[] | null> {
    const owned = await this.appOf(developer, appId);
    if (!owned) return null;
    const { urls, problem } = parseCallbackLines(text);
    if (problem) throw new FormProblem({ callbacks: problem });
    return setAppCallbacks(this.store, owned.app.id, urls);
  }

  /** New credentials of the developer's App (the old ones stop working at once); null when it is not theirs. */
  async regenerate(developer: DeveloperRecord, appId: string, what: string): Promise<Shown[] | null> {
    const owned = await this.appOf(developer, appId);
    if (!owned) return null;
    const { app } = owned;
    if (what === 'consumer-keys') {
      const keys = await this.issuer.regenerateConsumerKeys(app);
      return [{ label: 'API Key (consumer key)', value: keys.consumerKey }, { label: 'API Key Secret (consumer secret)', value: keys.consumerSecret }];
    }
    if (what === 'bearer') return [{ label: 'Bearer Token', value: await this.issuer.mintAppBearer(app.id) }];
    if (what === 'client-secret' && clientTypeOf(app.appType) === 'confidential') {
      return [{ label: 'OAuth 2.0 Client Secret', value: await this.issuer.regenerateClientSecret(app) }];
    }
    throw new FormProblem({ what: 'That credential cannot be regenerated for this App.' });
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

  async put(sessionId: string, appId: string, reveal: { heading: string; shown: Shown[] }): Promise<void> {
    await this.ephemeral.put(this.key(sessionId, appId), this.sealer.seal(JSON.stringify(reveal)), OnceReveals.TTL_MS, this.clock.now());
  }

  async take(sessionId: string, appId: string): Promise<{ heading: string; shown: Shown[] } | null> {
    const sealed = await this.ephemeral.take(this.key(sessionId, appId), this.clock.now());
    return sealed ? (JSON.parse(this.sealer.open(sealed)) as { heading: string; shown: Shown[] }) : null;
  }
}
