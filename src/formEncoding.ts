// application/x-www-form-urlencoded, as query strings and form bodies use it.

/** Decodes one application/x-www-form-urlencoded component; null when it is not valid percent-encoding. */
export function formDecode(value: string): string | null {
  // Most names and values are plain: nothing to decode.
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Splits a query string or form body into decoded pairs, in order; null when malformed. */
export function parseFormPairs(raw: string): [string, string][] | null {
  const pairs: [string, string][] = [];
  if (raw === '') return pairs;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = formDecode(eq < 0 ? part : part.slice(0, eq));
    const value = formDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (name === null || value === null) return null;
    pairs.push([name, value]);
  }
  return pairs;
}
