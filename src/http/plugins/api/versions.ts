// The data and credential versions an API request runs under: what the response cache and the remembered
// credential and Project lookups are tagged with. Each world has its own.
import type { Services } from '../../../services.ts';
import type { World } from '../../../worlds.ts';
import { oncePerTurn } from '../../../perTurn.ts';
import type { Settling } from '../../../settling.ts';
import { LikeChangeLog } from './likeChangeLog.ts';

export interface RequestVersions {
  /** What cached responses are tagged with, with `likes`. */
  data: string;
  /** What remembered credential and Project lookups are tagged with. */
  credentials: string;
  /** The likes version; `likeLog` knows what changed up to it (and maybe since). */
  likes: number;
  likeLog: LikeChangeLog;
}

/** The versions `world`'s request runs under: at once when this turn's read has come back (src/perTurn.ts). */
export type VersionReader = (world: World) => Settling<RequestVersions>;

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
 * The versions a request runs under. Each source (the shared counters, SQLite's data_version for other processes'
 * writes) is read once per event-loop turn for every request of the turn: the read is issued after each of them
 * arrived, so it is still read before their data, and a write acknowledged before one of them was sent is in it.
 */
export function versionReader(): VersionReader {
  const readers = new WeakMap<World, () => Settling<RequestVersions>>();
  return (world) => {
    let read = readers.get(world);
    if (!read) readers.set(world, (read = worldVersions(world)));
    return read();
  };
}

function worldVersions(world: World): () => Settling<RequestVersions> {
  const likeLog = new LikeChangeLog(world.shared.changes);
  // The turn's requests share the reads and what is made of them.
  return oncePerTurn(async () => {
    const [shared, token] = await Promise.all([world.shared.changes.current(), world.store.foreignWriteToken()]);
    await likeLog.advance(shared.likes);
    return { data: `${shared.data}:${token ?? ''}`, credentials: `${shared.credentials}:${token ?? ''}`, likes: shared.likes, likeLog };
  });
}
