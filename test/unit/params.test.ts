// Query and path validation with X's invalid-request messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ID_PATTERN } from '../../src/domain/ids.ts';
import { ApiProblem, INVALID_REQUEST_DETAIL, PROBLEM_BASE } from '../../src/domain/problems.ts';
import { requestParamsParser, type ParamSpec, type PathParamSpec } from '../../src/http/params.ts';
import { likesRoutes } from '../../src/http/routes/likes.ts';
import { usageRoutes } from '../../src/http/routes/usage.ts';
import type { ApiRoute } from '../../src/http/routeSpec.ts';

// The real route schemas; their handlers are never called here.
const routes: ApiRoute[] = [...likesRoutes, ...usageRoutes];
const route = (path: string): ApiRoute => {
  const found = routes.find((r) => r.path === path);
  assert.ok(found, path);
  return found;
};
const likedTweets = route('/2/users/:id/liked_tweets');
const likingUsers = route('/2/tweets/:id/liking_users');
const unlike = route('/2/users/:id/likes/:tweet_id');
const usage = route('/2/usage/tweets');

const USER = '2244994945';

/** One parse, the parser made anew (as each route makes its own once). */
const parseRequestParams = (pathSpecs: readonly PathParamSpec[], path: Record<string, string>, specs: readonly ParamSpec[], rawQuery: string) =>
  requestParamsParser(pathSpecs, specs)(path, rawQuery);

const parse = (r: ApiRoute, rawQuery: string, path: Record<string, string> = { id: USER }) =>
  parseRequestParams(r.pathParams, path, r.query, rawQuery);

type Item = { message: string; parameters: Record<string, string[]> };

/** Runs a parse that must fail and returns X's `errors[]`, after checking the document around it. */
function failure(run: () => unknown): Item[] {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof ApiProblem, `expected an ApiProblem, got ${String(e)}`);
    assert.equal(e.status, 400);
    assert.equal(e.body.title, 'Invalid Request');
    assert.equal(e.body.detail, INVALID_REQUEST_DETAIL);
    assert.equal(e.body.type, `${PROBLEM_BASE}invalid-request`);
    assert.ok(Array.isArray(e.body.errors) && e.body.errors.length > 0);
    return e.body.errors as Item[];
  }
  assert.fail('expected the parameters to be refused');
}

