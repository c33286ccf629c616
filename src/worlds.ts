// The X worlds one process serves: the default one (the configured store) and the sandboxes, each a whole world of
// its own: its store, its part of the shared state (rate-limit windows, usage, nonces, flow state, versions), its
// clock and the domain services over them. A sandbox's world is opened on first use and kept; it is made from a
// template (a world seeded once per store and copied whole), reset to the snapshot taken as it was made, and
// snapshotted and restored through the storage (src/ports/worldStorage.ts).
import { Authenticator } from './auth/authenticate.ts';
import { CredentialIssuer } from './auth/credentials.ts';
import type { SecretSealer } from './auth/secrets.ts';
import type { Config } from './config.ts';
import { demoAccountsContent, demoContent, DEMO_SEED, mintDemoCredentials, seedDemoAccounts, seedDemoContent, type DemoContent, type DemoCredentials } from './demo/demoSeed.ts';
import { SnowflakeIds } from './domain/ids.ts';
import { offsetAfter, SandboxClock, type ClockMove } from './domain/sandboxes/sandboxClock.ts';
import { LikesService } from './domain/likes.ts';
import { credentialTag, DEFAULT_SANDBOX, newSandboxId, SANDBOX_ID } from './domain/sandboxes/sandboxIds.ts';
import { SEED_SNAPSHOT, type SandboxRecord, type SandboxSeed, type SandboxSummary } from './domain/sandboxes/sandboxes.ts';
import { UsageService } from './domain/usage.ts';
import { trackChanges } from './adapters/trackChanges.ts';
import { observed, type DependencyHealth } from './adapters/observed.ts';
import type { Metrics } from './metrics.ts';
import type { Clock } from './ports/clock.ts';
import { UNSET_CONTROLS, type ControlsSnapshot } from './ports/sandboxControls.ts';
import type { SharedState } from './ports/shared.ts';
import { idList, NO_IDS } from './ports/usageLedger.ts';
import type { LikesStore } from './ports/store.ts';
import type { WorldStorage } from './ports/worldStorage.ts';
import { VersionedMemo } from './versionedMemo.ts';
import { oncePerTurn } from './perTurn.ts';
import type { Settling } from './settling.ts';
import { assembleEvents, type WorldEvents } from './domain/events/worldEvents.ts';
import type { Logger } from './ports/logger.ts';
import type { WebhookTransport } from './ports/webhookTransport.ts';

/** One X world and the services over it. */
export interface World {
  readonly id: string;
  /** What credentials minted here begin with ('' in the default world). */
  readonly tag: string;
  readonly store: LikesStore;
  readonly shared: SharedState;
  readonly clock: SandboxClock;
  readonly ids: SnowflakeIds;
  readonly authenticator: Authenticator;
  readonly credentials: CredentialIssuer;
  readonly likes: LikesService;
  readonly usage: UsageService;
  /** Credential and Project lookups remembered under the world's data version. */
  readonly memo: VersionedMemo;
  /** Webhooks, subscriptions and the dispatcher delivering the world's like events (src/domain/events). */
  readonly events: WorldEvents;
}

/** What every world is assembled with. */
export interface WorldParts {
  config: Config;
  sealer: SecretSealer;
  metrics: Metrics;
  /** Real time (or a test's clock): what world clocks are offset from, and what signatures are checked against. */
  clock: Clock;
  storeHealth: DependencyHealth;
  sharedHealth: DependencyHealth;
  sharedKind: string;
  /** How webhook requests (CRCs, deliveries) leave the process. */
  transport: WebhookTransport;
  log: Logger;
  /** The snowflake worker number this process claimed on the store (src/domain/ids.ts): every world's ids use it. */
  idWorker: number;
}

