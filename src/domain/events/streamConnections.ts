// An App's stream connections (docs/reference/x-events.md §4.4, §4.5), kept in the world's store so that every
// instance sees them: opened within the App's limit per stream (and partition), listed by GET /2/connections, ended
// by DELETE /2/connections on whichever instance is asked. The instance holding a connection watches its record
// (about every second) and renews a lease on it: a connection whose holder died is found by its lapsed lease and
// recorded as ended, so a crashed instance never holds an App's connections for good.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import type { Policy } from '../model.ts';
import { EVENT_LIMITS } from './eventLimits.ts';
import { tooManyConnections } from './eventProblems.ts';
import type { OutboxEvent, StreamConnectionRecord } from './records.ts';

/** The streams served, by path, and the endpoint ID X's `/2/connections` names each by (§4.5). */
export const STREAM_ENDPOINTS = {
  // X gives the activity stream no endpoint ID; it is listed under this name and ended with /all or by UUID.
  '/2/activity/stream': 'activity_stream',
  '/2/likes/firehose/stream': 'likes_firehose_stream',
  '/2/likes/sample10/stream': 'likes_sample10_stream',
  '/2/likes/compliance/stream': 'likes_compliance_stream',
} as const;

export type StreamPath = keyof typeof STREAM_ENDPOINTS;

/** The endpoint IDs of `GET /2/connections?endpoints=` and `DELETE /2/connections/{endpoint_id}`, as X lists them. */
export const CONNECTION_ENDPOINT_IDS = [
  'filtered_stream', 'sample_stream', 'sample10_stream', 'firehose_stream', 'tweets_compliance_stream',
  'users_compliance_stream', 'tweet_label_stream', 'firehose_stream_lang_en', 'firehose_stream_lang_ja',
  'firehose_stream_lang_ko', 'firehose_stream_lang_pt', 'likes_firehose_stream', 'likes_sample10_stream',
  'likes_compliance_stream',
] as const;

export const endpointNameOf = (path: string): string => STREAM_ENDPOINTS[path as StreamPath] ?? path;

/** Why a connection ended, as `disconnect_reason` gives it (X enumerates none). */
export type EndReason =
  | 'client_disconnected' | 'terminated_by_app' | 'server_shutdown' | 'end_time_reached' | 'too_many_connections'
  | 'connection_lost' | 'operational_disconnect';

/** How often a holder renews its lease and reads its record (how soon a DELETE on another instance takes effect). */
export const WATCH_MS = 1_000;
/** A holder that has not renewed for this long is taken for dead. */
export const CONNECTION_LEASE_MS = 5_000;
/** How much of an App's history GET /2/connections pages through. */
export const HISTORY_LIMIT = 1_000;

const leaseName = (id: string): string => `stream:${id}`;

/** Where a connection writes: one JSON document per line; `closed` aborts when the client goes. */
export interface StreamWriter {
  write(json: string): boolean;
  readonly closed: AbortSignal;
}

/** X's in-stream error for a stream ended on its side (docs/reference/x-events.md §4.4). */
export const OPERATIONAL_DISCONNECT = JSON.stringify({
  errors: [{
    title: 'operational-disconnect',
    disconnect_type: 'UpstreamOperationalDisconnect',
    detail: 'This stream has been disconnected upstream for operational reasons.',
    type: 'https://api.x.com/2/problems/operational-disconnect',
  }],
});

/** One open connection, held by this process until `close`. */
export class OpenConnection {
  private readonly ending = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly realClock: Clock,
    readonly record: StreamConnectionRecord,
    /** The world's connections held by this process (this one is in it until it closes). */
    private readonly held: Map<string, OpenConnection>,
  ) {
    held.set(record.id, this);
    this.timer = setInterval(() => void this.watch().catch(() => {}), WATCH_MS);
    this.timer.unref();
  }

  /** Aborts, with the EndReason as its reason, when the connection is ended from outside (DELETE, lapsed lease). */
  get ended(): AbortSignal {
    return this.ending.signal;
  }

  end(reason: EndReason): void {
    if (!this.ending.signal.aborted) this.ending.abort(reason);
  }

  private async watch(): Promise<void> {
    if (this.closed) return;
    const real = this.realClock.now();
    const lease = await this.events.leaseCursor(leaseName(this.record.id), this.record.id, real, real + CONNECTION_LEASE_MS, null);
    const current = await this.events.connectionById(this.record.id);
    if (current?.endRequested) this.end('terminated_by_app');
    // Taken for lost by another instance (its lease lapsed), or gone with the world's data.
    else if (!lease || !current || current.endedAt !== null) this.end('connection_lost');
  }

  /**
   * Serves the connection until the client goes, it is ended from outside, or `follow` is done (past `end_time`);
   * then records why it ended. A failure ends it with X's operational-disconnect error (clients reconnect and
   * backfill) and is rethrown for the log.
   */
  async serve(
    sink: StreamWriter,
    follow: (abort: AbortSignal) => AsyncIterable<OutboxEvent[]>,
    deliver: (batch: OutboxEvent[]) => Promise<void>,
  ): Promise<void> {
    const abort = AbortSignal.any([sink.closed, this.ended]);
    let reason: EndReason = 'end_time_reached';
    try {
      for await (const batch of follow(abort)) {
        if (abort.aborted) break;
        await deliver(batch);
      }
    } catch (err) {
      reason = 'operational_disconnect';
      if (!abort.aborted) sink.write(OPERATIONAL_DISCONNECT);
      throw err;
    } finally {
      if (this.ended.aborted) reason = this.ended.reason as EndReason;
      // A string reason is the server's own (e.g. shutting down); anything else is the client going.
      else if (sink.closed.aborted) reason = typeof sink.closed.reason === 'string' ? (sink.closed.reason as EndReason) : 'client_disconnected';
      await this.close(reason).catch(() => {});
    }
  }

  /** Records the end (once) and lets the lease go. */
  async close(reason: EndReason): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.held.delete(this.record.id);
    this.end(reason);
    await this.events.putConnection({ ...this.record, endedAt: this.clock.now(), endReason: reason });
    await this.events.dropCursor(leaseName(this.record.id));
  }
}

