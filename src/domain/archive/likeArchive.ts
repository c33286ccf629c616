// The format of X's archive file data/like.js: `window.YTD.like.partN = [ { "like" : { "tweetId" : "…", "fullText" :
// "…", "expandedUrl" : "…" } }, … ]`. Real archives give tweetId as a string of digits, and leave fullText (and
// sometimes expandedUrl) out for Tweets deleted since. The parser reads the bytes as they come, keeping at most one
// entry (capped) in memory: it scans the array at the byte level (strings, escapes and nesting tracked, so chunk
// boundaries may fall anywhere, even inside a UTF-8 sequence) and hands each entry's bytes to JSON.parse, so escapes
// and unicode are decoded exactly as JSON says. A bad entry is reported and skipped; only a file that is not a like
// archive at all (wrong prefix, truncated array) is an error.
import { Buffer } from 'node:buffer';
import { ID_PATTERN } from '../ids.ts';

/** One like of the archive. */
export interface ArchiveLike {
  tweetId: string;
  fullText?: string;
  expandedUrl?: string;
}

/** Where an entry stands: `index` is its 0-based position in the array, `line` the 1-based line it starts on. */
export interface EntryPosition {
  index: number;
  line: number;
}

export type ArchiveEntry =
  | ({ kind: 'like'; like: ArchiveLike } & EntryPosition)
  | ({ kind: 'skip'; tweetId?: string; reason: string } & EntryPosition);

/** The file is not a like archive (or is cut short): nothing after `line` can be read. */
export class ArchiveFormatError extends Error {
  override name = 'ArchiveFormatError';
  constructor(message: string, readonly line: number) {
    super(`${message} (line ${line})`);
  }
}

/** An entry larger than this is skipped unread: it bounds the parser's memory whatever the file holds. */
export const MAX_ENTRY_BYTES = 1 << 20;
/** The prefix `window.YTD.like.partN = ` must end (at its `[`) within this many bytes. */
const MAX_PREFIX_BYTES = 1024;
const PREFIX = /^window\.YTD\.like\.part\d+\s*=$/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** Reads the entries an archive's fields make, or why it cannot be used. */
export function interpretEntry(value: unknown): { like: ArchiveLike } | { tweetId?: string; reason: string } {
  const like = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>).like : undefined;
  if (typeof like !== 'object' || like === null || Array.isArray(like)) return { reason: 'entry is not of the form {"like": {...}}' };
  const { tweetId, fullText, expandedUrl } = like as Record<string, unknown>;
  if (tweetId === undefined) return { reason: 'missing tweetId' };
  // A JSON number may already have lost digits (ids exceed 2^53): only the string form is trusted.
  if (typeof tweetId !== 'string') return { tweetId: String(tweetId), reason: 'tweetId is not a string of digits' };
  if (!ID_PATTERN.test(tweetId)) return { tweetId, reason: 'tweetId is not an id of 1 to 19 digits' };
  return {
    like: {
      tweetId,
      ...(typeof fullText === 'string' ? { fullText } : {}),
      ...(typeof expandedUrl === 'string' ? { expandedUrl } : {}),
    },
  };
}

/**
 * A push parser: feed it the file's bytes in chunks of any size (`push`), then call `end`. Each call returns the
 * entries completed by those bytes, in file order. Throws ArchiveFormatError for a wrong prefix, a file cut short or
 * content after the array.
 */
export class LikeArchiveParser {
  private state: 'prefix' | 'array' | 'after' = 'prefix';
  private prefix: Buffer[] = [];
  private prefixBytes = 0;
  private line = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current entry: its pieces from earlier chunks, its size, whether it started and where. */
  private pieces: Buffer[] = [];
  private size = 0;
  private started = false;
  private oversized = false;
  private startLine = 0;
  private afterComma = false;
  private index = 0;

