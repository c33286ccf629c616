// Which world a request is for: the sandbox whose tag its credentials carry (src/domain/sandboxes/sandboxIds.ts),
// else the default world. Looked at, in order: the Authorization header (a Bearer token, OAuth 1.0a's consumer
// key, Basic's client id or consumer key), then the parameters that name a client or a flow in progress
// (client_id, oauth_consumer_key, oauth_token, the forms' pending id). A tag of a sandbox that does not exist
// (deleted) leads to the default world, where no such credential exists: the request is refused as X refuses
// unknown credentials. The control API (/__admin/) names its world in the path instead.
import type { FastifyRequest } from 'fastify';
import { basicCredentials } from '../../auth/basic.ts';
import { parseOAuthAuthorization } from '../../auth/oauth1.ts';
import type { RequestFacts } from '../../domain/sandboxes/inspection.ts';
import { sandboxOfCredential } from '../../domain/sandboxes/sandboxIds.ts';
import type { ControlsSnapshot } from '../../ports/sandboxControls.ts';
import type { Settling } from '../../settling.ts';
import type { Services } from '../../services.ts';
import type { World } from '../../worlds.ts';
import { formPairs, queryPairs, splitUrl } from '../request.ts';
import type { RequestVersions, VersionReader } from './api/versions.ts';
import { settlingHook } from './hook.ts';
import { serverWide } from './serverWide.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The world the request is served in (set before any route's own hooks run). */
    world: World;
    /** The world's versions the request runs under (null when nothing is reused across requests). */
    versions: RequestVersions | null;
    /** The world's clock offset and faults as they stood when the request arrived. */
    controls: ControlsSnapshot | null;
    /** What the request failed with, if it did (the inspector shows why). */
    failure: unknown;
  }
}

/**
 * Paths that belong to no world: the probes, the metrics, the OpenAPI document, the control API and the developer
 * portal (its pages are no X request: they neither fill the inspector nor meet a sandbox's faults).
 */
const WORLDLESS = /^\/(?:__admin|healthz|readyz|metrics|openapi\.json|portal)(?:[/?]|$)/;

const ROUTING_PARAMS = new Set(['client_id', 'oauth_consumer_key', 'oauth_token', 'pending']);

/**
 * The credentials a request carries: the Authorization header's, when it has one (then the parameters are not read:
 * API requests pay nothing more), else the parameters naming a client or a flow in progress.
 */
function presented(req: FastifyRequest): string[] {
  const out: string[] = [];
  const header = req.headers.authorization?.trim() ?? '';
  if (/^bearer\s/i.test(header)) {
    const token = header.slice(6).trim();
    try {
      out.push(token.includes('%') ? decodeURIComponent(token) : token);
    } catch {
      out.push(token);
    }
  } else if (/^oauth\s/i.test(header)) {
    const key = parseOAuthAuthorization(header)?.get('oauth_consumer_key');
    if (key) out.push(key);
  } else if (/^basic\s/i.test(header)) {
    const basic = basicCredentials(header);
    if (basic) out.push(basic[0]);
  }
  if (out.length > 0) return out;
  for (const [k, v] of [...(queryPairs(req) ?? []), ...(formPairs(req) ?? [])]) if (ROUTING_PARAMS.has(k)) out.push(v);
  return out;
}

/** `versions`: how a world's versions are read, or null when nothing is reused across requests (versioned()). */
export const worldRouting = serverWide<{ services: Services; versions: VersionReader | null }>('worldRouting', async (app, { services, versions }) => {
  app.decorateRequest('world', null as unknown as World);
  app.decorateRequest('versions', null);
  app.decorateRequest('controls', null);
  app.decorateRequest('failure', null);
  const { worlds } = services;
  /** Serves `req` in `world`, once its controls and versions are read: at once when this turn has read them already. */
  const enter = (req: FastifyRequest, world: World, controls: Settling<ControlsSnapshot>): Settling<void> => {
    const version = versions ? versions(world) : null;
    const settle = (c: ControlsSnapshot, v: RequestVersions | null) => {
      req.versions = v;
      // The sandbox's time as its operator set it, for this request and every one after it.
      world.clock.setOffsetMs(c.clockOffsetMs);
      req.world = world;
      req.controls = c;
    };
    // Both asked for before either is awaited: one round trip to Redis for both.
    if (controls instanceof Promise || version instanceof Promise) return Promise.all([controls, version]).then(([c, v]) => settle(c, v));
    settle(controls, version);
  };
  // preHandler: form bodies are parsed by then. Untagged requests (the default world's) cost a header read.
  app.addHook(
    'preHandler',
    settlingHook((req) => {
      if (WORLDLESS.test(req.url)) return;
      let sandbox: string | null = null;
      for (const credential of presented(req)) if ((sandbox = sandboxOfCredential(credential))) break;
      const inDefault = () => enter(req, worlds.defaultWorld, worlds.controlsOf(worlds.defaultWorld));
      if (!sandbox) return inDefault();
      return worlds.live(sandbox).then((found) => (found ? enter(req, found.world, found.controls) : inDefault()));
    }),
  );

  // The inspector: every request a world served, newest first, with why its credentials were refused.
  // Callback hooks: nothing here waits, so no promise per request.
  app.addHook('onError', (req, _reply, error, done) => {
    req.failure = error;
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (req.world) inspect(req, reply.statusCode, reply.elapsedTime);
    done();
  });
});

/**
 * Writes the request into its world's journal (the inspector), after the answer: it never delays one, and an outage
 * of the journal costs only the entry. The facts are gathered now, the entry made from them when it is read or sent.
 * `status` 0: no answer was sent (a dropped connection).
 */
export function inspect(req: FastifyRequest, status: number, elapsedMs: number): void {
  const { rawPath, rawQuery } = splitUrl(req);
  const facts: RequestFacts = {
    time: preciseNow() - elapsedMs,
    method: req.method,
    rawPath,
    rawQuery,
    status,
    durationMs: elapsedMs,
    transactionId: String(req.id),
    authorization: req.headers.authorization,
    principal: req.principal ?? null,
    error: req.failure ?? undefined,
    fault: req.fault ?? null,
  };
  req.world.shared.journal.record(facts);
}

/**
 * Now, in epoch ms to the microsecond (Date.now() has whole milliseconds): the high-resolution clock from the
 * process's start, whose wall time Node reads to the microsecond. The Redis journal orders every instance's requests
 * by it, and one client's requests to two instances, each sent once the last was answered, can arrive within one
 * millisecond.
 */
const preciseNow = (): number => performance.timeOrigin + performance.now();