export interface HistoryQuery {
  /** Open ones (`active`), ended ones (`inactive`), or both. */
  open: boolean;
  ended: boolean;
  /** X endpoint IDs; none: every stream. */
  endpoints?: readonly string[];
}

/** An App's connections in one world: `clock` is the world's, `realClock` times the leases. */
export class StreamConnections {
  private readonly reaper = randomUUID();
  /** The connections this process holds, so that a DELETE served here ends them at once (others within WATCH_MS). */
  private readonly held = new Map<string, OpenConnection>();

  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly realClock: Clock,
  ) {}

  /** The App's open connections, those whose holder is gone recorded as ended first. */
  async openOf(appId: string): Promise<StreamConnectionRecord[]> {
    const open = await this.events.connectionsOfApp(appId, { open: true, limit: HISTORY_LIMIT });
    const alive: StreamConnectionRecord[] = [];
    for (const c of open) {
      if (this.held.has(c.id) || !(await this.lapsed(c))) alive.push(c);
    }
    return alive;
  }

  /** Whether `c`'s holder stopped renewing its lease; if so it is recorded as lost. */
  private async lapsed(c: StreamConnectionRecord): Promise<boolean> {
    const real = this.realClock.now();
    // Taking the lease for no time at all succeeds only where the holder's has run out (or there never was one).
    if (!(await this.events.leaseCursor(leaseName(c.id), this.reaper, real, real, null))) return false;
    await this.events.putConnection({ ...c, endedAt: this.clock.now(), endReason: 'connection_lost' });
    await this.events.dropCursor(leaseName(c.id));
    return true;
  }

  private async openTo(appId: string, path: StreamPath, partition: number | null): Promise<StreamConnectionRecord[]> {
    return (await this.openOf(appId)).filter((c) => c.endpoint === path && c.partition === partition);
  }

  /** Refuses (X's 429 TooManyConnections) a connection over the App's limit for this stream and partition. */
  async admit(appId: string, policy: Policy, path: StreamPath, partition: number | null): Promise<void> {
    if ((await this.openTo(appId, path, partition)).length >= limitOf(policy)) throw tooManyConnections();
  }

  /**
   * Opens a connection, or returns null when the App is over its limit after all (connections admitted at the same
   * moment: whichever sees more than the limit once its own is recorded gives way, so the limit always holds).
   */
  async open(appId: string, policy: Policy, path: StreamPath, partition: number | null, clientIp: string): Promise<OpenConnection | null> {
    const id = randomUUID();
    const real = this.realClock.now();
    // The lease first: a record is never seen without one, or it would be taken for lost.
    await this.events.leaseCursor(leaseName(id), id, real, real + CONNECTION_LEASE_MS, null);
    const record: StreamConnectionRecord = {
      id, appId, endpoint: path, partition, clientIp, startedAt: this.clock.now(), endedAt: null, endReason: null, endRequested: false,
    };
    await this.events.putConnection(record);
    const connection = new OpenConnection(this.events, this.clock, this.realClock, record, this.held);
    if ((await this.openTo(appId, path, partition)).length > limitOf(policy)) {
      await connection.close('too_many_connections');
      return null;
    }
    return connection;
  }

  /** The App's connections, newest first, as asked. */
  async history(appId: string, query: HistoryQuery): Promise<StreamConnectionRecord[]> {
    // Open ones are checked for lapsed holders first, so a crashed instance's connections list as ended.
    await this.openOf(appId);
    const all = await this.events.connectionsOfApp(appId, { open: query.open && !query.ended, limit: HISTORY_LIMIT });
    return all.filter((c) =>
      (c.endedAt === null ? query.open : query.ended) &&
      (query.endpoints === undefined || query.endpoints.includes(endpointNameOf(c.endpoint))));
  }

  /**
   * Asks the holders of the App's open connections (all, or those of `ids`) to end them; returns the ids asked.
   * Those held here end at once, the others at their holder's next watch.
   */
  async end(appId: string, ids: readonly string[] | null): Promise<string[]> {
    const asked = await this.events.requestConnectionEnd(appId, ids);
    for (const id of asked) this.held.get(id)?.end('terminated_by_app');
    return asked;
  }

  /** How many of the world's connections this process holds (a world serving a stream is not idle). */
  get holding(): number {
    return this.held.size;
  }
}

function limitOf(policy: Policy): number {
  return EVENT_LIMITS[policy.rateLimitTier].connectionsPerStream;
}