  push(input: Uint8Array): ArchiveEntry[] {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const out: ArchiveEntry[] = [];
    let i = 0;
    if (this.state === 'prefix') {
      i = this.readPrefix(chunk);
      if (this.state === 'prefix') return out;
    }
    let start = this.started ? 0 : -1;
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === NEWLINE) this.line++;
      if (this.state === 'after') {
        if (!isSpace(b) && b !== 0x3b) throw new ArchiveFormatError('unexpected content after the array', this.line);
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        continue;
      }
      if (isSpace(b)) continue;
      const atTop = this.depth === 0;
      if (atTop && (b === 0x2c || b === 0x5d)) {
        // `,` ends an entry; `]` ends the array (and the entry in progress, if any).
        if (this.started) {
          this.take(chunk, start, i);
          out.push(this.finish());
          start = -1;
        } else if (b === 0x2c || this.afterComma) {
          out.push({ kind: 'skip', index: this.index++, line: this.line, reason: 'empty entry' });
        }
        this.afterComma = b === 0x2c;
        if (b === 0x5d) this.state = 'after';
        continue;
      }
      if (atTop && b === 0x7d) throw new ArchiveFormatError('unbalanced "}" in the array', this.line);
      if (!this.started) {
        this.started = true;
        this.startLine = this.line;
        start = i;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === 0x7b || b === 0x5b) this.depth++;
      else if (b === 0x7d || b === 0x5d) this.depth--;
    }
    if (this.started && start >= 0) this.take(chunk, start, chunk.length);
    return out;
  }

  end(): ArchiveEntry[] {
    if (this.state === 'prefix') throw new ArchiveFormatError('not an X like archive: no "window.YTD.like.part0 = [" at the start', this.line);
    if (this.state === 'array') throw new ArchiveFormatError('the file ends inside the array (truncated?)', this.line);
    return [];
  }

  /** Collects bytes up to the array's `[`; returns the offset just after it (or the chunk's length). */
  private readPrefix(chunk: Buffer): number {
    const open = chunk.indexOf(0x5b);
    const upTo = open < 0 ? chunk.length : open;
    this.prefixBytes += upTo;
    if (this.prefixBytes > MAX_PREFIX_BYTES) throw this.prefixError();
    this.prefix.push(chunk.subarray(0, upTo));
    if (open < 0) return chunk.length;
    let text = Buffer.concat(this.prefix).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.line += (text.match(/\n/g) ?? []).length;
    if (!PREFIX.test(text.trim())) throw this.prefixError();
    this.prefix = [];
    this.state = 'array';
    return open + 1;
  }

  private prefixError(): ArchiveFormatError {
    return new ArchiveFormatError('not an X like archive: the file must start with "window.YTD.like.partN = ["', 1);
  }

  private take(chunk: Buffer, from: number, to: number): void {
    this.size += to - from;
    if (this.size > MAX_ENTRY_BYTES) {
      this.oversized = true;
      this.pieces = [];
    } else if (to > from) {
      // A copy: the caller may reuse its chunk's memory once push returns.
      this.pieces.push(Buffer.from(chunk.subarray(from, to)));
    }
  }

  private finish(): ArchiveEntry {
    const position = { index: this.index++, line: this.startLine };
    const bytes = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
    const oversized = this.oversized;
    this.pieces = [];
    this.size = 0;
    this.started = false;
    this.oversized = false;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    if (oversized) return { kind: 'skip', ...position, reason: `entry larger than ${MAX_ENTRY_BYTES} bytes` };
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      return { kind: 'skip', ...position, reason: `malformed JSON: ${(error as Error).message}` };
    }
    const read = interpretEntry(value);
    return 'like' in read ? { kind: 'like', ...position, like: read.like } : { kind: 'skip', ...position, ...read };
  }
}

/** The entries of an archive read from `source` (a Node Readable or any byte stream), in batches of one chunk's worth. */
export async function* parseLikeArchive(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ArchiveEntry[]> {
  const parser = new LikeArchiveParser();
  for await (const chunk of source) {
    const entries = parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    if (entries.length) yield entries;
  }
  const last = parser.end();
  if (last.length) yield last;
}

/** X's link to a Tweet, as the archive gives it. */
export const expandedUrlOf = (tweetId: string): string => `https://twitter.com/i/web/status/${tweetId}`;

export const ARCHIVE_HEAD = 'window.YTD.like.part0 = [';

/** One entry as X writes it (its ` : ` spacing and two-space indentation), without the separating comma. */
export function formatEntry(like: ArchiveLike): string {
  const fields = [`"tweetId" : ${JSON.stringify(like.tweetId)}`];
  if (like.fullText !== undefined) fields.push(`"fullText" : ${JSON.stringify(like.fullText)}`);
  if (like.expandedUrl !== undefined) fields.push(`"expandedUrl" : ${JSON.stringify(like.expandedUrl)}`);
  return `  {\n    "like" : {\n${fields.map((f) => `      ${f}`).join(',\n')}\n    }\n  }`;
}
