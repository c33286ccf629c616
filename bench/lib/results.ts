// The shape of one benchmark run's results (bench/results/*.json), as run.ts writes them and the report reads them.
import type { SizeSpec } from './data.ts';
import type { SequentialResult } from './load.ts';
import type { ProfileSummary } from './profile.ts';

export interface MainRow {
  store: string;
  id: string;
  label: string;
  instances: number;
  /** The response cache was on (the default). */
  cache: boolean;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  rssMiB: number[];
  bytesPerResponse: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

export type PeerRow = (MainRow & { sameBytes: boolean; bodyBytes: number; error?: undefined }) | { store: string; id: string; label: string; error: string };

export interface ScalingPoint {
  store: 'sqlite' | 'postgres';
  label: string;
  likes: number;
  heavyLikerLikes: number;
  pages: ({ name: string; index: number } & SequentialResult)[];
  likingUsers: SequentialResult | null;
  load: { rps: number; p50: number; p99: number; rssMiB: number } | null;
  /** Every page of the heaviest liker requested in turn (mostly cache misses; the cache fills up). */
  varied?: { pages: number; rps: number; p50: number; p99: number; rssMiB: number };
}

export interface BenchResults {
  mode: 'quick' | 'full';
  date: string;
  machine: {
    cpu: string; cores: number; memoryGiB: number; kernel: string; loadavgStart: number[]; loadavgEnd: number[];
    /** 1-minute load average sampled every 5 s, lowest and highest while each section ran (absent in older results). */
    loadBySection?: { section: string; fromS: number; toS: number; min: number | null; max: number | null }[];
  };
  versions: Record<string, string>;
  settings: { warmS: number; loadS: number; connections: number; page: number; latency: { count: number; maxMs: number; warmup: number }; seed: number };
  sizes: SizeSpec[];
  mainLabel: string;
  pageBytes?: number;
  pageSha?: string;
  pgPageSha?: string;
  seeds: {
    store: string; label: string; spec: SizeSpec; likesPerSecond: number; ms: Record<string, number>; finishSteps: { step: string; ms: number }[];
    wallMs: number; reused: boolean; heavyLikerLikes: number; popularTweetLikes: number;
  }[];
  main: MainRow[];
  peers: PeerRow[];
  scaling: ScalingPoint[];
  startup: { store: string; label: string; likes: number; ms: number[] }[];
  writes: {
    store: string; instances: number; likesCreated: number; seconds: number; likesPerSecond: number; rps: number; p50: number; p99: number;
    rssMiB: number[]; non2xx: number; errors: number; poolExhausted: boolean;
    /** CPU per like of the row's processes (the servers, or the bare script), and of PostgreSQL's (NaN: not measured). */
    cpuUsPerLike?: number;
    postgresCpuUsPerLike?: number;
    /** likes/s of each round, when the row ran in alternating rounds (instances 0: the bare `pg` script). */
    rounds?: number[];
  }[];
  profiles: (ProfileSummary & { id: string; label: string; rps: number })[];
  /** Like → webhook delivery (section "events"), one entry per set-up; absent in older results and in runs without it. */
  events?: EventDeliveryRow[];
  /** The realistic mix (section "realistic"), one entry per dataset; absent in older results and in runs without it. */
  realistic?: RealisticResult[];
  notes: string[];
  durationS: number;
}

/** One measured run of one row of the realistic mix (one round). */
export interface RealisticRound {
  round: number;
  requests: number;
  seconds: number;
  rps: number;
  /** CPU time (utime + stime from /proc/<pid>/stat) the row's server processes used during the measured run. */
  cpuMs: number;
  cpuUsPerRequest: number;
  /** Cores the whole machine kept busy on average during the measured run (load generator and databases included). */
  machineCores: number;
  p50: number;
  p99: number;
  rssMiB: number[];
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Response cache lookups during the measured run (Likes API rows with /metrics). */
  cacheHits?: number;
  cacheMisses?: number;
  /** Likes and unlikes sent (write rows). */
  writes?: number;
}

export interface RealisticRow {
  id: string;
  /** Who answered: the Likes API, the bare single-query server, the bare fixed-page server. */
  server: 'likes' | 'bare' | 'fixed';
  store: 'sqlite' | 'postgres' | null;
  instances: number;
  /** The response cache (Likes API rows): on, off, or not applicable. */
  cache: boolean | null;
  /**
   * Which requests: the whole mix, its default-fields part (what the bare server answers), the first of those whose
   * bodies fit half the response cache's budget, or one page repeated.
   */
  requests: 'mix' | 'default' | 'default-fit' | 'one-page';
  writes: boolean;
  label: string;
  connections: number;
  rounds: RealisticRound[];
  /** Over all rounds: total requests ÷ total measured seconds, total CPU ÷ total requests. */
  rps: number;
  cpuUsPerRequest: number;
  /** Over all rounds, weighted by their seconds. */
  machineCores: number;
  p50: number;
  p99: number;
  rssMiB: number[];
  non2xx: number;
  errors: number;
  cacheHitRate?: number;
  /** Start to first answer of the row's (first) server process, ms. */
  readyMs?: number;
  /** LIKES_API_SQLITE_MMAP_MB the row's server ran with (absent: 0, none). */
  mmapMiB?: number;
  /** The CPU share (cores) each of the row's instances was held to by a cgroup's quota (absent: not held). */
  instanceCores?: number;
}

export interface RealisticResult {
  label: string;
  likes: number;
  mix: {
    distinct: number;
    byKind: Record<string, number>;
    full: number;
    user: number;
    defaultFields: number;
    /** Every distinct answer's body, summed (what caching the whole mix would hold). */
    workingSetBytes: number;
    cacheBudgetMiB: number;
    /**
     * The working set inside the cache: the first default-fields requests whose bodies take at most half the budget,
     * and those bodies summed (absent in results written before these rows were measured).
     */
    fitDistinct?: number;
    fitBytes?: number;
    writeShare: number;
  };
  /** The default-fields requests fetched from the Likes API and from the bare single-query server, byte for byte. */
  identical: { compared: number; identical: number; examples: string[] };
  /** A sample of the mix fetched from PostgreSQL (1 instance) and from SQLite, byte for byte. */
  pgIdentical?: { compared: number; identical: number; examples: string[] };
  rounds: number;
  /**
   * How long each row was served before the rounds, so that every server runs warm: V8 is still optimizing a Likes API
   * server's code through its first ~50,000-100,000 requests of the mix (absent from older results).
   */
  steadyS?: number;
  warmS: number;
  loadS: number;
  rows: RealisticRow[];
  /**
   * What the sandbox and events machinery cost when no sandbox, webhook or stream is in use: the share of the cache-off
   * server's CPU on the mix spent inside it, by a CPU profile (first dataset only).
   */
  unusedCost?: { pct: number; parts: { name: string; pct: number }[]; rps: number };
  /** Start to first answer of `likes-api serve` on this dataset, started again while the section's other servers idle. */
  startsMs?: number[];
  /** How busy the machine was (cores) when those starts began, and how long the section waited for it to settle. */
  startsSettled?: { busyCores: number; waitedMs: number };
  notes: string[];
}

/** The Likes API row every ratio is taken from: SQLite, liked_tweets, app bearer, response cache on (or off). */
export function sqliteLikedRow(r: BenchResults, cache: boolean): MainRow | undefined {
  return r.main.find((m) => m.store === 'sqlite' && m.id === 'liked_tweets:bearer' && (cache ? m.cache !== false : m.cache === false));
}

/** How fast likes become webhook deliveries on one set-up (section "events"); times in ms from the like request sent. */
export interface EventDeliveryRow {
  store: 'sqlite' | 'postgres';
  instances: number;
  label: string;
  /** One like at a time, each waited for until delivered. */
  quiet: { likes: number; p50: number; p99: number };
  /** Many likes at once: the queue in front of each delivery counts too. */
  loaded: { likes: number; concurrency: number; delivered: number; posts: number; deliveriesPerSecond: number; p50: number; p99: number; max: number };
}
