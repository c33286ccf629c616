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
  }[];
  profiles: (ProfileSummary & { id: string; label: string; rps: number })[];
  notes: string[];
  durationS: number;
}

/** The Likes API row every ratio is taken from: SQLite, liked_tweets, app bearer, response cache on (or off). */
export function sqliteLikedRow(r: BenchResults, cache: boolean): MainRow | undefined {
  return r.main.find((m) => m.store === 'sqlite' && m.id === 'liked_tweets:bearer' && (cache ? m.cache !== false : m.cache === false));
}
