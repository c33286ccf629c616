// What demo-credentials.json (and bench-credentials.json) hold: the credentials part minted by
// credentialsDocument.ts and the demo world's landmarks.
export interface DemoCredentials {
  baseUrl: string;
  project: { id: string };
  /** A Web App: a confidential OAuth 2.0 client (HTTP Basic with clientSecret on /2/oauth2/token). */
  app: { id: string; consumerKey: string; consumerSecret: string; bearerToken: string; clientId: string; clientSecret: string };
  appWithoutProject: { id: string; consumerKey: string; consumerSecret: string; bearerToken: string };
  /** A Native App in the demo Project: a public OAuth 2.0 client (client_id alone), with the demo App's callbacks. */
  publicApp: { id: string; clientId: string };
  users: {
    id: string; username: string; name: string; protected: boolean;
    accessToken: string; accessTokenSecret: string; oauth2AccessToken: string;
    /** The sign-in password of the authorization pages (demo users only). */
    password?: string;
  }[];
  /**
   * The developer account that owns the demo Project: signs in to the developer portal (/portal). Absent from
   * documents made before developer accounts existed. `userId`: its own X account, the main demo user (users[0]),
   * for which the portal makes each App's Access Token and Secret (absent from documents made before that).
   */
  developer?: { username: string; password: string; userId?: string };
  tweets: { id: string; authorId: string }[];
  deletedTweetIds: string[];
  popularTweetId: string;
  heavyLikerUserId: string;
  /**
   * The bearer token of the control API (/__admin/), generated with the demo world. Absent from the file when
   * LIKES_API_ADMIN_TOKEN is set (that one is the operator's, and is never written anywhere).
   */
  adminToken?: string;
}