/** Assembles world `id` over its raw store and its (unobserved) shared state. */
export function assembleWorld(parts: WorldParts, id: string, rawStore: LikesStore, rawShared: SharedState): World {
  const { config, sealer, metrics } = parts;
  const shared = observeShared(rawShared, parts.sharedHealth, metrics, parts.sharedKind);
  const store = trackChanges(
    observed(rawStore, parts.storeHealth, (op, outcome, s) => metrics.dependencyCall(rawStore.kind, op, outcome, s), '', ['events']),
    shared.changes,
  );
  const clock = new SandboxClock(parts.clock);
  const ids = new SnowflakeIds(clock, parts.idWorker);
  const memo = new VersionedMemo();
  const tag = credentialTag(id);
  const events = assembleEvents({
    store, transport: parts.transport, ids, clock, realClock: parts.clock, log: parts.log,
    wakeups: shared.wakeups,
    secretsOf: (app) => ({ consumerSecret: sealer.open(app.consumerSecretSealed) }),
    // A delivered event is billed as the Post it carries (X: "Each delivered Post event ... is billed as a Post").
    delivered: (appId, event) => {
      const entry = { appId, at: clock.now(), endpoint: 'events', operation: 'read', resources: { posts: idList([event.tweetId]), users: NO_IDS } } as const;
      shared.ledger.record(entry);
    },
  });
  return {
    id,
    tag,
    store,
    shared,
    clock,
    ids,
    memo,
    authenticator: new Authenticator(store, sealer, shared.nonceStore, clock, memo, parts.clock),
    credentials: new CredentialIssuer(store, sealer, ids, clock, tag),
    // A like committed wakes this process's readers and, through the wake-ups, the other instances'.
    likes: new LikesService(store, clock, { pulse: () => (events.signal.pulse(), shared.wakeups.announce()) }),
    events,
    usage: new UsageService(shared.usageMeter, config.limits),
  };
}

/** Each part of the shared state timed and watched under one dependency; `close` is left unobserved. */
export function observeShared(shared: SharedState, health: DependencyHealth, metrics: Metrics, kind: string): SharedState {
  const watch = <T extends object>(part: T, name: string): T =>
    observed(part, health, (op, outcome, s) => metrics.dependencyCall(kind, op, outcome, s), `${name}.`);
  return {
    rateLimiter: watch(shared.rateLimiter, 'rateLimiter'),
    nonceStore: watch(shared.nonceStore, 'nonceStore'),
    usageMeter: watch(shared.usageMeter, 'usageMeter'),
    ephemeral: watch(shared.ephemeral, 'ephemeral'),
    changes: watch(shared.changes, 'changes'),
    controls: watch(shared.controls, 'controls'),
    journal: watch(shared.journal, 'journal'),
    ledger: watch(shared.ledger, 'ledger'),
    // Fire and forget, nothing to time.
    wakeups: shared.wakeups,
    forWorld: (world) => shared.forWorld(world),
    forgetWorld: (world, options) => shared.forgetWorld(world, options),
    ping: watch({ ping: () => shared.ping() }, '').ping,
    close: () => shared.close(),
  };
}

/** Sandboxes need a store that can copy worlds (SQLite or PostgreSQL); a store passed in by a test may not. */
export class SandboxesUnsupportedError extends Error {
  constructor() {
    super('sandboxes need the SQLite or PostgreSQL store');
  }
}

/** Templates are rebuilt when what they hold changes: the demo seed and this version. */
const TEMPLATE_VERSION = 1;
const templateId = (seed: SandboxSeed): string => `tpl_${seed}_${DEMO_SEED}_${TEMPLATE_VERSION}`;
const TEMPLATES: Record<SandboxSeed, { seed: (store: LikesStore) => Promise<DemoContent>; content: () => DemoContent }> = {
  demo: { seed: seedDemoContent, content: demoContent },
  empty: { seed: seedDemoAccounts, content: demoAccountsContent },
};
const SANDBOX_META = 'sandbox';
const TEMPLATE_READY_META = 'template-ready';

/** A sandbox just made: its id and the credentials document of its world (baseUrl left for the caller). */
export interface CreatedSandbox {
  id: string;
  credentials: DemoCredentials;
}

/** A sandbox's store is closed after this long unused (reopened on its next request); its shared state stays. */
export const IDLE_WORLD_MS = 10 * 60 * 1000;

