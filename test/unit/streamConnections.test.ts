// Stream connections on a real SQLite store (src/domain/events/streamConnections.ts): the limit per stream and
// partition (also when two connections are admitted at once), a holder gone quiet recorded as lost, ends asked by
// DELETE here or on another instance, and why a served connection ended.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import type { Policy } from '../../src/domain/model.ts';
import type { OutboxEvent } from '../../src/domain/events/records.ts';
import {
  CONNECTION_LEASE_MS, OPERATIONAL_DISCONNECT, StreamConnections, WATCH_MS,
} from '../../src/domain/events/streamConnections.ts';
import { ManualClock } from '../support/clock.ts';
import { problemOf } from '../support/problems.ts';

const dir = mkdtempSync(join(tmpdir(), 'likes-stream-connections-'));
const store = new SqliteStore(join(dir, 'events.db'));
before(() => store.migrate());
after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const enterprise = { rateLimitTier: 'classic' } as Policy;
const selfServe = { rateLimitTier: 'pro' } as Policy;
const FIREHOSE = '/2/likes/firehose/stream';
const COMPLIANCE = '/2/likes/compliance/stream';

function service(real = new ManualClock(Date.UTC(2026, 0, 1))) {
  return { real, connections: new StreamConnections(store.events, new ManualClock(Date.UTC(2026, 0, 1)), real) };
}

describe('StreamConnections', () => {
  it('admits up to the limit per stream and partition, then refuses with X\'s 429', async () => {
    const { connections } = service();
    const app = 'app-limit';
    const a = await connections.open(app, enterprise, FIREHOSE, 1, '10.0.0.1');
    const b = await connections.open(app, enterprise, FIREHOSE, 1, '10.0.0.2');
    assert.ok(a && b);
    const refused = await problemOf(connections.admit(app, enterprise, FIREHOSE, 1));
    assert.equal(refused.status, 429);
    assert.equal(refused.body.connection_issue, 'TooManyConnections');
    // Another partition, another stream, another App: room.
    await connections.admit(app, enterprise, FIREHOSE, 2);
    await connections.admit(app, enterprise, COMPLIANCE, null);
    await connections.admit('app-other', enterprise, FIREHOSE, 1);
    await a.close('client_disconnected');
    await connections.admit(app, enterprise, FIREHOSE, 1);
    const ended = await store.events.connectionById(a.record.id);
    assert.equal(ended?.endReason, 'client_disconnected');
    assert.notEqual(ended?.endedAt, null);
    await b.close('client_disconnected');
  });

  it('never lets connections admitted together exceed the limit', async () => {
    const { connections } = service();
    const app = 'app-race';
    await connections.admit(app, selfServe, COMPLIANCE, null);
    await connections.admit(app, selfServe, COMPLIANCE, null);
    const opened = await Promise.all([1, 2, 3].map((i) => connections.open(app, selfServe, COMPLIANCE, null, `10.0.0.${i}`)));
    const kept = opened.filter((c) => c !== null);
    assert.ok(kept.length <= 1, `${kept.length} open for a limit of 1`);
    const open = await connections.openOf(app);
    assert.equal(open.length, kept.length);
    const history = await connections.history(app, { open: false, ended: true });
    assert.ok(history.every((c) => c.endReason === 'too_many_connections'));
    for (const c of kept) await c!.close('client_disconnected');
  });

  it('records a connection whose holder stopped renewing its lease as lost', async () => {
    const { real, connections } = service();
    const app = 'app-lost';
    const now = real.now();
    // Held by another instance: its lease and its record.
    for (const [id, until] of [['gone', now + CONNECTION_LEASE_MS], ['alive', now + 60_000]] as const) {
      await store.events.leaseCursor(`stream:${id}`, `holder-${id}`, now, until, null);
      await store.events.putConnection({
        id, appId: app, endpoint: COMPLIANCE, partition: null, clientIp: '10.0.0.9', startedAt: 1, endedAt: null, endReason: null, endRequested: false,
      });
    }
    assert.deepEqual((await connections.openOf(app)).map((c) => c.id).sort(), ['alive', 'gone']);
    real.advance(CONNECTION_LEASE_MS + 1);
    assert.deepEqual((await connections.openOf(app)).map((c) => c.id), ['alive']);
    assert.equal((await store.events.connectionById('gone'))?.endReason, 'connection_lost');
    const listed = await connections.history(app, { open: true, ended: true, endpoints: ['likes_compliance_stream'] });
    assert.deepEqual(listed.map((c) => [c.id, c.endReason]).sort(), [['alive', null], ['gone', 'connection_lost']]);
  });

  it('ends a connection held here at once, and one asked to end on another instance at its next watch', async () => {
    const { connections } = service();
    const app = 'app-end';
    const here = (await connections.open(app, enterprise, COMPLIANCE, null, '10.0.0.1'))!;
    assert.deepEqual(await connections.end(app, [here.record.id, 'unknown']), [here.record.id]);
    assert.equal(here.ended.aborted, true);
    assert.equal(here.ended.reason, 'terminated_by_app');
    await here.close('terminated_by_app');

    const elsewhere = (await connections.open(app, enterprise, COMPLIANCE, null, '10.0.0.2'))!;
    // What DELETE /2/connections does on another instance: only the record says so.
    await store.events.requestConnectionEnd(app, null);
    await sleep(WATCH_MS * 1.5);
    assert.equal(elsewhere.ended.reason, 'terminated_by_app');
    await elsewhere.close('terminated_by_app');
    assert.equal((await store.events.connectionById(elsewhere.record.id))?.endRequested, true);
  });

  it('serves until the follow is done, the client goes, or a read fails, and records why', async () => {
    const { connections } = service();
    const app = 'app-serve';
    const event = { kind: 'unlike', userId: '1', tweetId: '2', authorId: '3', at: 1, seq: '1', position: '1' } as OutboxEvent;
    const sink = () => {
      const closed = new AbortController();
      const lines: string[] = [];
      return { lines, closed, writer: { write: (json: string) => (lines.push(json), true), closed: closed.signal } };
    };
    const reasonOf = async (id: string) => (await store.events.connectionById(id))?.endReason;

    const done = (await connections.open(app, enterprise, COMPLIANCE, null, '10.0.0.1'))!;
    const s1 = sink();
    await done.serve(s1.writer, async function* () {
      yield [event];
    }, async (batch) => {
      s1.writer.write(JSON.stringify(batch.map((e) => e.tweetId)));
    });
    assert.deepEqual(s1.lines, ['["2"]']);
    assert.equal(await reasonOf(done.record.id), 'end_time_reached');

    const gone = (await connections.open(app, enterprise, COMPLIANCE, null, '10.0.0.1'))!;
    const s2 = sink();
    await gone.serve(s2.writer, async function* (abort) {
      s2.closed.abort();
      while (!abort.aborted) yield [];
    }, async () => {});
    assert.equal(await reasonOf(gone.record.id), 'client_disconnected');

    const failed = (await connections.open(app, enterprise, COMPLIANCE, null, '10.0.0.1'))!;
    const s3 = sink();
    await assert.rejects(failed.serve(s3.writer, async function* () {
      yield [];
      throw new Error('the store is down');
    }, async () => {}), /the store is down/);
    assert.deepEqual(s3.lines, [OPERATIONAL_DISCONNECT]);
    assert.equal(await reasonOf(failed.record.id), 'operational_disconnect');
  });
});
