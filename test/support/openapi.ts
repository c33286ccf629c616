// Validators for response bodies, built with ajv from X's own OpenAPI documents (not from this project's
// generated one): x-openapi-likes-v2.159.json (S2) and x-openapi-likes.json (v2.167, S1), kept beside the
// repository in test/fixtures/x (see its README for their sources and versions).
//
// - assertValidSuccess(path, method, body): a 200 body must match that operation's 200 schema in BOTH files, as
//   served (only partial errors' problem type URIs are read under their v2.167 spelling; see asV2167).
// - assertValidRecordedSuccess(path, method, body): the same for bodies X itself sent, which carry only the
//   v2.159 metric names (see asRecordedUnderV2167).
// - assertValidError(body): an error document must match `Problem` of v2.159, dispatched through its
//   discriminator mapping to the concrete schema of its `type` (v2.167 only knows https://api.x.com/2/problems/…
//   URIs, which no real X response carries; see spec §6.2).
//
// OpenAPI's `discriminator` is not JSON Schema. ajv's own `discriminator` option does not support `mapping`,
// so each discriminated schema is rewritten here: the `type` must be one of the mapping's keys, and an
// if/then per key applies the schema that key maps to. v2.159 builds its problems as
// `allOf: [Problem, {...}]` while `Problem` carries the discriminator; to keep that from recursing, the
// concrete schemas refer to a copy of `Problem` without the discriminator (`Problem__base`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';

type Json = Record<string, unknown>;
type Schema = Record<string, unknown>;

export const REFERENCE_DIR = new URL('../fixtures/x/', import.meta.url);

/**
 * X's documents: S2 (v2.159, the naming real responses use) and S1 (v2.167) of the Likes paths, and v2.167's event
 * paths (webhooks, X Activity API, Account Activity, likes streams, connections).
 */
export const SPEC_FILES = { v2159: 'x-openapi-likes-v2.159.json', v2167: 'x-openapi-likes.json', events: 'x-openapi-events.json' } as const;
type SpecName = keyof typeof SPEC_FILES;
type LikesSpecName = Exclude<SpecName, 'events'>;

const TWITTER_PROBLEMS = 'https://api.twitter.com/2/problems/';
const X_PROBLEMS = 'https://api.x.com/2/problems/';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const refTo = (name: string) => `#/components/schemas/${name}`;
const refName = (ref: string) => ref.replace(/^#\/components\/schemas\//, '');

function dispatch(propertyName: string, mapping: Record<string, string>): Schema[] {
  return Object.entries(mapping).map(([value, ref]) => ({
    if: { type: 'object', properties: { [propertyName]: { const: value } }, required: [propertyName] },
    then: { $ref: ref },
  }));
}

/** Replaces every OpenAPI discriminator (with an explicit mapping) by plain JSON Schema (see the file header). */
export function rewriteDiscriminators(doc: Json): Json {
  const out = clone(doc);
  const schemas = (out.components as { schemas: Record<string, Schema> }).schemas;
  for (const [name, schema] of Object.entries({ ...schemas })) {
    const discriminator = schema.discriminator as { propertyName: string; mapping?: Record<string, string> } | undefined;
    if (!discriminator) continue;
    const { propertyName } = discriminator;
    const mapping = discriminator.mapping ?? {};
    if (Object.keys(mapping).length === 0) throw new Error(`${name}: discriminator without a mapping is not supported`);
    const keyCheck: Schema = {
      type: 'object',
      required: [propertyName],
      properties: { [propertyName]: { type: 'string', enum: Object.keys(mapping) } },
    };
    if (schema.oneOf || schema.anyOf) {
      // v2.167: `oneOf` of the concrete problems + discriminator. The mapping picks the one schema that applies.
      schemas[name] = { description: schema.description, allOf: [keyCheck, ...dispatch(propertyName, mapping)] };
      continue;
    }
    // v2.159: a base object carrying the discriminator, extended by the concrete schemas through allOf.
    const baseName = `${name}__base`;
    const base = { ...schema };
    delete base.discriminator;
    schemas[baseName] = base;
    for (const target of new Set(Object.values(mapping))) {
      const concrete = schemas[refName(target)];
      if (!concrete) throw new Error(`${name}: mapping target ${target} does not exist`);
      const parts = concrete.allOf as Schema[] | undefined;
      if (parts) concrete.allOf = parts.map((p) => (p.$ref === refTo(name) ? { $ref: refTo(baseName) } : p));
    }
    schemas[name] = { description: schema.description, allOf: [{ $ref: refTo(baseName) }, keyCheck, ...dispatch(propertyName, mapping)] };
  }
  return out;
}

function collectFormats(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) collectFormats(item, into);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') into.add(v);
      else collectFormats(v, into);
    }
  }
  return into;
}

