import type { SharedState } from '../../ports/shared.ts';
import { RedisConnection, type RedisConnectionOptions } from './redisConnection.ts';
import { RedisChangeCounter } from './redisChangeCounter.ts';
import { RedisEphemeral } from './redisEphemeral.ts';
import { RedisNonceStore } from './redisNonceStore.ts';
import { RedisRateLimiter } from './redisRateLimiter.ts';
import { RedisUsageMeter } from './redisUsageMeter.ts';

export { RedisConnection } from './redisConnection.ts';
export type { RedisConnectionOptions } from './redisConnection.ts';
export { RedisEphemeral } from './redisEphemeral.ts';
export { RedisNonceStore } from './redisNonceStore.ts';
export { RedisRateLimiter } from './redisRateLimiter.ts';
export { RedisRequestJournal } from './redisRequestJournal.ts';
export { RedisUsageMeter } from './redisUsageMeter.ts';

/**
 * Shared state in Redis for every instance, over one connection. Returns at once: the connection is
 * established in the background and re-established forever; until then calls fail with
 * ServiceUnavailableError. `close` releases the connection (the adapters' own `close` do not).
 */
export function openRedisShared(opts: RedisConnectionOptions): SharedState & { readonly connection: RedisConnection } {
  const connection = new RedisConnection(opts);
  return {
    connection,
    rateLimiter: new RedisRateLimiter(connection),
    nonceStore: new RedisNonceStore(connection),
    usageMeter: new RedisUsageMeter(connection),
    ephemeral: new RedisEphemeral(connection),
    changes: new RedisChangeCounter(connection),
    ping: () => connection.ping(),
    close: () => connection.close(),
  };
}
