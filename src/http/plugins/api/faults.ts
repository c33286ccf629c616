// Faults on purpose: a sandbox's operator may have asked for some of its API requests to fail as X fails
// (src/domain/sandboxes/faults.ts). Checked once the request has passed its limits (X counts what reaches it), before
// the handler: a faulted request changes no data. A fault with `times` is used up atomically across instances.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EndpointId } from '../../../domain/access.ts';
import { windowsFor } from '../../../domain/rateLimits.ts';
import { faultAnswer, matchFault, type Fault } from '../../../domain/sandboxes/faults.ts';
import { settlingHook } from '../hook.ts';
import { inspect } from '../worldRouting.ts';
import { userIdOf } from './auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The action of the fault injected into this request, if any (the inspector shows it). */
    fault: string | null;
  }
}

export function decorateFaults(app: FastifyInstance): void {
  app.decorateRequest('fault', null);
}

/** The fault that applies to this request, its `times` (if any) spent; null when none does. */
async function faultFor(req: FastifyRequest, endpoint: EndpointId): Promise<Fault | null> {
  let candidates = req.controls?.faults ?? [];
  const principal = req.principal!;
  const target = { endpoint, appId: principal.app.id, userId: userIdOf(principal) };
  for (;;) {
    const fault = matchFault(candidates, target);
    if (!fault) return null;
    // Used up meanwhile (by this instance or another): the next matching fault may still apply.
    if (fault.times_remaining === null || (await req.world.shared.controls.consumeFault(fault.id))) return fault;
    candidates = candidates.filter((f) => f !== fault);
  }
}

/** The preHandler that injects `endpoint`'s faults: nothing to wait for while the world has none. */
export function faultInjection(endpoint: EndpointId) {
  return settlingHook((req, reply) => (req.controls?.faults.length ? injectFault(req, reply, endpoint) : undefined));
}

async function injectFault(req: FastifyRequest, reply: FastifyReply, endpoint: EndpointId): Promise<void> {
  const fault = await faultFor(req, endpoint);
  if (!fault) return;
  req.fault = fault.action;
  const principal = req.principal!;
  const answer = faultAnswer(fault, {
    now: req.now,
    projectId: req.project!.id,
    window: windowsFor(req.policy!.rateLimitTier, endpoint, userIdOf(principal))[0],
  });
  switch (answer.kind) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, answer.ms));
      return;
    case 'drop':
      // No answer at all: the connection closes under the client, as when X's edge drops it. No answer means no
      // onResponse either, so the inspector hears of it here.
      reply.hijack();
      req.raw.socket.destroy();
      inspect(req, 0, reply.elapsedTime);
      return;
    case 'refuse':
      reply.headers(answer.headers);
      if (answer.problem.status === 429) req.refusal = 'fault';
      throw answer.problem;
  }
}