interface LoadedSpec {
  name: SpecName;
  doc: Json;
  ajv: Ajv;
  cache: Map<string, ValidateFunction>;
}

let loaded: Record<SpecName, LoadedSpec> | null = null;

export function readReferenceJson(file: string): unknown {
  return JSON.parse(readFileSync(new URL(file, REFERENCE_DIR), 'utf8'));
}

function load(): Record<SpecName, LoadedSpec> {
  if (loaded) return loaded;
  const make = (name: SpecName): LoadedSpec => {
    const doc = rewriteDiscriminators(readReferenceJson(SPEC_FILES[name]) as Json);
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    formatsPlugin.default(ajv);
    // OpenAPI's numeric formats (int32, int64, double) and the odd `format: "^[0-9]{1,19}$"` in v2.159 are
    // annotations for JSON Schema validation; patterns and types carry the actual rules.
    for (const format of collectFormats(doc, new Set())) if (!ajv.formats[format]) ajv.addFormat(format, true);
    ajv.addSchema(doc, name);
    return { name, doc, ajv, cache: new Map() };
  };
  loaded = { v2159: make('v2159'), v2167: make('v2167'), events: make('events') };
  return loaded;
}

function compile(spec: LoadedSpec, ref: string): ValidateFunction {
  let fn = spec.cache.get(ref);
  if (!fn) {
    fn = spec.ajv.compile({ $ref: `${spec.name}${ref}` });
    spec.cache.set(ref, fn);
  }
  return fn;
}

/** The path template of `path` in `doc` (`/2/users/123/liked_tweets?x=1` → `/2/users/{id}/liked_tweets`). */
function pathTemplate(doc: Json, path: string): string {
  const paths = doc.paths as Record<string, unknown>;
  const bare = path.split('?')[0];
  if (paths[bare]) return bare;
  for (const template of Object.keys(paths)) {
    const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(bare)) return template;
  }
  throw new Error(`no operation for ${path} in the OpenAPI document`);
}

