// SHA-256 in one call: Node's one-shot `crypto.hash` (20.12 and later) builds no Hash object per digest, which costs
// more than the digest itself on inputs of a few dozen bytes (bearer tokens, pagination tokens' MACs); older Node 20
// releases (package.json allows them) get the same bytes from a Hash object.
import * as crypto from 'node:crypto';

type OneShot = {
  (algorithm: string, data: string | Buffer, encoding: 'hex'): string;
  (algorithm: string, data: string | Buffer, encoding: 'buffer'): Buffer;
};
const oneShot = (crypto as { hash?: OneShot }).hash;

export function sha256(data: string | Buffer, encoding: 'hex'): string;
export function sha256(data: string | Buffer, encoding: 'buffer'): Buffer;
export function sha256(data: string | Buffer, encoding: 'hex' | 'buffer'): string | Buffer {
  if (oneShot) return encoding === 'hex' ? oneShot('sha256', data, 'hex') : oneShot('sha256', data, 'buffer');
  const hash = crypto.createHash('sha256').update(data);
  return encoding === 'hex' ? hash.digest('hex') : hash.digest();
}
