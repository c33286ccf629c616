// Serialised lookup responses, reused while the data they were built from is unchanged. An entry is
// tagged with the versions read BEFORE the response was computed, so a write that lands while it is
// being computed makes the entry stale rather than wrong; whether a tag is still current is the caller's rule.
//
// Bodies are encoded into an arena of SEGMENTS fixed segments that together are the byte budget, allocated as they
// first fill: the segment being filled takes each new body after the last, and when it is full the next one is
// emptied whole and filled again (its entries are forgotten). One Buffer per entry instead, promoted to V8's old
// generation and dropped at eviction, stays allocated until a full collection and fragments malloc's heap: under a
// working set larger than the cache a 16 MiB budget held 30-55 MiB of RSS (docs/benchmarks.md). An entry hit while
// its segment is in the older half of the arena is copied forward (a second chance), so what is asked for again stays.
//
// A body handed out to be written pins its segment until the response closes: a socket that could not take the whole
// answer at once reads the rest from the arena later, so that segment is not filled again before then.

/** A cached answer: its serialised body (what the byte budget counts) and whatever goes with it. */
interface Cached {
  body: Buffer;
}

/** An answer to cache: as Cached, its body the JSON text the arena encodes (no Buffer of its own made first). */
export type Uncached<A extends Cached> = Omit<A, 'body'> & { body: string };

/** What a handed-out body is written to: its segment stays pinned until it emits 'close'. */
export interface BodyHolder {
  once(event: 'close', listener: () => void): unknown;
}

/** Segments in the arena: an entry may take up to one of them (1/16 of the budget). */
const SEGMENTS = 16;

class Segment {
  constructor(readonly index: number) {}
  buffer: Buffer | null = null;
  used = 0;
  /** Bodies of this segment being written to sockets. */
  pins = 0;
  /** Keys of the entries placed here (some since replaced or dropped: checked against the map). */
  keys: string[] = [];
}

interface Entry<A extends Cached, Tag> {
  tag: Tag;
  answer: A;
  segment: Segment;
  /** Bytes the entry counts against the budget: its body and its key. */
  bytes: number;
}

/** Whether an entry tagged `tag` may answer a request that runs under `now`. */
export type IsCurrent<Tag, Now> = (tag: Tag, now: Now) => boolean;

export class ResponseCache<A extends Cached = Cached, Tag = string, Now = Tag> {
  private readonly entries = new Map<string, Entry<A, Tag>>();
  private readonly segments: Segment[];
  private readonly segmentBytes: number;
  /** The segment being filled. */
  private current = 0;
  private bytes = 0;
  /** Lookups answered from the cache and lookups that were not (absent or stale), for metrics. */
  hits = 0;
  misses = 0;

  /** `isCurrent`: by default a tag is current when it equals the request's version. */
  constructor(
    maxBytes: number,
    private readonly isCurrent: IsCurrent<Tag, Now> = (tag, now) => (tag as unknown) === now,
  ) {
    this.segmentBytes = Math.max(1, Math.floor(maxBytes / SEGMENTS));
    this.segments = Array.from({ length: SEGMENTS }, (_, i) => new Segment(i));
  }

  /** The answer cached under `key` if current at `now`; `holder` pins its body until it closes (see BodyHolder). */
  get(key: string, now: Now, holder?: BodyHolder): A | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    if (!this.isCurrent(entry.tag, now)) {
      this.misses++;
      this.forget(key, entry);
      return undefined;
    }
    this.hits++;
    if (this.isOld(entry.segment)) this.copyForward(key, entry);
    if (holder) {
      const segment = entry.segment;
      segment.pins++;
      holder.once('close', () => segment.pins--);
    }
    return entry.answer;
  }

  /** Whether `get` would answer now; counts nothing and leaves the entry where it is. */
  has(key: string, now: Now): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && this.isCurrent(entry.tag, now);
  }

  /** Caches `answer` under `tag`, its body encoded (UTF-8) into the arena. */
  set(key: string, tag: Tag, answer: Uncached<A>): void {
    const old = this.entries.get(key);
    if (old) this.forget(key, old);
    const bytes = Buffer.byteLength(answer.body) + key.length;
    const placed = this.place(key, answer.body, bytes);
    if (!placed) return;
    this.entries.set(key, { tag, answer: { ...answer, body: placed.body } as A, segment: placed.segment, bytes });
    this.bytes += bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytesUsed(): number {
    return this.bytes;
  }

  /**
   * Writes `body` (text as UTF-8; counted, with its key, as `bytes`) into the segment being filled, under `key`, moving
   * on to the next unpinned segment when it is full; null if none is free, or if moving on would empty `keep`.
   */
  private place(key: string, body: Buffer | string, bytes: number, keep?: Segment): { segment: Segment; body: Buffer } | null {
    if (bytes > this.segmentBytes) return null;
    let segment = this.segments[this.current];
    if (segment.buffer && segment.used + bytes > this.segmentBytes) {
      const next = this.nextFree();
      if (next < 0 || this.segments[next] === keep) return null;
      this.current = next;
      segment = this.segments[next];
      this.empty(segment);
    }
    const buffer = (segment.buffer ??= Buffer.allocUnsafeSlow(this.segmentBytes));
    const at = segment.used;
    segment.used += bytes;
    segment.keys.push(key);
    const length = typeof body === 'string' ? buffer.write(body, at) : body.copy(buffer, at);
    return { segment, body: buffer.subarray(at, at + length) };
  }

  /** The first segment after the current one that no socket is reading from, or -1. */
  private nextFree(): number {
    for (let step = 1; step < SEGMENTS; step++) {
      const i = (this.current + step) % SEGMENTS;
      if (this.segments[i].pins === 0) return i;
    }
    return -1;
  }

  /** Forgets every entry still placed in `segment` and makes it empty. */
  private empty(segment: Segment): void {
    for (const key of segment.keys) {
      const entry = this.entries.get(key);
      if (entry?.segment === segment) this.forget(key, entry);
    }
    segment.keys = [];
    segment.used = 0;
  }

  /** Whether `segment` is among the half of the arena to be emptied next. */
  private isOld(segment: Segment): boolean {
    const ahead = (segment.index - this.current + SEGMENTS) % SEGMENTS;
    return ahead > 0 && ahead <= SEGMENTS / 2;
  }

  /** A hit in the older half of the arena moves to the segment being filled (unless that would empty its own first). */
  private copyForward(key: string, entry: Entry<A, Tag>): void {
    const placed = this.place(key, entry.answer.body, entry.bytes, entry.segment);
    if (!placed) return;
    entry.answer = { ...entry.answer, body: placed.body };
    entry.segment = placed.segment;
  }

  private forget(key: string, entry: Entry<A, Tag>): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
