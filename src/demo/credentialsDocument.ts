// The credentials part of demo-credentials.json (and bench-credentials.json): a Project, a Web App (confidential
// client) in it, an App outside any Project, a Native App (public client) in the Project, and user tokens for the
// given users, minted once and shown in plaintext on purpose.
import type { UserRecord } from '../domain/model.ts';
import type { CredentialIssuer } from '../auth/credentials.ts';
import type { DemoCredentials } from './demoCredentials.ts';

export type CredentialsPart = Pick<DemoCredentials, 'project' | 'app' | 'appWithoutProject' | 'publicApp' | 'users'>;

export async function mintCredentialsDocument(
  services: { credentials: CredentialIssuer },
  names: { project: string; app: string; orphanApp: string; publicApp: string; monthlyTweetCap: number; developerId?: string | null },
  holders: readonly UserRecord[],
): Promise<CredentialsPart> {
  const { credentials } = services;
  const project = await credentials.createProject(names.project, {
    monthlyTweetCap: names.monthlyTweetCap,
    developerId: names.developerId ?? null,
  });
  const app = await credentials.createApp(names.app, project.id, 'read-write');
  const orphan = await credentials.createApp(names.orphanApp, null, 'read-write');
  const publicApp = await credentials.createApp(names.publicApp, project.id, 'read-write', {}, 'native');
  // The document gives the public client no app-only Bearer, so none is kept: a credential nobody holds is only a risk.
  await credentials.invalidateAppBearer(publicApp.app.id, publicApp.bearerToken);
  const users: DemoCredentials['users'] = [];
  for (const u of holders) {
    const tokens = await credentials.mintUserTokens(app.app, u.id);
    users.push({
      id: u.id,
      username: u.username,
      name: u.name,
      protected: u.protected,
      accessToken: tokens.accessToken,
      accessTokenSecret: tokens.accessTokenSecret,
      oauth2AccessToken: tokens.oauth2AccessToken,
    });
  }
  return {
    project: { id: project.id },
    app: {
      id: app.app.id, consumerKey: app.consumerKey, consumerSecret: app.consumerSecret, bearerToken: app.bearerToken,
      clientId: app.clientId, clientSecret: app.clientSecret,
    },
    appWithoutProject: { id: orphan.app.id, consumerKey: orphan.consumerKey, consumerSecret: orphan.consumerSecret, bearerToken: orphan.bearerToken },
    publicApp: { id: publicApp.app.id, clientId: publicApp.clientId },
    users,
  };
}
