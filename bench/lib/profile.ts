// Summarises a V8 .cpuprofile (node --cpu-prof): time by area of the code (self time) and the heaviest functions,
// by self time and by inclusive time (a function plus everything it called).
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  where: string;
  area: string;
  selfMs: number;
  selfPct: number;
  totalMs: number;
  totalPct: number;
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  /** Busy = everything but (idle). Percentages below are of busy time. */
  busyMs: number;
  areas: { area: string; ms: number; pct: number }[];
  topSelf: ProfileRow[];
  topTotal: ProfileRow[];
}

/** Which part of the stack a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8/native (program)';
  if (!url) return 'native builtins (JSON, crypto, SQLite calls…)';
  if (url.includes('/src/http/')) return 'src/http';
  if (url.includes('/src/domain/')) return 'src/domain';
  if (url.includes('/src/auth/')) return 'src/auth';
  if (url.includes('/src/adapters/')) return 'src/adapters';
  if (url.includes('/src/')) return 'src (other)';
  if (/node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|fast-json-stringify|fast-querystring|fast-decode-uri-component|safe-regex2|ret|toad-cache|abstract-logging|pino|process-warning|rfdc|secure-json-parse)\//.test(url)) return 'fastify';
  if (url.includes('node_modules/better-sqlite3/')) return 'better-sqlite3 (JS)';
  if (url.includes('node_modules/pg') || url.includes('node_modules/ioredis')) return 'pg/ioredis';
  if (url.includes('node_modules/tsx') || url.includes('node_modules/esbuild')) return 'tsx loader';
  if (url.startsWith('node:')) return 'node core (http, net, streams)';
  return 'other';
}

const short = (url: string): string => {
  const m = /(?:\/(src|node_modules)\/.*)$/.exec(url);
  if (m) return m[0].slice(1);
  return url.replace(/^file:\/\//, '');
};

/**
 * The server runs a bundle (dist/, scripts/build.mjs): a frame in it is named by its source file and line through the
 * bundle's source map, so areas and rows read src/… and node_modules/… as they would unbundled.
 */
function originalFrames(): (frame: CallFrame) => CallFrame {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      const path = `${fileURLToPath(url)}.map`;
      maps.set(url, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : null);
    }
    return maps.get(url)!;
  };
  return (frame) => {
    if (!frame.url.startsWith('file://') || !/\.c?js$/.test(frame.url)) return frame;
    const entry = mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
    if (!entry?.originalSource) return frame;
    const source = entry.originalSource.startsWith('file://') ? entry.originalSource : pathToFileURL(resolve(dirname(fileURLToPath(frame.url)), entry.originalSource)).href;
    return { ...frame, url: source, lineNumber: entry.originalLine ?? frame.lineNumber };
  };
}

/**
 * `window` keeps only the samples taken between `fromEndMs` and `toEndMs` milliseconds before the profile ended
 * (e.g. the measured load, leaving out start-up, warm-up and shutdown).
 */
