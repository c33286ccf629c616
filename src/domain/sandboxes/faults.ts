// Faults on purpose: an operator has a sandbox fail some of its API requests the way X fails them (its 429s, its
// 503, its 500), answer them late, or not at all (a dropped connection). Reading the request body, matching a
// request and describing the answer are pure; the SandboxControls port keeps the faults, the HTTP edge answers.
import { randomBytes } from 'node:crypto';
import type { FromSchema } from 'json-schema-to-ts';
import type { EndpointId } from '../access.ts';
import { ID_PATTERN } from '../ids.ts';
import { internalServerError, serviceUnavailable, tooManyRequests, usageCapped, type ApiProblem } from '../problems.ts';
import { windowHeaders, type LimitWindow } from '../rateLimits.ts';
import { CAPPED_PRODUCT } from '../usage.ts';
import { ControlRequestError } from './controlRequestError.ts';

/** The endpoints a fault may name: each is the EndpointId of the same name. `*` is any of them (not /2/usage/tweets). */
export const FAULT_ENDPOINTS = ['liked_tweets', 'liking_users', 'like', 'unlike'] as const satisfies readonly EndpointId[];
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number] | '*';

export const FAULT_ACTIONS = ['rate_limit', 'unavailable', 'usage_capped', 'server_error', 'delay', 'drop'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** A delay longer than this would only meet the client's (or the server's) own timeout. */
export const MAX_FAULT_DELAY_MS = 60_000;

const nullableId = { type: ['string', 'null'], pattern: ID_PATTERN.source } as const;

/**
 * The body of POST /__admin/sandboxes/{id}/faults. `null` stands for an absent member, so a listed fault can be
 * sent back as it is. `delay_ms` goes with `delay` and only with it (the if/then/else, which the derived type
 * leaves out: parseFaultRequest checks it).
 */
export const FaultRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['endpoint', 'action'],
  properties: {
    endpoint: { type: 'string', enum: [...FAULT_ENDPOINTS, '*'] },
    user_id: nullableId,
    app_id: nullableId,
    action: { type: 'string', enum: FAULT_ACTIONS },
    delay_ms: { type: ['integer', 'null'], minimum: 1, maximum: MAX_FAULT_DELAY_MS },
    times: { type: ['integer', 'null'], minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    probability: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 1 },
  },
  if: { properties: { action: { const: 'delay' } } },
  then: { required: ['delay_ms'], properties: { delay_ms: { type: 'integer' } } },
  else: { properties: { delay_ms: { type: 'null' } } },
} as const;

export type FaultRequestBody = FromSchema<typeof FaultRequest>;

/** What a fault does, as read from a request body: absent members are null, probability defaults to 1. */
export interface FaultSpec {
  endpoint: FaultEndpoint;
  /** The authenticated user the fault is for; null: any caller, app-only ones included. */
  user_id: string | null;
  /** The App the fault is for; null: any. */
  app_id: string | null;
  action: FaultAction;
  /** How late `delay` answers; null for every other action. */
  delay_ms: number | null;
  /** How many requests it applies to; null: every one until removed. */
  times: number | null;
  /** The chance that a matching request is faulted, in (0, 1]. */
  probability: number;
}

export interface Fault {
  id: string;
  endpoint: FaultEndpoint;
  user_id: string | null;
  app_id: string | null;
  action: FaultAction;
  delay_ms: number | null;
  /** Requests it still applies to; null: every one until removed. A fault is gone once this reaches 0. */
  times_remaining: number | null;
  probability: number;
  /** The sandbox clock's time when it was added (ISO 8601). */
  created_at: string;
}

export type NewFault = Omit<Fault, 'id'>;

/** Fault ids: 8 characters of base64url (48 random bits). */
export const FAULT_ID_PATTERN = /^[A-Za-z0-9_-]{8}$/;

export const newFaultId = (): string => randomBytes(6).toString('base64url');

const MEMBERS = Object.keys(FaultRequest.properties);
const describe = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value));
const oneOf = (names: readonly string[]): string => `one of ${names.join(', ')}`;

