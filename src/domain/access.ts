// Platform rules deciding whether an authenticated caller may use an endpoint at all: Project enrolment,
// developer account state, access level, which authentication each endpoint accepts, scopes, App permissions.
import { authSchemeOf } from './authRefusal.ts';
import type { Principal } from './principal.ts';
import { EVENT_ENDPOINT_AUTH, EVENT_ENDPOINT_IDS, type EventEndpointId } from './events/eventEndpoints.ts';
import { DEFAULT_POLICY, type AppRecord, type OAuth2Scope, type Policy, type ProjectRecord } from './model.ts';
import {
  ApiProblem, PROBLEM_BASE, clientNotEnrolled, forbidden, oauth1Permissions, unauthorized, unsupportedAuthentication,
  userContextOnly,
} from './problems.ts';

export type LikesEndpointId = 'liked_tweets' | 'liking_users' | 'like' | 'unlike' | 'usage_tweets';
export type EndpointId = LikesEndpointId | EventEndpointId;

export interface EndpointAccess {
  /**
   * lookup: app-only allowed unless the policy refuses it; never: user context only; only: app-only only;
   * either: app-only or user context.
   */
  appOnly: 'lookup' | 'never' | 'only' | 'either';
  scopes: readonly OAuth2Scope[];
  write: boolean;
}

export const ENDPOINT_ACCESS: Readonly<Record<EndpointId, EndpointAccess>> = {
  liked_tweets: { appOnly: 'lookup', scopes: ['tweet.read', 'users.read', 'like.read'], write: false },
  liking_users: { appOnly: 'lookup', scopes: ['tweet.read', 'users.read', 'like.read'], write: false },
  like: { appOnly: 'never', scopes: ['tweet.read', 'users.read', 'like.write'], write: true },
  unlike: { appOnly: 'never', scopes: ['tweet.read', 'users.read', 'like.write'], write: true },
  usage_tweets: { appOnly: 'only', scopes: [], write: false },
  // The events endpoints check what a subscription needs themselves (src/domain/events): no scopes here.
  ...(Object.fromEntries(
    EVENT_ENDPOINT_IDS.map((id): [EventEndpointId, EndpointAccess] => [id, { appOnly: EVENT_ENDPOINT_AUTH[id], scopes: [], write: false }]),
  ) as Record<EventEndpointId, EndpointAccess>),
};

const isLikesEndpoint = (endpoint: EndpointId): endpoint is LikesEndpointId =>
  !(EVENT_ENDPOINT_IDS as readonly string[]).includes(endpoint);

/**
 * Policies worked out, by App record and its Project's: the records are remembered lookups (the same objects until a
 * credential write), so requests share one frozen policy instead of merging three objects each.
 */
const policies = new WeakMap<AppRecord, { project: ProjectRecord | null; policy: Policy }>();

/** The policy in force for an App: defaults, then its Project's overrides, then its own. */
export function effectivePolicy(project: ProjectRecord | null, app: AppRecord): Policy {
  const known = policies.get(app);
  if (known && known.project === project) return known.policy;
  const policy = Object.freeze({ ...DEFAULT_POLICY, ...(project?.policy ?? {}), ...app.policy });
  policies.set(app, { project, policy });
  return policy;
}

/** X's refusal (HTTP 403, legacy code 453) for an App whose access level does not include the Likes endpoints. */
export const likesAccessRefused = (): ApiProblem =>
  new ApiProblem(403, {
    errors: [
      {
        message:
          'You currently have access to a subset of Twitter API v2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you may need a different access level. You can learn more here: https://developer.twitter.com/en/portal/product',
        code: 453,
      },
    ],
  });

/** X's refusal when the developer account behind the App is not approved or is suspended. */
export const developerAccountRefused = (state: string): ApiProblem =>
  new ApiProblem(403, {
    title: 'Forbidden',
    detail:
      state === 'suspended'
        ? 'This developer account has been suspended.'
        : 'This developer account has not been approved for access to the X API.',
    type: `${PROBLEM_BASE}client-forbidden`,
    reason: 'client-not-enrolled',
    registration_url: 'https://developer.x.com/en/portal/petition/essential/basic-info',
    required_enrollment: 'Appropriate Level of API Access',
    status: 403,
  });

/** Throws X's refusal when `principal` may not call `endpoint`; returns the policy in force otherwise. */
export function authorize(principal: Principal, project: ProjectRecord | null, endpoint: EndpointId): Policy {
  const app = principal.app;
  if (app.suspended) {
    const user = principal.kind === 'app-only' ? {} : { user_id: principal.userId };
    throw unauthorized({ scheme: authSchemeOf(principal), reason: 'suspended-app', app_id: app.id, ...user });
  }
  if (!project) throw clientNotEnrolled(app.id);
  if (project.developerState !== 'approved') throw developerAccountRefused(project.developerState);
  const policy = effectivePolicy(project, app);
  const rules = ENDPOINT_ACCESS[endpoint];
  if (policy.accessLevel === 'no-likes' && isLikesEndpoint(endpoint) && endpoint !== 'usage_tweets') throw likesAccessRefused();
  if (principal.kind === 'app-only') {
    if (rules.appOnly === 'never' || (rules.appOnly === 'lookup' && policy.appOnlyOnLookups === 'refuse')) {
      throw unsupportedAuthentication();
    }
    return policy;
  }
  if (rules.appOnly === 'only') throw userContextOnly();
  if (principal.kind === 'oauth2-user') {
    if (rules.scopes.some((s) => !principal.scopes.has(s))) throw forbidden();
  } else if (rules.write && principal.permission === 'read') {
    throw oauth1Permissions();
  }
  return policy;
}
