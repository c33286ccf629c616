// Points X's real client packages at a local server, the way a user would: only the base URL changes.
// Two ways for twitter-api-v2: `localBaseUrl` rewrites after signing (signatures name https://api.x.com, as behind
// a proxy); `sdkSettings` rewrites before signing (signatures name the URL actually used).
import { Agent } from 'node:http';
import { TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';

/**
 * A twitter-api-v2 plugin that sends every request to `baseUrl` instead of api.x.com. It rewrites the URL
 * after the client signed it, so OAuth 1.0a signatures still name https://api.x.com, as behind a proxy.
 */
export function localBaseUrl(baseUrl: string): ITwitterApiClientPlugin {
  const target = new URL(baseUrl);
  return {
    onBeforeRequest({ computedParams }) {
      computedParams.url.protocol = target.protocol;
      computedParams.url.host = target.host;
    },
  };
}

/** twitter-api-v2 always calls https.request; a plain-HTTP agent lets it reach http:// servers. */
function settings(baseUrl: string) {
  return {
    plugins: [localBaseUrl(baseUrl)],
    ...(baseUrl.startsWith('http:') ? { httpAgent: new Agent({ keepAlive: false }) } : {}),
  };
}

export function oauth1Client(
  baseUrl: string,
  app: { consumerKey: string; consumerSecret: string },
  user: { accessToken: string; accessTokenSecret: string },
): TwitterApi {
  return new TwitterApi(
    { appKey: app.consumerKey, appSecret: app.consumerSecret, accessToken: user.accessToken, accessSecret: user.accessTokenSecret },
    settings(baseUrl),
  );
}

export function bearerClient(baseUrl: string, token: string): TwitterApi {
  return new TwitterApi(token, settings(baseUrl));
}

/**
 * twitter-api-v2 settings that send every api.x.com / api.twitter.com request to `baseUrl` before it is signed, with
 * /oauth/ replies parsed as form-encoded as on api.x.com, and a plain-HTTP agent (the package always calls
 * https.request, which accepts one for an http: URL). `plugins` run after the redirect (e.g. to record exchanges).
 */
export function sdkSettings(baseUrl: string, ...plugins: ITwitterApiClientPlugin[]) {
  const redirect: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(/^https:\/\/api\.(x|twitter)\.com/, baseUrl);
      if (new URL(params.url).pathname.startsWith('/oauth/')) params.forceParseMode = 'url';
    },
  };
  return { plugins: [redirect, ...plugins], httpAgent: new Agent({ keepAlive: false }) };
}
