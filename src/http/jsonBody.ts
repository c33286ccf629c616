// The one place request bodies become JSON values. Every body X's endpoints take is a flat object of a few short
// strings ({"tweet_id":"…"}, OAuth 2.0 token parameters), so a body is scanned before JSON.parse and refused when
// it nests, counts or stretches past what any of them needs: nothing afterwards (JSON.stringify of an echoed
// value, Object.entries, a logger) can then recurse without bound or walk a huge value.

/** Objects/arrays inside one another: 1 is a flat object; a little room is left for clients that wrap values. */
export const MAX_JSON_DEPTH = 4;
/** Structural tokens ({ [ , :): bounds element and key counts; a real body has a handful. */
export const MAX_JSON_TOKENS = 256;
/**
 * Characters in one string or number literal, as sent, an escape's backslash not counted (\" and \n count 1, \u00e9
 * counts 5): ids are 19 digits, URIs a few hundred.
 */
export const MAX_JSON_LITERAL = 4096;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Whether the text stays within the bounds above. Says nothing about syntax: JSON.parse judges that. */
export function withinJsonBounds(text: string): boolean {
  let depth = 0;
  let tokens = 0;
  let literal = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        continue;
      }
      if (++literal > MAX_JSON_LITERAL) return false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      literal = 0;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH || ++tokens > MAX_JSON_TOKENS) return false;
      literal = 0;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth < 0) return false; // unbalanced: not JSON either
      literal = 0;
    } else if (c === COMMA || c === COLON) {
      if (++tokens > MAX_JSON_TOKENS) return false;
      literal = 0;
    } else if (isSpace(c)) {
      literal = 0;
    } else if (++literal > MAX_JSON_LITERAL) {
      return false;
    }
  }
  return true;
}

/** The body's JSON value, or null when it is not JSON or exceeds the bounds (callers answer both alike). */
export function parseJsonBody(text: string): { value: unknown } | null {
  if (!withinJsonBounds(text)) return null;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}
