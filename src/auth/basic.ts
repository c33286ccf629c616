// HTTP Basic credentials as X's clients send them: both the App-only Bearer endpoints (consumer key and secret)
// and the OAuth 2.0 token endpoints of confidential clients (client id and secret) read them.
import { formDecode } from '../formEncoding.ts';

/** The two parts of `Authorization: Basic base64(id:secret)`, each form-decoded (clients may percent-encode them). */
export function basicCredentials(header: string | undefined): [string, string] | null {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const id = formDecode(text.slice(0, colon));
  const secret = formDecode(text.slice(colon + 1));
  return id === null || secret === null ? null : [id, secret];
}
