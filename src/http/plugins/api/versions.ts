// The data and credential versions an API request runs under: what the response cache and the remembered
// credential and Project lookups are tagged with. Each world has its own.
import type { Services } from '../../../services.ts';
import type { World } from '../../../worlds.ts';

export interface RequestVersions {
  /** What cached responses are tagged with. */
  data: string;
  /** What remembered credential and Project lookups are tagged with. */
  credentials: string;
}

export type VersionReader = (world: World) => Promise<RequestVersions>;

/**
 * Whether a data version covers every writer: a counter all instances share (Redis), or the store itself noticing
 * other processes' writes (SQLite's data_version). Only then are credential and Project lookups remembered (exactly:
 * under the version, whatever LIKES_API_CACHE says) and, with the response cache on, responses reused; PostgreSQL
 * with in-memory shared state (where another process could write unseen) reads everything afresh.
 */
export async function versioned(services: Services): Promise<boolean> {
  return services.shared.changes.shared || (await services.store.foreignWriteToken()) !== null;
}

/**
 * The versions a request runs under. SQLite's data_version (other processes' writes, of any kind) is read
 * once per event-loop turn: a value from earlier in the turn is still read before this request's data.
 */
export function versionReader(): VersionReader {
  const readers = new WeakMap<World, () => Promise<RequestVersions>>();
  return (world) => {
    let read = readers.get(world);
    if (!read) readers.set(world, (read = worldVersions(world)));
    return read();
  };
}

function worldVersions(world: World): () => Promise<RequestVersions> {
  let foreignThisTurn: Promise<string | null> | null = null;
  const foreign = () => {
    if (!foreignThisTurn) {
      foreignThisTurn = world.store.foreignWriteToken();
      setImmediate(() => (foreignThisTurn = null));
    }
    return foreignThisTurn;
  };
  return async () => {
    const [shared, token] = await Promise.all([world.shared.changes.current(), foreign()]);
    return { data: `${shared.data}:${token ?? ''}`, credentials: `${shared.credentials}:${token ?? ''}` };
  };
}