export function summariseProfile(file: string, top = 20, window?: { fromEndMs: number; toEndMs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const original = originalFrames();
  for (const n of profile.nodes) n.callFrame = original(n.callFrame);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time from the samples and their time deltas (more exact than hitCount × mean interval).
  const selfUs = new Map<number, number>();
  const from = window ? profile.endTime - window.fromEndMs * 1000 : -Infinity;
  const to = window ? profile.endTime - window.toEndMs * 1000 : Infinity;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const keyOf = (f: CallFrame) => `${f.functionName || '(anonymous)'}\u0000${f.url}\u0000${f.lineNumber}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const frames = new Map<string, CallFrame>();
  const areas = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    sampled += us;
    const area = areaOf(node.callFrame);
    if (area === 'idle') idle += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const k = keyOf(node.callFrame);
    frames.set(k, node.callFrame);
    self.set(k, (self.get(k) ?? 0) + us);
    // Inclusive: every distinct function on the stack above this sample gets its time once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const fk = keyOf(f);
      if (seen.has(fk)) continue;
      seen.add(fk);
      frames.set(fk, f);
      total.set(fk, (total.get(fk) ?? 0) + us);
    }
  }
  const busy = sampled - idle;
  const pct = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const row = (k: string): ProfileRow => {
    const f = frames.get(k)!;
    return {
      name: f.functionName || '(anonymous)',
      where: !f.url ? '(native)' : `${short(f.url)}:${f.lineNumber + 1}`,
      area: areaOf(f),
      selfMs: ms(self.get(k) ?? 0),
      selfPct: pct(self.get(k) ?? 0),
      totalMs: ms(total.get(k) ?? 0),
      totalPct: pct(total.get(k) ?? 0),
    };
  };
  const skip = (k: string) => ['(idle)', '(root)'].includes(frames.get(k)!.functionName);
  return {
    file,
    sampledMs: ms(sampled),
    busyMs: ms(busy),
    areas: [...areas]
      .filter(([a]) => a !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: ms(us), pct: pct(us) })),
    topSelf: [...self.keys()].filter((k) => !skip(k)).sort((a, b) => self.get(b)! - self.get(a)!).slice(0, top).map(row),
    topTotal: [...total.keys()]
      .filter((k) => !skip(k) && frames.get(k)!.url !== '' && !frames.get(k)!.url.startsWith('node:'))
      .sort((a, b) => total.get(b)! - total.get(a)!)
      .slice(0, top)
      .map(row),
  };
}

/** A part of the code, told by its frames (source URL and function name, after the source maps). */
export interface CodePart {
  name: string;
  test: (frame: CallFrame) => boolean;
  /** Frames that, with their callees, do not count for the part even when the part calls them. */
  except?: (frame: CallFrame) => boolean;
}

/**
 * The share of the busy time (all but idle; GC included) that ran inside each part: a sample
 * counts for a part when any frame of its stack belongs to it (so a part's callees count with it), once per part;
 * `any` counts a sample once whatever parts it was in.
 */
export function partShares(file: string, parts: CodePart[], window?: { fromEndMs: number; toEndMs: number }): { busyMs: number; anyPct: number; parts: { name: string; pct: number }[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const original = originalFrames();
  for (const n of profile.nodes) n.callFrame = original(n.callFrame);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Which parts each node's stack is in (and which it is kept out of by an `except` frame), once per node.
  const memo = new Map<number, { hit: boolean[]; out: boolean[] }>();
  const stackOf = (id: number): { hit: boolean[]; out: boolean[] } => {
    let m = memo.get(id);
    if (!m) {
      const frame = byId.get(id)!.callFrame;
      const up = parent.get(id);
      const above = up === undefined ? { hit: parts.map(() => false), out: parts.map(() => false) } : stackOf(up);
      const out = parts.map((p, i) => above.out[i] || (p.except?.(frame) ?? false));
      m = { out, hit: parts.map((p, i) => !out[i] && (above.hit[i] || p.test(frame))) };
      memo.set(id, m);
    }
    return m;
  };
  const inParts = (id: number): boolean[] => stackOf(id).hit;
  const from = window ? profile.endTime - window.fromEndMs * 1000 : -Infinity;
  const to = window ? profile.endTime - window.toEndMs * 1000 : Infinity;
  let at = profile.startTime;
  let busy = 0;
  let any = 0;
  const us = parts.map(() => 0);
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from || at > to) continue;
    const id = profile.samples[i];
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    busy += dt;
    const hit = inParts(id);
    hit.forEach((h, k) => {
      if (h) us[k] += dt;
    });
    if (hit.some(Boolean)) any += dt;
  }
  const pct = (x: number) => Math.round((x / Math.max(1, busy)) * 1000) / 10;
  return { busyMs: Math.round(busy / 1000), anyPct: pct(any), parts: parts.map((p, k) => ({ name: p.name, pct: pct(us[k]) })) };
}
