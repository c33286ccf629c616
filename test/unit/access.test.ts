// Who may call which endpoint (docs/reference/likes-api.md §1, §3.2, §3.3, §3.5, §6.2): Project enrolment, the
// developer account, access level, the authentication each endpoint accepts, OAuth 2.0 scopes, OAuth 1.0a App
// permission, and policies layered default → Project → App.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal } from '../../src/domain/principal.ts';
import { ENDPOINT_ACCESS, authorize, effectivePolicy, type EndpointId, type LikesEndpointId } from '../../src/domain/access.ts';
import { EVENT_ENDPOINT_IDS } from '../../src/domain/events/eventEndpoints.ts';
import { DEFAULT_POLICY, OAUTH2_SCOPES, type AppRecord, type OAuth2Scope, type ProjectRecord } from '../../src/domain/model.ts';
import { Unauthorized } from '../../src/domain/problems.ts';
import { PROBLEMS, problemOf } from '../support/problems.ts';
import { app as appRecord, project as projectRecord } from '../support/records.ts';

// The Likes endpoints (the events endpoints have tests of their own, test/events).
const ENDPOINTS = (Object.keys(ENDPOINT_ACCESS) as EndpointId[]).filter((e): e is LikesEndpointId => !(EVENT_ENDPOINT_IDS as readonly string[]).includes(e));
const LOOKUPS: LikesEndpointId[] = ['liked_tweets', 'liking_users'];
const WRITES: LikesEndpointId[] = ['like', 'unlike'];

const project = (over: Partial<ProjectRecord> = {}) => projectRecord('601', over);
const app = (over: Partial<AppRecord> = {}) => appRecord('501', { projectId: '601', ...over });
const appOnly = (a = app()): Principal => ({ kind: 'app-only', app: a });
const oauth1 = (permission: 'read' | 'read-write' = 'read-write', a = app()): Principal => ({ kind: 'oauth1', app: a, userId: '11', permission });
const oauth2 = (scopes: readonly OAuth2Scope[] = OAUTH2_SCOPES, a = app()): Principal => ({ kind: 'oauth2-user', app: a, userId: '11', scopes: new Set(scopes) });

const UNSUPPORTED_APP_ONLY = {
  title: 'Unsupported Authentication',
  detail: 'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
  type: `${PROBLEMS}unsupported-authentication`,
  status: 403,
};

describe('which authentication each endpoint accepts', () => {
  it('lookups: user context always; app-only unless the policy refuses it (R6)', async () => {
    for (const endpoint of LOOKUPS) {
      assert.deepEqual(authorize(oauth1('read'), project(), endpoint), DEFAULT_POLICY);
      assert.deepEqual(authorize(oauth2(), project(), endpoint), DEFAULT_POLICY);
      assert.deepEqual(authorize(appOnly(), project(), endpoint), DEFAULT_POLICY, 'default: accepted, as the Likes introduction states');
      const refusing = project({ policy: { appOnlyOnLookups: 'refuse' } });
      const problem = await problemOf(() => authorize(appOnly(), refusing, endpoint));
      assert.equal(problem.status, 403);
      assert.deepEqual(problem.body, UNSUPPORTED_APP_ONLY);
    }
  });

  it('like and unlike: user context only, whatever the policy', async () => {
    for (const endpoint of WRITES) {
      const problem = await problemOf(() => authorize(appOnly(), project(), endpoint));
      assert.equal(problem.status, 403);
      assert.deepEqual(problem.body, UNSUPPORTED_APP_ONLY);
    }
  });

  it('usage/tweets: app-only only', async () => {
    assert.deepEqual(authorize(appOnly(), project(), 'usage_tweets'), DEFAULT_POLICY);
    for (const principal of [oauth1(), oauth2()]) {
      const problem = await problemOf(() => authorize(principal, project(), 'usage_tweets'));
      assert.equal(problem.status, 403);
      assert.equal(problem.body.type, `${PROBLEMS}unsupported-authentication`);
      assert.match(String(problem.body.detail), /Supported authentication types are \[OAuth 2\.0 Application-Only\]/);
    }
  });
});

