// Request bodies checked against their own JSON schema (the one /openapi.json serves), with X's messages. Only the
// subset X's bodies need is understood: a flat object of required or optional strings, each with a pattern; the
// types below refuse anything else at compile time, so no schema can claim a check that is not made.
import type { FromSchema } from 'json-schema-to-ts';
import { invalidRequest } from '../domain/problems.ts';
import { parseJsonBody } from './jsonBody.ts';

export interface BodySchema {
  readonly type: 'object';
  readonly required?: readonly string[];
  readonly properties: Readonly<Record<string, { readonly type: 'string'; readonly pattern: string }>>;
}

/** What a body that passed `readJsonBody` is, typed from its schema. */
export type BodyOf<S extends BodySchema> = FromSchema<S>;

const refuse = (message: string, parameters: Record<string, string[]> = {}) => invalidRequest([{ parameters, message }]);

/**
 * The body as its schema's type, or X's invalid-request document for the first thing wrong with it: the content
 * type, the JSON (bounded by the hostile-JSON scan before parsing), the shape, then each property in schema order.
 */
export function readJsonBody(schema: BodySchema, contentType: string | undefined, rawBody: string | undefined): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw refuse('Requests with bodies must have content-type of application/json.');
  const parsed = parseJsonBody(rawBody ?? '');
  if (!parsed) throw refuse('The request body is not valid JSON.');
  const body = parsed.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw refuse('The request body must be a JSON object.');
  for (const [name, property] of Object.entries(schema.properties)) {
    // Own members only: `{"__proto__":…}` and friends name nothing.
    const value: unknown = Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
    if (value === undefined) {
      if (schema.required?.includes(name)) throw refuse(`The \`${name}\` body parameter is missing.`, { [name]: [] });
      continue;
    }
    if (typeof value !== 'string' || !new RegExp(property.pattern).test(value)) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      throw refuse(`The \`${name}\` body parameter value [${text}] does not match ${property.pattern}`, { [name]: [text] });
    }
  }
  // Every property the schema names was checked above: the body is a BodyOf<typeof schema>.
  return body as Record<string, unknown>;
}