/** The fault a request body describes; throws ControlRequestError saying the first thing wrong, in schema order. */
export function parseFaultRequest(body: unknown): FaultSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlRequestError('the body must be a JSON object');
  const members = body as Record<string, unknown>;
  for (const name of Object.keys(members)) {
    if (!MEMBERS.includes(name)) throw new ControlRequestError(`unknown member "${name}": a fault has ${MEMBERS.join(', ')}`, name);
  }
  // Own members only: `{"__proto__":…}` names nothing; null is absent.
  const get = (name: string): unknown => (Object.hasOwn(members, name) ? members[name] ?? undefined : undefined);

  const endpoints: readonly string[] = FaultRequest.properties.endpoint.enum;
  const endpoint = get('endpoint');
  if (endpoint === undefined) throw new ControlRequestError(`endpoint is required: ${oneOf(endpoints)}`, 'endpoint');
  if (typeof endpoint !== 'string' || !endpoints.includes(endpoint)) {
    throw new ControlRequestError(`unknown endpoint ${describe(endpoint)}: ${oneOf(endpoints)}`, 'endpoint');
  }
  const ids: Record<'user_id' | 'app_id', string | null> = { user_id: null, app_id: null };
  for (const name of ['user_id', 'app_id'] as const) {
    const value = get(name);
    if (value === undefined) continue;
    if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
      throw new ControlRequestError(`${name} must be an id of 1 to 19 digits, as a string (got ${describe(value)})`, name);
    }
    ids[name] = value;
  }
  const action = get('action');
  if (action === undefined) throw new ControlRequestError(`action is required: ${oneOf(FAULT_ACTIONS)}`, 'action');
  if (typeof action !== 'string' || !(FAULT_ACTIONS as readonly string[]).includes(action)) {
    throw new ControlRequestError(`unknown action ${describe(action)}: ${oneOf(FAULT_ACTIONS)}`, 'action');
  }
  const delay = get('delay_ms');
  if (action === 'delay') {
    if (delay === undefined) throw new ControlRequestError(`delay_ms is required with action "delay" (1 to ${MAX_FAULT_DELAY_MS})`, 'delay_ms');
    if (!Number.isInteger(delay) || (delay as number) < 1 || (delay as number) > MAX_FAULT_DELAY_MS) {
      throw new ControlRequestError(`delay_ms must be an integer from 1 to ${MAX_FAULT_DELAY_MS} (got ${describe(delay)})`, 'delay_ms');
    }
  } else if (delay !== undefined) {
    throw new ControlRequestError(`delay_ms goes only with action "delay" (the action is "${action}")`, 'delay_ms');
  }
  const times = get('times');
  if (times !== undefined && (!Number.isSafeInteger(times) || (times as number) < 1)) {
    throw new ControlRequestError(`times must be a positive integer (got ${describe(times)})`, 'times');
  }
  const probability = get('probability');
  if (probability !== undefined && (typeof probability !== 'number' || !(probability > 0 && probability <= 1))) {
    throw new ControlRequestError(`probability must be a number greater than 0 and at most 1 (got ${describe(probability)})`, 'probability');
  }
  return {
    endpoint: endpoint as FaultEndpoint,
    ...ids,
    action: action as FaultAction,
    delay_ms: (delay as number | undefined) ?? null,
    times: (times as number | undefined) ?? null,
    probability: (probability as number | undefined) ?? 1,
  };
}

/** The fault to keep for `spec`, added at `now` (the sandbox clock's time). */
export function newFault(spec: FaultSpec, now: number): NewFault {
  return {
    endpoint: spec.endpoint,
    user_id: spec.user_id,
    app_id: spec.app_id,
    action: spec.action,
    delay_ms: spec.delay_ms,
    times_remaining: spec.times,
    probability: spec.probability,
    created_at: new Date(now).toISOString(),
  };
}

/** The request a fault is matched against: its endpoint, its App, and its authenticated user (null: app-only). */
export interface FaultTarget {
  endpoint: EndpointId;
  appId: string;
  userId: string | null;
}

/** Whether `fault` names this request (its probability aside). */
export function faultNames(fault: Fault, target: FaultTarget): boolean {
  if (fault.times_remaining !== null && fault.times_remaining <= 0) return false;
  const endpoint = fault.endpoint === '*' ? (FAULT_ENDPOINTS as readonly string[]).includes(target.endpoint) : fault.endpoint === target.endpoint;
  return endpoint && (fault.user_id === null || fault.user_id === target.userId) && (fault.app_id === null || fault.app_id === target.appId);
}

/**
 * The first fault (in creation order) that names the request and whose probability roll passes, or null. `random`
 * is rolled once per fault that names the request and has a probability below 1. A fault with `times` must then be
 * consumed (SandboxControls.consumeFault); when another request used it up meanwhile, match again without it.
 */
export function matchFault(faults: readonly Fault[], target: FaultTarget, random: () => number = Math.random): Fault | null {
  for (const fault of faults) {
    if (!faultNames(fault, target)) continue;
    if (fault.probability >= 1 || random() < fault.probability) return fault;
  }
  return null;
}

/** How a faulted request is answered: one of X's error documents (with headers of its own), late, or not at all. */
export type FaultAnswer =
  | { kind: 'refuse'; problem: ApiProblem; headers: Record<string, string> }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };

export interface FaultAnswerContext {
  /** The sandbox clock's time of the request. */
  now: number;
  /** The Project of the caller's App, which X's usage-capped document names. */
  projectId: string;
  /** The first rate-limit window the request counts against (windowsFor(tier, endpoint, userId)[0]). */
  window: LimitWindow;
}

/**
 * What X would answer. `rate_limit` is X's 429 with the window exhausted until the end of the current window of the
 * sandbox clock (15-minute windows end at :00, :15, :30 and :45; 24-hour ones at midnight UTC); `usage_capped` is
 * X's usage-capped 429, whose rate-limit headers are the request's own (X shows plenty left); `unavailable` and
 * `server_error` are X's 503 and 500; `delay` is the normal answer `delay_ms` late; `drop` closes the connection.
 */
export function faultAnswer(fault: Fault, ctx: FaultAnswerContext): FaultAnswer {
  switch (fault.action) {
    case 'rate_limit': {
      const { window } = ctx;
      const resetAt = (Math.floor(ctx.now / window.windowMs) + 1) * window.windowMs;
      return { kind: 'refuse', problem: tooManyRequests(), headers: windowHeaders(window, { limit: window.limit, remaining: 0, resetAt }, true) };
    }
    case 'usage_capped':
      return { kind: 'refuse', problem: usageCapped(ctx.projectId, CAPPED_PRODUCT), headers: {} };
    case 'unavailable':
      return { kind: 'refuse', problem: serviceUnavailable(), headers: {} };
    case 'server_error':
      return { kind: 'refuse', problem: internalServerError(), headers: {} };
    case 'delay':
      return { kind: 'delay', ms: fault.delay_ms ?? 0 };
    case 'drop':
      return { kind: 'drop' };
  }
}
