// Request bodies with nested objects, enums, lengths and closed members (the events endpoints' bodies): each
// problem refused with X's invalid-request document naming the member by its dotted path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJsonBody } from '../../src/http/bodySchema.ts';
import { CreateActivitySubscriptionRequest } from '../../src/http/routes/events/activitySubscriptions.ts';
import { ApiProblem } from '../../src/domain/problems.ts';

// X's own request body of POST /2/activity/subscriptions, as the route reads it.
const schema = CreateActivitySubscriptionRequest;
const TAG_MAX = schema.properties.tag.maxLength;

function refusal(body: unknown): { message: string; parameters: Record<string, string[]> } {
  try {
    readJsonBody(schema, 'application/json', JSON.stringify(body));
  } catch (err) {
    assert.ok(err instanceof ApiProblem);
    assert.equal(err.status, 400);
    assert.equal(err.body.type, 'https://api.twitter.com/2/problems/invalid-request');
    return (err.body.errors as { message: string; parameters: Record<string, string[]> }[])[0];
  }
  assert.fail(`accepted ${JSON.stringify(body)}`);
}

describe('nested request bodies', () => {
  it('accepts a body that fits, optional members left out', () => {
    const body = { event_type: 'like.create', filter: { user_id: '12', direction: 'inbound' } };
    assert.deepEqual(readJsonBody(schema, 'application/json', JSON.stringify(body)), body);
    assert.deepEqual(readJsonBody(schema, 'application/json', '{"event_type":"x","filter":{}}'), { event_type: 'x', filter: {} });
  });

  it('names the member that is wrong by its dotted path', () => {
    assert.equal(refusal({ event_type: 'x' }).message, 'The `filter` body parameter is missing.');
    assert.equal(refusal({ event_type: 'x', filter: 'u' }).message, 'The `filter` body parameter value ["u"] is not an object');
    assert.deepEqual(refusal({ event_type: 'x', filter: { user_id: 'me' } }), {
      parameters: { 'filter.user_id': ['me'] }, message: 'The `filter.user_id` body parameter value [me] does not match ^[0-9]{1,19}$',
    });
    assert.equal(refusal({ event_type: 'x', filter: { direction: 'both' } }).message,
      'The `filter.direction` body parameter value [both] is not one of [inbound, outbound]');
    assert.equal(refusal({ event_type: '', filter: {} }).message, 'The `event_type` body parameter value [] is shorter than 1 characters');
    const long = 'x'.repeat(TAG_MAX + 1);
    assert.equal(refusal({ event_type: 'x', filter: {}, tag: long }).message, `The \`tag\` body parameter value [${long}] is longer than ${TAG_MAX} characters`);
    assert.equal(refusal({ event_type: 7, filter: {} }).message, 'The `event_type` body parameter value [7] is not a string');
  });

  it('refuses members the schema does not name where it is closed', () => {
    assert.equal(refusal({ event_type: 'x', filter: {}, extra: 1 }).message, 'The `extra` body parameter is not one this endpoint takes.');
    assert.equal(refusal({ event_type: 'x', filter: { since: 'k' } }).message, 'The `filter.since` body parameter is not one this endpoint takes.');
  });
});