describe('OAuth 2.0 scopes and OAuth 1.0a permissions', () => {
  it('each scope the endpoint lists is required; a missing one gets the generic pretty-printed 403 (§3.3)', async () => {
    const expected: Record<LikesEndpointId, OAuth2Scope[]> = {
      liked_tweets: ['tweet.read', 'users.read', 'like.read'],
      liking_users: ['tweet.read', 'users.read', 'like.read'],
      like: ['tweet.read', 'users.read', 'like.write'],
      unlike: ['tweet.read', 'users.read', 'like.write'],
      usage_tweets: [],
    };
    for (const endpoint of ENDPOINTS) assert.deepEqual([...ENDPOINT_ACCESS[endpoint].scopes], expected[endpoint], endpoint);
    for (const endpoint of [...LOOKUPS, ...WRITES]) {
      const needed = expected[endpoint];
      assert.deepEqual(authorize(oauth2(needed), project(), endpoint), DEFAULT_POLICY, `${endpoint} with exactly its scopes`);
      for (const missing of needed) {
        const problem = await problemOf(() => authorize(oauth2(needed.filter((s) => s !== missing)), project(), endpoint));
        assert.equal(problem.status, 403);
        assert.equal(problem.style, 'problem+json-pretty');
        assert.deepEqual(problem.body, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' }, `${endpoint} without ${missing}`);
      }
    }
  });

  it('an OAuth 1.0a token of a read-only App may read but not like or unlike (oauth1-permissions)', async () => {
    for (const endpoint of LOOKUPS) assert.deepEqual(authorize(oauth1('read'), project(), endpoint), DEFAULT_POLICY);
    for (const endpoint of WRITES) {
      const problem = await problemOf(() => authorize(oauth1('read'), project(), endpoint));
      assert.equal(problem.status, 403);
      assert.deepEqual(problem.body, {
        title: 'Forbidden',
        status: 403,
        detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
        type: `${PROBLEMS}oauth1-permissions`,
      });
      assert.deepEqual(authorize(oauth1('read-write'), project(), endpoint), DEFAULT_POLICY);
    }
  });
});

describe('Apps, Projects and developer accounts', () => {
  it('an App outside a Project: client-forbidden / client-not-enrolled naming the App (§3.5)', async () => {
    for (const endpoint of ENDPOINTS) {
      const problem = await problemOf(() => authorize(appOnly(app({ projectId: null })), null, endpoint));
      assert.equal(problem.status, 403);
      assert.deepEqual(problem.body, {
        client_id: '501',
        detail: 'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
        registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
        title: 'Client Forbidden',
        required_enrollment: 'Appropriate Level of API Access',
        reason: 'client-not-enrolled',
        type: `${PROBLEMS}client-forbidden`,
      });
    }
  });

  it('a suspended App: the generic 401, before anything else', async () => {
    const problem = await problemOf(() => authorize(oauth1('read-write', app({ suspended: true })), null, 'like'));
    assert.equal(problem.status, 401);
    assert.deepEqual(problem.body, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    // Why, for the request inspector only.
    assert.ok(problem instanceof Unauthorized);
    assert.deepEqual(problem.refusal, { scheme: 'oauth1', reason: 'suspended-app', app_id: '501', user_id: '11' });
    const appOnlyRefused = await problemOf(() => authorize(appOnly(app({ suspended: true })), null, 'like'));
    assert.deepEqual((appOnlyRefused as Unauthorized).refusal, { scheme: 'app_only', reason: 'suspended-app', app_id: '501' });
  });

  it('a developer account that is pending or suspended: client-forbidden with the reason in detail', async () => {
    for (const [state, detail] of [
      ['pending', 'This developer account has not been approved for access to the X API.'],
      ['suspended', 'This developer account has been suspended.'],
    ] as const) {
      const problem = await problemOf(() => authorize(oauth2(), project({ developerState: state }), 'liked_tweets'));
      assert.equal(problem.status, 403);
      assert.equal(problem.body.detail, detail);
      assert.equal(problem.body.type, `${PROBLEMS}client-forbidden`);
      assert.equal(problem.body.reason, 'client-not-enrolled');
    }
  });

  it('access level no-likes: code 453 on the Likes endpoints, usage/tweets still served', async () => {
    const limited = project({ policy: { accessLevel: 'no-likes' } });
    for (const endpoint of [...LOOKUPS, ...WRITES]) {
      const problem = await problemOf(() => authorize(oauth1(), limited, endpoint));
      assert.equal(problem.status, 403);
      assert.equal((problem.body.errors as { code: number }[])[0].code, 453);
    }
    assert.equal(authorize(appOnly(), limited, 'usage_tweets').accessLevel, 'no-likes');
  });
});

describe('policies', () => {
  it('default, then the Project\'s overrides, then the App\'s', () => {
    const p = project({ policy: { likesPrivacy: 'private', rateLimitTier: 'basic', likingUsersCap: false } });
    const a = app({ policy: { rateLimitTier: 'free', metricNames: 'v2167' } });
    assert.deepEqual(effectivePolicy(p, a), {
      ...DEFAULT_POLICY, likesPrivacy: 'private', likingUsersCap: false, rateLimitTier: 'free', metricNames: 'v2167',
    });
    assert.deepEqual(effectivePolicy(null, app()), DEFAULT_POLICY);
    assert.deepEqual(authorize(oauth1('read', a), p, 'liked_tweets'), effectivePolicy(p, a), 'authorize returns the policy in force');
  });

  it('an App may refuse app-only lookups its Project accepts, and accept what its Project refuses', async () => {
    const refusingProject = project({ policy: { appOnlyOnLookups: 'refuse' } });
    assert.equal(authorize(appOnly(app({ policy: { appOnlyOnLookups: 'accept' } })), refusingProject, 'liking_users').appOnlyOnLookups, 'accept');
    const problem = await problemOf(() => authorize(appOnly(app({ policy: { appOnlyOnLookups: 'refuse' } })), project(), 'liking_users'));
    assert.equal(problem.body.type, `${PROBLEMS}unsupported-authentication`);
  });
});