function responseRef(spec: LoadedSpec, path: string, method: string): string {
  const template = pathTemplate(spec.doc, path);
  const op = (spec.doc.paths as Record<string, Record<string, Json>>)[template][method.toLowerCase()];
  if (!op) throw new Error(`no ${method.toUpperCase()} ${template} in ${SPEC_FILES[spec.name]}`);
  const ok = (op.responses as Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>)['200'];
  const ref = ok?.content?.['application/json']?.schema?.$ref;
  if (!ref) throw new Error(`no 200 application/json schema for ${method.toUpperCase()} ${template} in ${SPEC_FILES[spec.name]}`);
  return ref;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 12)
    .map((e) => `  ${e.instancePath || '(root)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('\n');
}

const preview = (body: unknown) => {
  const text = JSON.stringify(body);
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
};

/**
 * The body as v2.167 spells problem types (spec §10): v2.167 renamed the problem type URIs to
 * https://api.x.com/2/problems/…, which no real X body carries. So the v2.167 check sees partial errors under
 * their v2.167 type URI; every other member, the metric names included, is checked as sent. The v2.159 check
 * always sees the body exactly as sent.
 */
function asV2167(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const copy = clone(body) as Json;
  if (Array.isArray(copy.errors)) {
    copy.errors = (copy.errors as Json[]).map((e) =>
      e && typeof e.type === 'string' && e.type.startsWith(TWITTER_PROBLEMS) ? { ...e, type: X_PROBLEMS + e.type.slice(TWITTER_PROBLEMS.length) } : e,
    );
  }
  return copy;
}

/**
 * A body X itself sent, read under v2.167: X's recorded responses name the metrics `retweet_count` (Tweets) and
 * `tweet_count` (users), which v2.167 renamed to `repost_count` and `post_count` and requires. For recordings
 * only, the v2.167 name is added next to the old one; this service's own bodies get no such help.
 */
function asRecordedUnderV2167(body: unknown): unknown {
  const copy = asV2167(body);
  const renameMetrics = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(renameMetrics);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node as Json)) {
        if (k === 'public_metrics' && v && typeof v === 'object' && !Array.isArray(v)) {
          const m = v as Json;
          if ('retweet_count' in m && !('repost_count' in m)) m.repost_count = m.retweet_count;
          if ('tweet_count' in m && !('post_count' in m)) m.post_count = m.tweet_count;
        } else if (k !== 'errors') renameMetrics(v);
      }
    }
  };
  renameMetrics(copy);
  return copy;
}

/** Schema violations of a 200 body, per document (empty lists when it is valid). */
export function successViolations(
  operationPath: string,
  method: string,
  body: unknown,
  underV2167: (body: unknown) => unknown = asV2167,
): Record<LikesSpecName, string> {
  const specs = load();
  const out = { v2159: '', v2167: '' } as Record<LikesSpecName, string>;
  for (const spec of [specs.v2159, specs.v2167]) {
    const validate = compile(spec, responseRef(spec, operationPath, method));
    const ok = validate(spec.name === 'v2167' ? underV2167(body) : body);
    if (!ok) out[spec.name as LikesSpecName] = describeErrors(validate.errors) || 'invalid';
  }
  return out;
}

/** Asserts `body` is a valid 200 body of `method operationPath` in both of X's OpenAPI documents, as served. */
export function assertValidSuccess(operationPath: string, method: string, body: unknown): void {
  failOn(operationPath, method, body, successViolations(operationPath, method, body));
}

/** assertValidSuccess for a body X sent (a recording): its v2.159 metric names also stand for v2.167's. */
export function assertValidRecordedSuccess(operationPath: string, method: string, body: unknown): void {
  failOn(operationPath, method, body, successViolations(operationPath, method, body, asRecordedUnderV2167));
}

/** Asserts `body` is a valid 200 body of an events operation (webhooks, subscriptions, connections) in X's document. */
export function assertValidEventsSuccess(operationPath: string, method: string, body: unknown): void {
  const spec = load().events;
  const validate = compile(spec, responseRef(spec, operationPath, method));
  failOn(operationPath, method, body, { events: validate(body) ? '' : describeErrors(validate.errors) || 'invalid' });
}

function failOn(operationPath: string, method: string, body: unknown, v: Partial<Record<SpecName, string>>): void {
  const failures = (Object.keys(v) as SpecName[]).filter((k) => v[k]).map((k) => `${SPEC_FILES[k]}:\n${v[k]}`);
  if (failures.length) {
    assert.fail(`${method.toUpperCase()} ${operationPath}: 200 body does not match X's schema\n${failures.join('\n')}\nbody: ${preview(body)}`);
  }
}

/** Schema violations of an error document against v2.159's Problem ('' when valid). */
export function errorViolations(body: unknown): string {
  const spec = load().v2159;
  const validate = compile(spec, refTo('Problem'));
  return validate(body) ? '' : describeErrors(validate.errors) || 'invalid';
}

/** Asserts `body` is a valid X problem document (v2.159 `Problem`, through its discriminator mapping). */
export function assertValidError(body: unknown): void {
  const v = errorViolations(body);
  if (v) assert.fail(`error body does not match X's Problem schema (${SPEC_FILES.v2159}):\n${v}\nbody: ${preview(body)}`);
}
