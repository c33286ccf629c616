import type { LikeKey } from '../ports/store.ts';
import { sha256 } from '../sha256.ts';

/** Which way a pagination token walks from its key: `older` is a next_token, `newer` a previous_token. */
export type CursorDirection = 'older' | 'newer';

export interface Cursor {
  direction: CursorDirection;
  key: LikeKey;
}

// Tokens are opaque lowercase base36, like X's. The 4-byte MAC makes them tamper-evident (an edited token is
// refused as malformed); it is not a secret: a forged token could only point at a position in a list.
const VERSION = 1;
const MAC_KEY = 'likes-api pagination token v1';
const MAX_U64 = (1n << 64n) - 1n;

// HMAC-SHA256 as RFC 2104 writes it, H((K ^ opad) || H((K ^ ipad) || m)), over two one-shot digests: the same bytes
// as createHmac, at about a fifth less of its cost (1.66 against 2.12 µs: it builds and keys an Hmac object per call;
// every page has a token or two). The padded keys lead buffers that the body, then the inner digest, are copied in
// after (SHA-256's block is 64).
const BLOCK = 64;
const BODY_BYTES = 16;
const inner = Buffer.alloc(BLOCK + BODY_BYTES, 0x36);
const outer = Buffer.alloc(BLOCK + 32, 0x5c);
for (const [i, byte] of Buffer.from(MAC_KEY).entries()) {
  inner[i] ^= byte;
  outer[i] ^= byte;
}

function mac(body: Buffer): Buffer {
  body.copy(inner, BLOCK);
  sha256(inner, 'buffer').copy(outer, BLOCK);
  return sha256(outer, 'buffer').subarray(0, 4);
}

export function encodeCursor(cursor: Cursor): string {
  const body = Buffer.alloc(16);
  body.writeUInt8(VERSION, 0);
  body.writeUInt8(cursor.direction === 'older' ? 0 : 1, 1);
  body.writeUIntBE(cursor.key.likedAt, 2, 6);
  body.writeBigUInt64BE(BigInt(cursor.key.id), 8);
  const all = Buffer.concat([body, mac(body)]);
  return BigInt(`0x${all.toString('hex')}`).toString(36);
}

const POW36_10 = 36n ** 10n;

/** A lowercase base36 numeral's value, read ten digits at a time (36^10 < 2^53, so each chunk is exact). */
function base36(text: string): bigint {
  let n = 0n;
  for (let i = 0; i < text.length; i += 10) {
    const chunk = text.slice(i, i + 10);
    n = n * (chunk.length === 10 ? POW36_10 : 36n ** BigInt(chunk.length)) + BigInt(parseInt(chunk, 36));
  }
  return n;
}

/** The cursor in a token, or null when the token is not one this service issued. */
export function decodeCursor(token: string): Cursor | null {
  if (!/^[0-9a-z]{1,64}$/.test(token)) return null;
  const hex = base36(token).toString(16);
  if (hex.length > 40) return null;
  const all = Buffer.from(hex.padStart(40, '0'), 'hex');
  const body = all.subarray(0, 16);
  if (!mac(body).equals(all.subarray(16)) || body.readUInt8(0) !== VERSION) return null;
  const dir = body.readUInt8(1);
  if (dir > 1) return null;
  const id = body.readBigUInt64BE(8);
  if (id > MAX_U64) return null;
  return { direction: dir === 0 ? 'older' : 'newer', key: { likedAt: body.readUIntBE(2, 6), id: id.toString() } };
}
