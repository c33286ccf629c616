// A pure function's values remembered by input: each input derived once while remembered, and no more than the bound
// kept (all forgotten at once when full, then derived again).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { remembered } from '../../src/remembered.ts';
import { hashToken } from '../../src/auth/secrets.ts';

it('derives each input once, and again once the bound has forgotten it', () => {
  const derived: string[] = [];
  const hashOf = remembered((token) => (derived.push(token), hashToken(token)), 2);
  assert.equal(hashOf('a'), hashToken('a'));
  assert.equal(hashOf('a'), hashToken('a'));
  assert.equal(hashOf('b'), hashToken('b'));
  assert.deepEqual(derived, ['a', 'b'], 'remembered while within the bound');
  assert.equal(hashOf('c'), hashToken('c'), 'a third input: the two before are forgotten');
  assert.equal(hashOf('c'), hashToken('c'));
  assert.equal(hashOf('a'), hashToken('a'));
  assert.deepEqual(derived, ['a', 'b', 'c', 'a']);
});
