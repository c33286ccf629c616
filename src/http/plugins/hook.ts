// A request's concerns as Fastify callback hooks that finish in the same call when what they need is already in
// memory (src/settling.ts). An async hook costs a promise, Fastify's `then` on it and a microtask hop before the next
// hook even when it never waits (docs/benchmarks.md, session 21).
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Settling } from '../../settling.ts';

/** `run` as a callback hook: `done` is called as soon as `run` has finished, in the same call if it did not wait. */
export function settlingHook(run: (req: FastifyRequest, reply: FastifyReply) => Settling<void>) {
  return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    let waiting: Settling<void>;
    try {
      waiting = run(req, reply);
    } catch (error) {
      done(error as Error);
      return;
    }
    // Rejected without a reason: Fastify's own runner makes that an error too, rather than going on.
    if (waiting) waiting.then(() => done(), (error: unknown) => done((error ?? new Error('a hook failed without a reason')) as Error));
    else done();
  };
}
