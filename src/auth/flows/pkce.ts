// PKCE (RFC 7636) as X accepts it: code_challenge_method S256 (also sent lowercase `s256` by clients) or plain
// (the default when absent, per RFC 7636 §4.3). X's own documentation uses plain with the 9-character
// `challenge`, so the 43-character minimum of RFC 7636 is not enforced.
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../secrets.ts';

export type PkceMethod = 'S256' | 'plain';

/** Unreserved characters only (RFC 7636 §4.1), at most 128. */
const VERIFIER = /^[A-Za-z0-9\-._~]{1,128}$/;

/** The method named by `code_challenge_method`, or null when it is not one X accepts. */
export function pkceMethod(raw: string | undefined): PkceMethod | null {
  if (raw === undefined || raw === '' || raw === 'plain') return 'plain';
  if (raw === 'S256' || raw === 's256') return 'S256';
  return null;
}

/** Whether `challenge` is well-formed: S256 is base64url of 32 bytes, plain is a verifier itself. */
export function challengeWellFormed(method: PkceMethod, challenge: string): boolean {
  return method === 'S256' ? /^[A-Za-z0-9_-]{43}$/.test(challenge) : VERIFIER.test(challenge);
}

export function pkceChallenge(method: PkceMethod, verifier: string): string {
  return method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
}

/** Whether `verifier` answers `challenge`, compared in constant time. */
export function verifyPkce(method: PkceMethod, challenge: string, verifier: string): boolean {
  if (!VERIFIER.test(verifier)) return false;
  return constantTimeEqual(pkceChallenge(method, verifier), challenge);
}
