// The typed settings of every store, kept in its meta table under the keys below (the same keys earlier versions
// used, so stores written by them read alike). Adapters extend this and implement only the raw table.
import type { MetaTable } from '../ports/metaTable.ts';
import type { SeedClaim, SettingsStore, StoredDemoCredentials } from '../ports/settingsStore.ts';

const SECRET_KEY = 'secret-key';
const SECRET_KEY_CANARY = 'secret-key-canary';
const appCallbacksKey = (appId: string): string => `app-callbacks:${appId}`; // a JSON array of URLs
const appBearerKey = (appId: string): string => `app-bearer:${appId}`;
const appWebsiteKey = (appId: string): string => `app-website:${appId}`;
const appOwnerTokenKey = (appId: string): string => `app-owner-token:${appId}`;
const projectUseCaseKey = (projectId: string): string => `project-use-case:${projectId}`;
const FLOW_FORM_KEY = 'flow-form-key';
const DEMO_CREDENTIALS = 'demo-credentials';
const DEMO_SEED_OWNER = 'demo-seed-owner'; // `<instance id>@<claimed at, ms>`
const ID_WORKER_CLAIMS = 'id-worker-claims'; // how many processes have claimed an id worker

const seedClaimText = (c: SeedClaim): string => `${c.instanceId}@${c.claimedAt}`;
function seedClaimOf(text: string): SeedClaim {
  const at = text.lastIndexOf('@');
  if (at < 0) return { instanceId: text, claimedAt: 0 };
  return { instanceId: text.slice(0, at), claimedAt: Number(text.slice(at + 1)) || 0 };
}

export abstract class MetaSettings implements SettingsStore, MetaTable {
  abstract getMeta(key: string): Promise<string | null>;
  abstract setMetaIfAbsent(key: string, value: string): Promise<string>;
  abstract setMeta(key: string, value: string): Promise<void>;
  abstract deleteMeta(key: string): Promise<void>;
  abstract incrementMeta(key: string): Promise<number>;

  storedSecretKey(): Promise<string | null> {
    return this.getMeta(SECRET_KEY);
  }
  setStoredSecretKeyIfAbsent(key: string): Promise<string> {
    return this.setMetaIfAbsent(SECRET_KEY, key);
  }
  deleteStoredSecretKey(): Promise<void> {
    return this.deleteMeta(SECRET_KEY);
  }
  secretKeyCanary(): Promise<string | null> {
    return this.getMeta(SECRET_KEY_CANARY);
  }
  setSecretKeyCanaryIfAbsent(sealed: string): Promise<string> {
    return this.setMetaIfAbsent(SECRET_KEY_CANARY, sealed);
  }

  async callbackUrls(appId: string): Promise<string[]> {
    const raw = await this.getMeta(appCallbacksKey(appId));
    if (!raw) return [];
    try {
      const list = JSON.parse(raw) as unknown;
      return Array.isArray(list) ? list.filter((u): u is string => typeof u === 'string') : [];
    } catch {
      return [];
    }
  }
  setCallbackUrls(appId: string, urls: readonly string[]): Promise<void> {
    return this.setMeta(appCallbacksKey(appId), JSON.stringify(urls));
  }
  sealedAppBearer(appId: string): Promise<string | null> {
    return this.getMeta(appBearerKey(appId));
  }
  setSealedAppBearer(appId: string, sealed: string): Promise<void> {
    return this.setMeta(appBearerKey(appId), sealed);
  }
  websiteUrl(appId: string): Promise<string | null> {
    return this.getMeta(appWebsiteKey(appId));
  }
  setWebsiteUrl(appId: string, url: string): Promise<void> {
    return this.setMeta(appWebsiteKey(appId), url);
  }
  ownerAccessToken(appId: string): Promise<string | null> {
    return this.getMeta(appOwnerTokenKey(appId));
  }
  setOwnerAccessToken(appId: string, token: string): Promise<void> {
    return this.setMeta(appOwnerTokenKey(appId), token);
  }

  projectUseCase(projectId: string): Promise<string | null> {
    return this.getMeta(projectUseCaseKey(projectId));
  }
  setProjectUseCase(projectId: string, useCase: string): Promise<void> {
    return this.setMeta(projectUseCaseKey(projectId), useCase);
  }

  setSealedFormKeyIfAbsent(sealed: string): Promise<string> {
    return this.setMetaIfAbsent(FLOW_FORM_KEY, sealed);
  }

  async demoCredentials(): Promise<StoredDemoCredentials | null> {
    const raw = await this.getMeta(DEMO_CREDENTIALS);
    if (!raw) return null;
    // A sealed value never starts with '{'; the plaintext JSON document always does.
    return raw.startsWith('{') ? { plaintext: raw } : { sealed: raw };
  }
  setDemoCredentials(sealed: string): Promise<void> {
    return this.setMeta(DEMO_CREDENTIALS, sealed);
  }
  async setDemoCredentialsIfAbsent(sealed: string): Promise<void> {
    await this.setMetaIfAbsent(DEMO_CREDENTIALS, sealed);
  }
  async seedClaim(): Promise<SeedClaim | null> {
    const raw = await this.getMeta(DEMO_SEED_OWNER);
    return raw ? seedClaimOf(raw) : null;
  }
  async setSeedClaimIfAbsent(claim: SeedClaim): Promise<SeedClaim> {
    return seedClaimOf(await this.setMetaIfAbsent(DEMO_SEED_OWNER, seedClaimText(claim)));
  }

  claimIdWorker(): Promise<number> {
    return this.incrementMeta(ID_WORKER_CLAIMS);
  }
}
