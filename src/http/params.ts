// Declarative parameter schemas: one definition drives validation (with X's exact messages) and the
// OpenAPI document.
import { parseFormPairs } from '../formEncoding.ts';
import { invalidRequest, type InvalidParameter } from '../domain/problems.ts';

export type ParamSpec =
  | {
      readonly kind: 'int'; readonly name: string; readonly min: number; readonly max: number; readonly default?: number;
      /** Refused when left out (X's "can not be empty"); otherwise optional. */
      readonly required?: true;
      readonly description: string;
    }
  | { readonly kind: 'list'; readonly name: string; readonly values: readonly string[]; readonly description: string }
  | { readonly kind: 'token'; readonly name: string; readonly description: string };

export interface PathParamSpec {
  readonly name: string;
  readonly pattern: RegExp;
  readonly description: string;
}

/** What one parameter parses to: an int with a default is always there, anything else only when sent. */
export type ParamValue<S extends ParamSpec> =
  S extends { kind: 'int'; default: number } ? number
  : S extends { kind: 'int'; required: true } ? number
  : S extends { kind: 'int' } ? number | undefined
  : S extends { kind: 'list'; values: readonly (infer V)[] } ? V[] | undefined
  : string | undefined;

/** The parsed query of a route, typed from its spec list: `{ max_results: number; 'tweet.fields': string[] | undefined; … }`. */
export type QueryOf<Q extends readonly ParamSpec[]> = { [S in Q[number] as S['name']]: ParamValue<S> };

/** Any route's parsed query. */
export type ParsedQuery = QueryOf<readonly ParamSpec[]>;

const err = (name: string, values: string[], message: string): InvalidParameter => ({
  parameters: { [name]: values },
  message,
});

/**
 * The parser of a route's path values and query (what it looks parameters up by is made once, here): it validates
 * them against the route's schema, collecting every problem the way X does (one `errors[]` item each), then throws
 * one invalid-request problem or returns typed values. Parameters named `oauth_*` are OAuth 1.0a credentials some
 * clients send in the query; they are not request parameters.
 */
export function requestParamsParser<const Q extends readonly ParamSpec[]>(
  pathSpecs: readonly PathParamSpec[],
  querySpecs: Q,
): (pathValues: Record<string, string>, rawQuery: string) => QueryOf<Q> {
  const route: RouteParams = {
    pathSpecs,
    querySpecs,
    known: new Map(querySpecs.map((s) => [s.name, s])),
    allowedNames: [...pathSpecs.map((p) => p.name), ...querySpecs.map((s) => s.name)].join(','),
    listValues: new Map(querySpecs.flatMap((s) => (s.kind === 'list' ? [[s.name, new Set(s.values)] as const] : []))),
    accepted: new Map(),
  };
  return (pathValues, rawQuery) => parse(route, pathValues, rawQuery) as QueryOf<Q>;
}

/** A route's parameter specs and what the parser looks them up by. */
interface RouteParams {
  pathSpecs: readonly PathParamSpec[];
  querySpecs: readonly ParamSpec[];
  known: ReadonlyMap<string, ParamSpec>;
  allowedNames: string;
  /** The values each list parameter may hold. */
  listValues: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Query strings parsed without a problem, by their text, with what they parsed to (frozen: requests share it).
   * Clients send the same fields and expansions on every request of a kind; an expanded page's query is ~700
   * characters of lists to split, check and group. At most ACCEPTED_QUERIES of them, forgotten all at once, each of
   * at most ACCEPTED_QUERY_CHARS (a token may be any text: longer queries are parsed each time, not kept).
   */
  accepted: Map<string, ParsedQuery>;
}

const ACCEPTED_QUERIES = 256;
const ACCEPTED_QUERY_CHARS = 2048;

function checkPath(pathSpecs: readonly PathParamSpec[], pathValues: Record<string, string>, errors: InvalidParameter[]): void {
  for (const p of pathSpecs) {
    const v = pathValues[p.name] ?? '';
    if (!p.pattern.test(v)) {
      errors.push(err(p.name, [v], `The \`${p.name}\` query parameter value [${v}] does not match ${p.pattern.source}`));
    }
  }
}

function parse(route: RouteParams, pathValues: Record<string, string>, rawQuery: string): ParsedQuery {
  const { pathSpecs, querySpecs, known, allowedNames, listValues, accepted } = route;
  const errors: InvalidParameter[] = [];
  const remembered = accepted.get(rawQuery);
  if (remembered !== undefined) {
    // The query alone had no problem: the path's are all there can be.
    checkPath(pathSpecs, pathValues, errors);
    if (errors.length) throw invalidRequest(errors);
    return remembered;
  }
  const parsed = parseFormPairs(rawQuery);
  if (parsed === null) errors.push(err('query', [rawQuery], 'The query string is not valid percent-encoding'));
  const pairs = parsed ?? [];
  checkPath(pathSpecs, pathValues, errors);
  const pathProblems = errors.length;

  const grouped = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    if (name.startsWith('oauth_')) continue;
    const list = grouped.get(name);
    if (list) list.push(value);
    else grouped.set(name, [value]);
  }

  const out: Record<string, number | string | string[]> = {};
  for (const [name, values] of grouped) {
    const spec = known.get(name);
    if (!spec) {
      errors.push(err(name, values, `The query parameter [${name}] is not one of [${allowedNames}]`));
      continue;
    }
    if (values.length > 1) {
      errors.push(err(name, values, `Duplicate parameters are not allowed: the \`${name}\` query parameter`));
      continue;
    }
    const value = values[0];
    if (spec.kind === 'int') {
      const n = /^-?\d{1,10}$/.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(n) || n < spec.min || n > spec.max) {
        errors.push(err(name, [value], `The \`${name}\` query parameter value [${value}] is not between ${spec.min} and ${spec.max}`));
      } else out[name] = n;
    } else if (spec.kind === 'list') {
      const items = value.split(',');
      const allowed = listValues.get(name)!;
      const bad = items.find((i) => !allowed.has(i));
      if (bad !== undefined) {
        errors.push(err(name, [value], `The \`${name}\` query parameter value [${bad}] is not one of [${spec.values.join(',')}]`));
        continue;
      }
      if (new Set(items).size !== items.length) {
        errors.push(err(name, [value], `The \`${name}\` query parameter value [${value}] contains duplicate items`));
        continue;
      }
      out[name] = items;
    } else {
      if (value.length === 0) {
        errors.push(err(name, [value], `The \`${name}\` query parameter value [${value}] is not a valid token.`));
      } else out[name] = value;
    }
  }
  for (const spec of querySpecs) {
    if (grouped.has(spec.name) || spec.kind !== 'int') continue;
    if (spec.default !== undefined) out[spec.name] = spec.default;
    else if (spec.required) errors.push(err(spec.name, [], `The \`${spec.name}\` query parameter can not be empty`));
  }
  if (errors.length === pathProblems && parsed !== null && rawQuery.length <= ACCEPTED_QUERY_CHARS) {
    if (accepted.size >= ACCEPTED_QUERIES) accepted.clear();
    for (const value of Object.values(out)) if (Array.isArray(value)) Object.freeze(value);
    accepted.set(rawQuery, Object.freeze(out) as ParsedQuery);
  }
  if (errors.length) throw invalidRequest(errors);
  // Each value was checked against the spec of its name just above: that is what QueryOf<Q> states.
  return out as ParsedQuery;
}
