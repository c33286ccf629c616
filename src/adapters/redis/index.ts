import type { SharedState } from '../../ports/shared.ts';
import { RedisConnection, type RedisConnectionOptions } from './redisConnection.ts';
import { CHANGE_COUNTER_KEYS, RedisChangeCounter } from './redisChangeCounter.ts';
import { RedisEphemeral } from './redisEphemeral.ts';
import { RedisNonceStore } from './redisNonceStore.ts';
import { RedisRateLimiter } from './redisRateLimiter.ts';
import { RedisRequestJournal } from './redisRequestJournal.ts';
import { RedisSandboxControls } from './redisSandboxControls.ts';
import { RedisUsageLedger } from './redisUsageLedger.ts';
import { RedisUsageMeter } from './redisUsageMeter.ts';
import { RedisWakeupHub } from './redisWakeups.ts';

export { RedisConnection } from './redisConnection.ts';
export type { RedisConnectionOptions } from './redisConnection.ts';
export { RedisEphemeral } from './redisEphemeral.ts';
export { RedisNonceStore } from './redisNonceStore.ts';
export { RedisRateLimiter } from './redisRateLimiter.ts';
export { RedisRequestJournal } from './redisRequestJournal.ts';
export { RedisUsageMeter } from './redisUsageMeter.ts';

/** A sandbox world's keys: behind the connection prefix, under `world:{id}:` (the default world has no namespace). */
const worldNamespace = (world: string): string => `world:${world}:`;

/**
 * Shared state in Redis for every instance, over one connection. Returns at once: the connection is
 * established in the background and re-established forever; until then calls fail with
 * ServiceUnavailableError. `close` releases the connection (the adapters' own `close` do not).
 */
export function openRedisShared(opts: RedisConnectionOptions): SharedState & { readonly connection: RedisConnection } {
  const connection = new RedisConnection(opts);
  const hub = new RedisWakeupHub(connection);
  const worlds = new Map<string, SharedState>();
  const root = redisWorld(connection, hub, '', worlds);
  return {
    connection,
    ...root,
    // What the worlds wrote behind goes out first (the inspector's last entries, the ledger's last counts).
    close: async () => {
      await Promise.allSettled([root, ...worlds.values()].flatMap((w) => [w.journal.flush(), w.ledger.flush()]));
      hub.close();
      await connection.close();
    },
  };
}

/** The adapters of one world over `connection`, their keys under `ns`; each sandbox's made once and kept in `worlds`. */
function redisWorld(connection: RedisConnection, hub: RedisWakeupHub, ns: string, worlds: Map<string, SharedState>): SharedState {
  return {
    rateLimiter: new RedisRateLimiter(connection, ns),
    nonceStore: new RedisNonceStore(connection, ns),
    usageMeter: new RedisUsageMeter(connection, ns),
    ephemeral: new RedisEphemeral(connection, ns),
    changes: new RedisChangeCounter(connection, ns),
    controls: new RedisSandboxControls(connection, ns),
    journal: new RedisRequestJournal(connection, ns),
    ledger: new RedisUsageLedger(connection, ns),
    wakeups: hub.forNamespace(ns),
    forWorld(world) {
      let state = worlds.get(world);
      if (!state) worlds.set(world, (state = redisWorld(connection, hub, worldNamespace(world), worlds)));
      return state;
    },
    async forgetWorld(world, options = {}) {
      const state = worlds.get(world);
      worlds.delete(world);
      // What it gathered and has not written is dropped, so nothing lands after its keys are gone.
      if (state) await Promise.allSettled([state.journal.clear(), state.ledger.clear()]);
      await connection.deleteNamespace(worldNamespace(world), options.keepVersions ? Object.values(CHANGE_COUNTER_KEYS) : []);
    },
    ping: () => connection.ping(),
    // The connection is the opener's to close.
    close: async () => {},
  };
}
