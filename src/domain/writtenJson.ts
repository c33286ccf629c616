// Answers assembled from objects already written as JSON. A default-fields page is its rows' strings as the store read
// them, JSON-escaped (WrittenTweetCore, WrittenUserCore): unescaping them into an object only for JSON.stringify to
// escape them again cost ~8 % of such a request's instructions (docs/benchmarks.md, session 23).

/** An object of a page's `data` already written as JSON, exactly as JSON.stringify would write it; `id` is its id. */
export class WrittenObject {
  constructor(readonly id: string, readonly json: string) {}

  /** What JSON.stringify makes of it anywhere bodyJson does not write it (a log, a test): the same object. */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/**
 * An answer's body as JSON text, byte for byte what JSON.stringify writes: `data` made of WrittenObjects is spliced
 * in as written, every other member (and any other `data`) is JSON.stringify's.
 */
export function bodyJson(body: Record<string, unknown>): string {
  const data = body.data;
  if (!Array.isArray(data) || data.length === 0 || !(data[0] instanceof WrittenObject)) return JSON.stringify(body);
  // One join: a flat string, copied once (a string grown by + is copied again when it is sent).
  const parts: string[] = ['{'];
  for (const member in body) {
    const value = body[member];
    if (value === undefined) continue;
    if (parts.length > 1) parts.push(',');
    parts.push(JSON.stringify(member), ':');
    if (member !== 'data') parts.push(JSON.stringify(value));
    else {
      parts.push('[');
      for (let i = 0; i < data.length; i++) {
        if (i > 0) parts.push(',');
        parts.push(data[i] instanceof WrittenObject ? data[i].json : JSON.stringify(data[i]));
      }
      parts.push(']');
    }
  }
  parts.push('}');
  return parts.join('');
}
