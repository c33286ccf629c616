// Ids held compactly. X's ids are decimal numbers of up to 19 digits, kept here as two 32-bit numbers (the digits
// above the last nine, and the last nine) in an open-addressing table of typed arrays, 8 bytes a slot (9 with a
// byte of value), instead of a string and a Set or Map entry each (about 70 bytes an id: 250,000 ids of a busy day
// were ~17 MiB of heap; 4 MiB now). Any other string (leading zeros, other characters, digits above the last nine
// past 2^32, i.e. ids from 4,294,967,296,000,000,000 on, X's being near 2 * 10^18) is kept as text in an ordinary
// Map, so answers are exact for any string. An id is read from within a longer text by its bounds (a list of
// ids, a page's fields): no string is made for it.

/** Slot marker of an empty slot in the `lo` array (a real low part is below 10^9). */
const EMPTY = 0xffffffff;

/** The table both kinds share: ids, and with `valued` a byte for each. */
class CompactIds {
  private hi = new Uint32Array(0);
  private lo = new Uint32Array(0);
  private values: Uint8Array | null;
  private used = 0;
  private others: Map<string, number> | null = null;
  /** The split of the last id parsed (set by `parse`). */
  private pHi = 0;
  private pLo = 0;

  /**
   * `maxLoad`: how full the table may get before it doubles. Linear probing walks past more held ids the fuller it
   * is, most of all for an id not held; a table mostly asked for ids it holds can be fuller.
   */
  constructor(valued: boolean, private readonly maxLoad: number) {
    this.values = valued ? new Uint8Array(0) : null;
  }

  get size(): number {
    return this.used + (this.others?.size ?? 0);
  }

  clear(): void {
    this.hi = new Uint32Array(0);
    this.lo = new Uint32Array(0);
    if (this.values) this.values = new Uint8Array(0);
    this.used = 0;
    this.others = null;
  }

  /** The value of the id `text.slice(start, end)` (0 in a set), or -1 when it is not held. */
  protected lookup(text: string, start: number, end: number): number {
    if (!this.parse(text, start, end)) return this.others?.get(text.slice(start, end)) ?? -1;
    if (this.lo.length === 0) return -1;
    const i = this.slot(this.pHi, this.pLo);
    return this.lo[i] === EMPTY ? -1 : (this.values?.[i] ?? 0);
  }

  /** Holds the id `text.slice(start, end)` with `value` (unless `keep` and it is held already); true when it was new. */
  protected store(text: string, start: number, end: number, value: number, keep: boolean): boolean {
    if (!this.parse(text, start, end)) {
      const id = text.slice(start, end);
      const others = (this.others ??= new Map());
      const fresh = !others.has(id);
      if (fresh || !keep) others.set(id, value);
      return fresh;
    }
    if (this.used + 1 > this.lo.length * this.maxLoad) this.grow();
    const i = this.slot(this.pHi, this.pLo);
    const fresh = this.lo[i] === EMPTY;
    if (fresh) {
      this.hi[i] = this.pHi;
      this.lo[i] = this.pLo;
      this.used += 1;
    }
    if (this.values && (fresh || !keep)) this.values[i] = value;
    return fresh;
  }

  /** Splits a canonical decimal id of 1–19 digits whose high part fits 32 bits into pHi/pLo; false for anything else. */
  private parse(text: string, start: number, end: number): boolean {
    const n = end - start;
    if (n <= 0 || n > 19 || (n > 1 && text.charCodeAt(start) === 48)) return false;
    // The digits above the last nine, then the last nine: two loops without a branch between the parts (every id of
    // every page billed comes through here).
    const split = n > 9 ? start + n - 9 : start;
    let hi = 0;
    for (let k = start; k < split; k++) {
      const d = text.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return false;
      hi = hi * 10 + d;
    }
    let lo = 0;
    for (let k = split; k < end; k++) {
      const d = text.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return false;
      lo = lo * 10 + d;
    }
    if (hi > 0xffffffff) return false;
    this.pHi = hi;
    this.pLo = lo;
    return true;
  }

  /** The slot holding (hi, lo), or the empty slot where it would go (linear probing; the table is never full). */
  private slot(hi: number, lo: number): number {
    const mask = this.lo.length - 1;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let i = h & mask;
    for (;;) {
      const l = this.lo[i];
      if (l === EMPTY || (l === lo && this.hi[i] === hi)) return i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { hi: oldHi, lo: oldLo, values: oldValues } = this;
    const capacity = Math.max(1024, oldLo.length * 2);
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity).fill(EMPTY);
    if (oldValues) this.values = new Uint8Array(capacity);
    for (let k = 0; k < oldLo.length; k++) {
      if (oldLo[k] === EMPTY) continue;
      const i = this.slot(oldHi[k], oldLo[k]);
      this.hi[i] = oldHi[k];
      this.lo[i] = oldLo[k];
      if (oldValues) this.values![i] = oldValues[k];
    }
  }
}

/** A set of ids (exactly a Set<string> for any string), at most half full: most ids added are new. */
export class IdSet extends CompactIds {
  constructor() {
    super(false, 0.5);
  }

  /** Whether the id `text.slice(start, end)` is in the set. */
  has(text: string, start = 0, end = text.length): boolean {
    return this.lookup(text, start, end) >= 0;
  }

  /** Adds the id `text.slice(start, end)`; true when it was not in the set yet. */
  add(text: string, start = 0, end = text.length): boolean {
    return this.store(text, start, end, 0, true);
  }
}

/**
 * A map from ids to a byte each (exactly a Map<string, number> of values 0–255 for any string), up to 80 % full:
 * made for lookups that mostly find their id (remembered accounts).
 */
export class IdBytes extends CompactIds {
  constructor() {
    super(true, 0.8);
  }

  /** The byte of the id `text.slice(start, end)`, or -1 when it has none. */
  get(text: string, start = 0, end = text.length): number {
    return this.lookup(text, start, end);
  }

  /** Sets the byte (0–255) of the id `text.slice(start, end)`. */
  set(text: string, value: number, start = 0, end = text.length): void {
    this.store(text, start, end, value, false);
  }
}
