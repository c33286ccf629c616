// Sandbox ids, and how a request finds its sandbox: every routable credential minted in a sandbox (consumer keys,
// client ids, Bearer and OAuth 2.0 access tokens, request tokens, pending authorizations) begins with the
// sandbox's tag, `<id>.`, so X's SDKs reach the right world through one base URL with nothing but their credentials.
// The default world's credentials carry no tag. The tag only routes: the credential must still be one the
// sandbox's own store holds, so changing the tag gets nobody into another world.
import { randomInt } from 'node:crypto';

export const DEFAULT_SANDBOX = 'default';

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** `sb` and 10 base-36 characters (51 bits). */
export const SANDBOX_ID = /^sb[0-9a-z]{10}$/;
const TAGGED = /^(sb[0-9a-z]{10})\./;

export const newSandboxId = (): string => `sb${Array.from({ length: 10 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('')}`;

/** What credentials minted in `sandbox` begin with ('' for the default world). */
export const credentialTag = (sandbox: string): string => (sandbox === DEFAULT_SANDBOX ? '' : `${sandbox}.`);

/** The sandbox a credential was minted in, or null for an untagged one (the default world's). */
export function sandboxOfCredential(credential: string | undefined | null): string | null {
  if (!credential) return null;
  return TAGGED.exec(credential)?.[1] ?? null;
}

/** A tag as a pattern prefix, for checks that know the shape of what follows it. */
export const OPTIONAL_TAG = '(?:sb[0-9a-z]{10}\\.)?';