describe('requestParamsParser', () => {
  it('applies defaults when a parameter is absent, and only then', () => {
    assert.deepEqual(parse(likedTweets, ''), { max_results: 100 });
    assert.deepEqual(parse(likingUsers, ''), { max_results: 100 });
    assert.deepEqual(parseRequestParams(usage.pathParams, {}, usage.query, ''), { days: 7 });
    assert.deepEqual(parse(likedTweets, 'max_results=5'), { max_results: 5 });
    assert.deepEqual(parseRequestParams(usage.pathParams, {}, usage.query, 'days=90'), { days: 90 });
    assert.deepEqual(parse(unlike, '', { id: USER, tweet_id: '1' }), {});
  });

  it('types values: integers, comma lists (encoded commas too), tokens', () => {
    assert.deepEqual(parse(likedTweets, 'max_results=100&tweet.fields=id%2Ctext,created_at&expansions=author_id&pagination_token=abc'), {
      max_results: 100,
      'tweet.fields': ['id', 'text', 'created_at'],
      expansions: ['author_id'],
      pagination_token: 'abc',
    });
    assert.deepEqual(parse(likingUsers, 'max_results=1&user.fields=username'), { max_results: 1, 'user.fields': ['username'] });
  });

  it('ignores oauth_* query parameters, whatever their values and however often they appear', () => {
    const q = 'oauth_consumer_key=ck&oauth_token=t&oauth_signature=a%2Bb&oauth_nonce=1&oauth_nonce=2&oauth_version=9&max_results=10';
    assert.deepEqual(parse(likedTweets, q), { max_results: 10 });
    assert.deepEqual(parse(unlike, 'oauth_signature_method=HMAC-SHA1', { id: USER, tweet_id: '1' }), {});
  });

  it('refuses an unknown parameter, listing every allowed name (path names first), as X does', () => {
    const errors = failure(() => parse(likedTweets, 'foo=bar'));
    assert.deepEqual(errors, [
      {
        parameters: { foo: ['bar'] },
        message:
          'The query parameter [foo] is not one of [id,max_results,pagination_token,expansions,tweet.fields,media.fields,poll.fields,place.fields,user.fields,post.fields]',
      },
    ]);
    assert.deepEqual(failure(() => parseRequestParams(usage.pathParams, {}, usage.query, 'previous_token=x')), [
      { parameters: { previous_token: ['x'] }, message: 'The query parameter [previous_token] is not one of [days,usage.fields]' },
    ]);
    // A path parameter's name is not a query parameter.
    assert.equal(failure(() => parse(likedTweets, `id=${USER}`))[0].message.startsWith('The query parameter [id] is not one of ['), true);
    // An empty name and a non-oauth_ "oauth" name are unknown too.
    assert.deepEqual(failure(() => parse(likedTweets, '=1'))[0].parameters, { '': ['1'] });
    assert.deepEqual(failure(() => parse(likedTweets, 'oauth=1'))[0].parameters, { oauth: ['1'] });
  });

  it('refuses a repeated parameter with every value it was given', () => {
    assert.deepEqual(failure(() => parse(likedTweets, 'max_results=10&max_results=10')), [
      { parameters: { max_results: ['10', '10'] }, message: 'Duplicate parameters are not allowed: the `max_results` query parameter' },
    ]);
    assert.deepEqual(failure(() => parse(likedTweets, 'tweet.fields=id&expansions=author_id&tweet.fields=text')), [
      { parameters: { 'tweet.fields': ['id', 'text'] }, message: 'Duplicate parameters are not allowed: the `tweet.fields` query parameter' },
    ]);
  });

  it('refuses integers out of range or not integers, with the range in the message', () => {
    for (const value of ['1', '4', '101', '-5', '0', '99999999999', '5.0', '1e2', '0x10', ' 10', '10 ', '+10', 'ten', '', '١٠']) {
      const encoded = encodeURIComponent(value);
      assert.deepEqual(failure(() => parse(likedTweets, `max_results=${encoded}`)), [
        { parameters: { max_results: [value] }, message: `The \`max_results\` query parameter value [${value}] is not between 5 and 100` },
      ], value);
    }
    assert.deepEqual(failure(() => parse(likingUsers, 'max_results=0'))[0].message, 'The `max_results` query parameter value [0] is not between 1 and 100');
    assert.deepEqual(failure(() => parseRequestParams(usage.pathParams, {}, usage.query, 'days=91'))[0].message, 'The `days` query parameter value [91] is not between 1 and 90');
  });

  it('refuses list values outside the enum, naming the first bad item and listing the allowed values', () => {
    const [item] = failure(() => parse(likedTweets, 'expansions=author_id,nope,worse'));
    assert.deepEqual(item.parameters, { expansions: ['author_id,nope,worse'] });
    const allowed = likedTweets.query.find((q) => q.name === 'expansions') as Extract<ParamSpec, { kind: 'list' }>;
    assert.equal(item.message, `The \`expansions\` query parameter value [nope] is not one of [${allowed.values.join(',')}]`);
    assert.deepEqual(failure(() => parseRequestParams(usage.pathParams, {}, usage.query, 'usage.fields=project_cap,x')), [
      {
        parameters: { 'usage.fields': ['project_cap,x'] },
        message:
          'The `usage.fields` query parameter value [x] is not one of [cap_reset_day,daily_client_app_usage,daily_project_usage,project_cap,project_id,project_usage]',
      },
    ]);
    // Tweet expansions are not user expansions.
    assert.match(failure(() => parse(likingUsers, 'expansions=author_id'))[0].message, /value \[author_id\] is not one of \[affiliation/);
  });

  it('refuses malformed lists: empty value, empty items, trailing comma, wrong case, spaces, duplicates', () => {
    for (const [value, bad] of [['', ''], ['id,,text', ''], ['id,', ''], [',id', ''], ['ID', 'ID'], ['id, text', ' text']]) {
      const [item] = failure(() => parse(likedTweets, `tweet.fields=${encodeURIComponent(value)}`));
      assert.deepEqual(item.parameters, { 'tweet.fields': [value] });
      assert.match(item.message, new RegExp(`^The \`tweet\\.fields\` query parameter value \\[${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\] is not one of \\[`));
    }
    assert.deepEqual(failure(() => parse(likedTweets, 'user.fields=id,name,id')), [
      { parameters: { 'user.fields': ['id,name,id'] }, message: 'The `user.fields` query parameter value [id,name,id] contains duplicate items' },
    ]);
  });

  it('refuses an empty pagination token with X\'s token message', () => {
    assert.deepEqual(failure(() => parse(likedTweets, 'pagination_token=')), [
      { parameters: { pagination_token: [''] }, message: 'The `pagination_token` query parameter value [] is not a valid token.' },
    ]);
  });

  it('checks path values against the pattern, naming them "query parameter" as X does', () => {
    for (const value of ['', 'abc', '-1', '12345678901234567890', '١٢٣', '1.0', ' 1', '1/2']) {
      assert.deepEqual(failure(() => parse(likedTweets, '', { id: value })), [
        { parameters: { id: [value] }, message: `The \`id\` query parameter value [${value}] does not match ^[0-9]{1,19}$` },
      ], value);
    }
    assert.deepEqual(failure(() => parse(unlike, '', { id: USER, tweet_id: 'x' })), [
      { parameters: { tweet_id: ['x'] }, message: 'The `tweet_id` query parameter value [x] does not match ^[0-9]{1,19}$' },
    ]);
    assert.deepEqual(parse(likedTweets, '', { id: '9'.repeat(19) }), { max_results: 100 });
    assert.equal(ID_PATTERN.source, '^[0-9]{1,19}$');
  });

  it('reports every problem at once, one errors[] item each', () => {
    const errors = failure(() => parse(likedTweets, 'max_results=1&foo=1&tweet.fields=nope&pagination_token=', { id: 'abc' }));
    assert.deepEqual(errors.map((e) => Object.keys(e.parameters)[0]).sort(), ['foo', 'id', 'max_results', 'pagination_token', 'tweet.fields']);
    const usageErrors = failure(() => parseRequestParams(usage.pathParams, {}, usage.query, 'days=91&usage.fields=foo'));
    assert.deepEqual(usageErrors.map((e) => Object.keys(e.parameters)[0]), ['days', 'usage.fields']);
  });

  it('decodes names and values as a form does, and refuses broken percent-encoding', () => {
    assert.deepEqual(parse(likedTweets, 'max%5Fresults=%31%30'), { max_results: 10 });
    assert.deepEqual(failure(() => parse(likedTweets, 'foo=a+b'))[0].parameters, { foo: ['a b'] });
    const [item] = failure(() => parse(likedTweets, 'max_results=%zz'));
    assert.equal(item.message, 'The query string is not valid percent-encoding');
    assert.deepEqual(failure(() => parse(likedTweets, 'tweet.fields=%E0%A4%A'))[0].parameters, { query: ['tweet.fields=%E0%A4%A'] });
  });

  it('works with hand-written specs: no default means absent, int bounds inclusive', () => {
    const specs: ParamSpec[] = [{ kind: 'int', name: 'n', min: -2, max: 2, description: '' }];
    const paths: PathParamSpec[] = [];
    assert.deepEqual(parseRequestParams(paths, {}, specs, ''), {});
    assert.deepEqual(parseRequestParams(paths, {}, specs, 'n=-2'), { n: -2 });
    assert.deepEqual(parseRequestParams(paths, {}, specs, 'n=2'), { n: 2 });
    assert.equal(failure(() => parseRequestParams(paths, {}, specs, 'n=3'))[0].message, 'The `n` query parameter value [3] is not between -2 and 2');
  });

  it('remembers a query parsed without a problem: the same frozen values, the path still checked each time', () => {
    // One parser for many requests, as a route holds one.
    const parseLiked = requestParamsParser(likedTweets.pathParams, likedTweets.query);
    const query = 'max_results=10&tweet.fields=created_at,author_id&expansions=author_id';
    const first = parseLiked({ id: USER }, query);
    const again = parseLiked({ id: '12' }, query);
    assert.equal(again, first);
    assert.deepEqual(first, { max_results: 10, 'tweet.fields': ['created_at', 'author_id'], expansions: ['author_id'] });
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first['tweet.fields']));
    // A remembered query on a bad path: the path's problem alone, as without the memory.
    assert.deepEqual(failure(() => parseLiked({ id: 'abc' }, query)), failure(() => parse(likedTweets, query, { id: 'abc' })));
    // A query with a problem is not remembered: refused every time, with its path's problems beside its own.
    const bad = 'max_results=1';
    for (const path of [{ id: USER }, { id: 'abc' }]) {
      assert.deepEqual(failure(() => parseLiked(path, bad)), failure(() => parse(likedTweets, bad, path)));
    }
    assert.deepEqual(failure(() => parseLiked({ id: USER }, 'max_results=%zz')).map((e) => e.message), ['The query string is not valid percent-encoding']);
    // Past its bound it forgets and parses anew: every answer stays right.
    for (let n = 5; n <= 100; n++) {
      for (const token of ['a', 'b', 'c']) assert.deepEqual(parseLiked({ id: USER }, `max_results=${n}&pagination_token=${token}`), { max_results: n, pagination_token: token });
    }
    assert.deepEqual(parseLiked({ id: USER }, query), first);
    // A long query (a token may be any text) is parsed each time, not kept.
    const long = `pagination_token=${'x'.repeat(4096)}`;
    assert.notEqual(parseLiked({ id: USER }, long), parseLiked({ id: USER }, long));
  });
});