export class Worlds {
  private readonly opened = new Map<string, Promise<World | null>>();
  /** When each open sandbox was last asked for (real time). */
  private readonly lastUsed = new Map<string, number>();
  private readonly templates = new Map<SandboxSeed, Promise<string>>();
  /** The controls each world was last read with (see controlsOf). */
  private readonly controlsSeen = new WeakMap<World, ControlsSnapshot>();
  /** Each world's controls, read once per event-loop turn for all its requests of the turn. */
  private readonly controlsThisTurn = new WeakMap<World, () => Settling<ControlsSnapshot>>();
  private readonly sweeper: NodeJS.Timeout;
  /** Whether worlds deliver their events (a server's process does; a CLI command's does not). */
  private delivering = false;
  /** Sandboxes being reopened for their deliveries (deliverEvents), awaited at close. */
  private resuming: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly parts: WorldParts,
    readonly defaultWorld: World,
    private readonly storage: WorldStorage | null,
    /** The root shared state, whose forWorld gives each sandbox its part. */
    private readonly rootShared: SharedState,
  ) {
    // Sandboxes made per test file pile up on a long-running server: their files and pools are let go when idle.
    this.sweeper = setInterval(() => void this.releaseIdle(Date.now()).catch(() => {}), IDLE_WORLD_MS / 10);
    this.sweeper.unref();
  }

  /**
   * Starts delivering events: the default world's now, each sandbox's once it is opened. Only a process that serves
   * the API does this; several may, the webhooks' leases share the work out.
   */
  deliverEvents(): void {
    if (this.delivering) return;
    this.delivering = true;
    this.defaultWorld.events.dispatcher.start();
    for (const world of this.opened.values()) void world.then((w) => w?.events.dispatcher.start(), () => {});
    this.resuming = this.resumeSandboxDeliveries().catch((err: unknown) => this.parts.log.warn({ err }, 'events: sandboxes could not be resumed'));
  }

  /** Stops a world's deliveries before its store is let go. */
  private async retire(world: Promise<World | null> | undefined): Promise<void> {
    const w = await world?.catch(() => null);
    await w?.events.dispatcher.stop();
  }

  /**
   * Closes the stores of sandboxes unused for IDLE_WORLD_MS (no request lasts that long, so none is using them).
   * Their data and shared state stay; the next request opens them again.
   */
  async releaseIdle(now: number): Promise<string[]> {
    const idle: string[] = [];
    for (const [id, at] of this.lastUsed) {
      if (now - at <= IDLE_WORLD_MS) continue;
      // A world serving a stream is in use however long ago the stream's request came.
      const world = await this.opened.get(id)?.catch(() => null);
      if (world && world.events.connections.holding > 0) this.lastUsed.set(id, now);
      else idle.push(id);
    }
    for (const id of idle) await this.release(id);
    return idle;
  }

  /** Stops a sandbox's deliveries and closes its store; its next request opens it again. */
  private async release(id: string): Promise<void> {
    await this.retire(this.opened.get(id));
    this.opened.delete(id);
    this.lastUsed.delete(id);
    await this.storage?.release(id);
  }

  /**
   * Opens, one after the other, the sandboxes that have webhooks, so that what they had not delivered when the last
   * process stopped goes out without waiting for their next request; the others are closed again at once.
   */
  private async resumeSandboxDeliveries(): Promise<void> {
    if (!this.storage) return;
    for (const id of (await this.storage.list()).filter((id) => SANDBOX_ID.test(id))) {
      if (this.closing) return;
      if (this.opened.has(id)) continue;
      const world = await this.get(id);
      if (world && (await world.store.events.allWebhooks()).length === 0) await this.release(id);
    }
  }

  /** The world `id`, opened on first use; null when there is no such world. */
  get(id: string): Promise<World | null> {
    if (id === DEFAULT_SANDBOX) return Promise.resolve(this.defaultWorld);
    if (!SANDBOX_ID.test(id) || !this.storage) return Promise.resolve(null);
    this.lastUsed.set(id, Date.now());
    let world = this.opened.get(id);
    if (!world) {
      const storage = this.storage;
      world = storage.open(id).then((raw) => {
        if (!raw) return null;
        const opened = assembleWorld(this.parts, id, raw, this.rootShared.forWorld(id));
        if (this.delivering) opened.events.dispatcher.start();
        return opened;
      });
      this.opened.set(id, world);
      // Not kept when absent or failed: it may be made later, or come back.
      const forget = () => {
        this.opened.delete(id);
        this.lastUsed.delete(id);
      };
      world.then((w) => w ?? forget(), forget);
    }
    return world;
  }

  private requireStorage(): WorldStorage {
    if (!this.storage) throw new SandboxesUnsupportedError();
    return this.storage;
  }

  /** The template world for `seed`: seeded once per store (by whichever process gets there first), then kept. */
  private template(seed: SandboxSeed): Promise<string> {
    let made = this.templates.get(seed);
    if (!made) {
      made = (async () => {
        const id = templateId(seed);
        const store = (await this.requireStorage().open(id, true))!;
        // Seeding is idempotent (the same rows each time), so processes racing here write the same world.
        if ((await store.getMeta(TEMPLATE_READY_META)) === null) {
          await TEMPLATES[seed].seed(store);
          await store.setMeta(TEMPLATE_READY_META, '1');
        }
        return id;
      })();
      this.templates.set(seed, made);
      made.catch(() => this.templates.delete(seed));
    }
    return made;
  }

  /** Makes a sandbox from `seed`'s template, with credentials of its own, and snapshots it for reset. */
  async create(seed: SandboxSeed, now: number): Promise<CreatedSandbox> {
    const storage = this.requireStorage();
    const template = await this.template(seed);
    const id = newSandboxId();
    try {
      await storage.open(id, true);
      await storage.restore(id, template, null);
      const world = (await this.get(id))!;
      const record: SandboxRecord = { seed, createdAt: now };
      await world.store.setMeta(SANDBOX_META, JSON.stringify(record));
      const credentials = await mintDemoCredentials(world, TEMPLATES[seed].content());
      await world.store.setDemoCredentials(this.parts.sealer.seal(JSON.stringify(credentials)));
      await storage.saveSnapshot(id, SEED_SNAPSHOT);
      await this.markLive(world);
      return { id, credentials };
    } catch (error) {
      // A sandbox half made is no sandbox: nothing of it is left behind.
      this.opened.delete(id);
      await storage.drop(id).catch(() => {});
      throw error;
    }
  }

  /** The credentials document world `id` was made with; null for a world without one. */
  async credentialsOf(world: World): Promise<DemoCredentials | null> {
    const stored = await world.store.demoCredentials();
    if (!stored) return null;
    return JSON.parse('plaintext' in stored ? stored.plaintext : this.parts.sealer.open(stored.sealed)) as DemoCredentials;
  }

  async summary(world: World): Promise<SandboxSummary> {
    const isDefault = world.id === DEFAULT_SANDBOX;
    const raw = isDefault ? null : await world.store.getMeta(SANDBOX_META);
    const record = raw ? (JSON.parse(raw) as SandboxRecord) : null;
    const seed = record?.seed ?? ((await world.store.demoCredentials()) ? 'demo' : 'none');
    return {
      id: world.id,
      default: isDefault,
      seed,
      store: world.store.kind,
      created_at: record ? new Date(record.createdAt).toISOString() : null,
      snapshots: this.storage ? (await this.storage.listSnapshots(world.id)).filter((n) => !n.startsWith('_')) : [],
    };
  }

  /** Every world: the default one first, then the sandboxes by id. */
  async list(): Promise<SandboxSummary[]> {
    const ids = this.storage ? (await this.storage.list()).filter((id) => SANDBOX_ID.test(id)) : [];
    const worlds = await Promise.all(ids.map((id) => this.get(id)));
    return Promise.all([this.defaultWorld, ...worlds.filter((w): w is World => w !== null)].map((w) => this.summary(w)));
  }

  /**
   * The world's clock offset and faults: read whole only when their version moved since this process last read
   * them (on Redis, one GET per event-loop turn rather than the whole set). A fault's `times_remaining` may be
   * behind; its use is decided by consumeFault, and one used up changes the version. At once (no promise) when this
   * turn's read has come back (src/perTurn.ts).
   */
  controlsOf(world: World): Settling<ControlsSnapshot> {
    let read = this.controlsThisTurn.get(world);
    if (!read) this.controlsThisTurn.set(world, (read = oncePerTurn(() => this.readControls(world))));
    return read();
  }

  private async readControls(world: World): Promise<ControlsSnapshot> {
    const version = await world.shared.controls.version();
    const seen = this.controlsSeen.get(world);
    if (seen && seen.version === version) return seen;
    const fresh = await world.shared.controls.snapshot();
    this.controlsSeen.set(world, fresh);
    return fresh;
  }

  /**
   * World `id` if it still exists, with its controls as they stand (the per-request read). A sandbox deleted through
   * another instance is still open here; its controls being gone says so, and the storage confirms it.
   */
  async live(id: string): Promise<{ world: World; controls: ControlsSnapshot } | null> {
    const world = await this.get(id);
    if (!world) return null;
    const controls = await this.controlsOf(world);
    if (world.id !== DEFAULT_SANDBOX && controls.version === UNSET_CONTROLS && !(await this.confirm(world))) return null;
    return { world, controls };
  }

  /**
   * Whether `world` still exists, asked when its controls were found unset: it was deleted (by another instance), or
   * its controls were lost (a Redis flushed). A world that is gone is forgotten here; one that is not is marked again.
   */
  private async confirm(world: World): Promise<boolean> {
    if (world.id === DEFAULT_SANDBOX) return true;
    if (this.storage && (await this.storage.exists(world.id))) {
      await this.markLive(world);
      return true;
    }
    await world.events.dispatcher.stop();
    this.opened.delete(world.id);
    this.lastUsed.delete(world.id);
    await this.storage?.release(world.id);
    // What this process still held for it (written behind after the delete, perhaps) goes too.
    await this.rootShared.forgetWorld(world.id);
    return false;
  }

  /** Sets the world's controls, so that their being unset says it is gone (see confirm). */
  private async markLive(world: World): Promise<void> {
    await world.shared.controls.setClockOffsetMs(await world.shared.controls.clockOffsetMs());
  }

  /** Deletes sandbox `id` with its data, snapshots and shared state; false when there is none. */
  async delete(id: string): Promise<boolean> {
    const world = await this.get(id);
    if (!world || world.id === DEFAULT_SANDBOX) return false;
    await world.events.dispatcher.stop();
    this.opened.delete(id);
    this.lastUsed.delete(id);
    await this.requireStorage().drop(id);
    await this.rootShared.forgetWorld(id);
    return true;
  }

  /** The world's time, as its stored clock offset makes it. */
  async timeOf(world: World): Promise<number> {
    return world.clock.base.now() + (await world.shared.controls.clockOffsetMs());
  }

  /**
   * Moves the world's clock (from its time as stored: two moves at once may count as one) and answers its new time;
   * ControlRequestError when that time is out of range.
   */
  async moveClock(world: World, move: ClockMove): Promise<number> {
    const base = world.clock.base.now();
    const next = offsetAfter(move, base, await world.shared.controls.clockOffsetMs());
    await world.shared.controls.setClockOffsetMs(next);
    world.clock.setOffsetMs(next);
    return base + next;
  }

  /** Saves world `id`'s data as snapshot `name`. */
  async snapshot(world: World, name: string): Promise<void> {
    await this.requireStorage().saveSnapshot(world.id, name);
  }

  /**
   * Puts world `id`'s data back as snapshot `name` left it; false when there is no such snapshot. Everything
   * remembered under the data version is dropped (the versions move on).
   */
  async restore(world: World, name: string): Promise<boolean> {
    if (!(await this.requireStorage().restore(world.id, world.id, name))) return false;
    await world.shared.changes.bump(['data', 'credentials']);
    return true;
  }

  /**
   * Back to how the sandbox was made: its data as the seed snapshot holds it (credentials included), and its
   * shared state (rate-limit windows, usage, flow state, clock, faults, request log, ledger) forgotten. The default
   * world keeps its rate-limit windows and monthly usage (they are the service's own) and forgets the rest. False
   * for a world without a seed snapshot.
   */
  async reset(world: World): Promise<boolean> {
    if (!(await this.requireStorage().restore(world.id, world.id, SEED_SNAPSHOT))) return false;
    if (world.id === DEFAULT_SANDBOX) {
      await Promise.all([world.shared.controls.clear(), world.shared.journal.clear(), world.shared.ledger.clear()]);
    } else {
      await this.rootShared.forgetWorld(world.id, { keepVersions: true });
      // Assembled afresh on next use, over its new shared state.
      this.opened.delete(world.id);
      await this.markLive((await this.get(world.id))!);
    }
    await world.shared.changes.bump(['data', 'credentials']);
    return true;
  }

  /**
   * Saves the default world as it was just seeded, for reset to go back to (the demo seed: src/cli/serve.ts). Kept
   * when there is one already: instances starting together on one store save it once.
   */
  async saveDefaultSeed(): Promise<void> {
    if (!this.storage || (await this.storage.listSnapshots(DEFAULT_SANDBOX)).includes(SEED_SNAPSHOT)) return;
    await this.storage.saveSnapshot(DEFAULT_SANDBOX, SEED_SNAPSHOT);
  }

  /** Closes the sandboxes' stores (the default world's is the wiring's to close). */
  async close(): Promise<void> {
    this.closing = true;
    await this.resuming;
    clearInterval(this.sweeper);
    await this.defaultWorld.events.dispatcher.stop();
    await Promise.all([...this.opened.values()].map((w) => this.retire(w)));
    this.opened.clear();
    this.lastUsed.clear();
    await this.storage?.close();
  }
}
