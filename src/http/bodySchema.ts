// Request bodies checked against their own JSON schema (the one /openapi.json serves), with X's messages. Only the
// subset X's bodies need is understood: objects of required or optional strings (a pattern, length bounds, an enum),
// lists of strings and objects again; the types below refuse anything else at compile time, so no schema can claim a check that is not made.
import type { FromSchema } from 'json-schema-to-ts';
import { invalidRequest } from '../domain/problems.ts';
import { parseJsonBody } from './jsonBody.ts';

/** A string member: a pattern, length bounds or a set of values, as X's schemas give them. */
export interface StringSchema {
  readonly type: 'string';
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly enum?: readonly string[];
  readonly description?: string;
}

/** A list of strings, with bounds on its length. */
export interface StringArraySchema {
  readonly type: 'array';
  readonly items: StringSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly description?: string;
}

/** An object: its members (strings, lists of strings or objects again), which are required, whether others are refused. */
export interface BodySchema {
  readonly type: 'object';
  readonly required?: readonly string[];
  readonly properties: Readonly<Record<string, StringSchema | StringArraySchema | BodySchema>>;
  readonly additionalProperties?: false;
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
  checkObject(schema, body as Record<string, unknown>, '');
  // Every property the schema names was checked above: the body is a BodyOf<typeof schema>.
  return body as Record<string, unknown>;
}

/** Each member in schema order, then (with `additionalProperties: false`) the members the schema does not name. */
function checkObject(schema: BodySchema, body: Record<string, unknown>, prefix: string): void {
  for (const [key, property] of Object.entries(schema.properties)) {
    const name = prefix + key;
    // Own members only: `{"__proto__":…}` and friends name nothing.
    const value: unknown = Object.hasOwn(body, key) ? body[key] : undefined;
    if (value === undefined) {
      if (schema.required?.includes(key)) throw refuse(`The \`${name}\` body parameter is missing.`, { [name]: [] });
      continue;
    }
    if (property.type === 'object') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        const text = JSON.stringify(value);
        throw refuse(`The \`${name}\` body parameter value [${text}] is not an object`, { [name]: [text] });
      }
      checkObject(property, value as Record<string, unknown>, `${name}.`);
      continue;
    }
    // X words a non-string against a pattern as a mismatch, as it does a string that fails it.
    if (property.type === 'array') {
      checkArray(property, value, name);
      continue;
    }
    const problem = typeof value === 'string' ? stringProblem(property, value)
      : property.pattern !== undefined ? `does not match ${property.pattern}` : 'is not a string';
    if (problem) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      throw refuse(`The \`${name}\` body parameter value [${text}] ${problem}`, { [name]: [text] });
    }
  }
  if (schema.additionalProperties === false) {
    const extra = Object.keys(body).find((k) => !Object.hasOwn(schema.properties, k));
    if (extra !== undefined) throw refuse(`The \`${prefix}${extra}\` body parameter is not one this endpoint takes.`, { [prefix + extra]: [] });
  }
}

function checkArray(schema: StringArraySchema, value: unknown, name: string): void {
  const text = JSON.stringify(value);
  if (!Array.isArray(value)) throw refuse(`The \`${name}\` body parameter value [${text}] is not an array`, { [name]: [text] });
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? Infinity;
  if (value.length < min || value.length > max) {
    throw refuse(`The \`${name}\` body parameter value [${text}] must have between ${min} and ${max} items`, { [name]: [text] });
  }
  value.forEach((item, i) => {
    const problem = typeof item === 'string' ? stringProblem(schema.items, item) : 'is not a string';
    if (problem) {
      const shown = typeof item === 'string' ? item : JSON.stringify(item);
      throw refuse(`The \`${name}[${i}]\` body parameter value [${shown}] ${problem}`, { [`${name}[${i}]`]: [shown] });
    }
  });
}

function stringProblem(schema: StringSchema, value: string): string | null {
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return `does not match ${schema.pattern}`;
  if (schema.enum && !schema.enum.includes(value)) return `is not one of [${schema.enum.join(', ')}]`;
  if (schema.minLength !== undefined && value.length < schema.minLength) return `is shorter than ${schema.minLength} characters`;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return `is longer than ${schema.maxLength} characters`;
  return null;
}
