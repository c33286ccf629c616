// X's problem type URIs as its v2 responses spell them, and catching the ApiProblem a domain call refuses with.
import assert from 'node:assert/strict';
import { ApiProblem } from '../../src/domain/problems.ts';

/** Prefix of every problem `type` X's v2 responses carry (https://api.twitter.com/2/problems/<name>). */
export const PROBLEMS = 'https://api.twitter.com/2/problems/';

/** The ApiProblem that `run` (a call, or a promise already made) throws or rejects with; fails on anything else. */
export async function problemOf(run: (() => unknown) | Promise<unknown>): Promise<ApiProblem> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (e) {
    assert.ok(e instanceof ApiProblem, `expected an ApiProblem, got ${String(e)}`);
    return e;
  }
  assert.fail("expected X's error document");
}
