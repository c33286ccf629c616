// Pagination tokens: opaque lowercase base36 like X's, tamper-evident, and exact round trips of the keyset key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { decodeCursor, encodeCursor, type Cursor } from '../../src/domain/cursor.ts';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

const likedAt = fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }).map(Number);
/** 1 to 19 digits, no leading zero: every id X's `^[0-9]{1,19}$` allows that a snowflake can be. */
const id = fc
  .tuple(fc.constantFrom(...'123456789'), fc.array(fc.constantFrom(...'0123456789'), { maxLength: 18 }))
  .map(([first, rest]) => first + rest.join(''));
const cursor: fc.Arbitrary<Cursor> = fc.record(
  {
    direction: fc.constantFrom('older' as const, 'newer' as const),
    key: fc.record({ likedAt, id }, { noNullPrototype: true }),
  },
  { noNullPrototype: true },
);

describe('pagination tokens', () => {
  it('round-trip every cursor exactly', () => {
    fc.assert(
      fc.property(cursor, (c) => {
        assert.deepEqual(decodeCursor(encodeCursor(c)), c);
      }),
      { seed: 73001, numRuns: 500 },
    );
  });

  it('are the tokens issued before: their MAC is HMAC-SHA256 as createHmac makes it', () => {
    // The token layout (src/domain/cursor.ts), spelled out here with Node's own HMAC: tokens already handed to
    // clients (and the bench's bare server's) stay valid and identical.
    const issued = (c: Cursor): string => {
      const body = Buffer.alloc(16);
      body.writeUInt8(1, 0);
      body.writeUInt8(c.direction === 'older' ? 0 : 1, 1);
      body.writeUIntBE(c.key.likedAt, 2, 6);
      body.writeBigUInt64BE(BigInt(c.key.id), 8);
      const mac = createHmac('sha256', 'likes-api pagination token v1').update(body).digest().subarray(0, 4);
      return BigInt(`0x${Buffer.concat([body, mac]).toString('hex')}`).toString(36);
    };
    fc.assert(
      fc.property(cursor, (c) => {
        assert.equal(encodeCursor(c), issued(c));
        assert.deepEqual(decodeCursor(issued(c)), c);
      }),
      { seed: 73004, numRuns: 300 },
    );
  });

  it('round-trip the extremes', () => {
    for (const c of [
      { direction: 'older', key: { likedAt: 0, id: '1' } },
      { direction: 'newer', key: { likedAt: 2 ** 48 - 1, id: '9999999999999999999' } },
      { direction: 'older', key: { likedAt: Date.UTC(2026, 9, 1), id: '1000000000000000000' } },
    ] as Cursor[]) {
      assert.deepEqual(decodeCursor(encodeCursor(c)), c);
    }
  });

  it('are lowercase base36 and distinguish direction', () => {
    fc.assert(
      fc.property(cursor, (c) => {
        const token = encodeCursor(c);
        assert.match(token, /^[0-9a-z]+$/);
        assert.notEqual(token[0], '0');
        const flipped = encodeCursor({ ...c, direction: c.direction === 'older' ? 'newer' : 'older' });
        assert.notEqual(flipped, token);
      }),
      { seed: 73002, numRuns: 300 },
    );
  });

  it('decode to null after any single-character change', () => {
    fc.assert(
      fc.property(cursor, fc.nat(), fc.integer({ min: 1, max: BASE36.length - 1 }), (c, at, shift) => {
        const token = encodeCursor(c);
        const i = at % token.length;
        const replaced = BASE36[(BASE36.indexOf(token[i]) + shift) % BASE36.length];
        const changed = token.slice(0, i) + replaced + token.slice(i + 1);
        assert.notEqual(changed, token);
        assert.equal(decodeCursor(changed), null, `${token} -> ${changed}`);
        const upper = token.slice(0, i) + token[i].toUpperCase() + token.slice(i + 1);
        if (upper !== token) assert.equal(decodeCursor(upper), null, `${token} -> ${upper}`);
      }),
      { seed: 73003, numRuns: 500 },
    );
  });

  it('decode to null after every possible substitution of one real token', () => {
    const token = encodeCursor({ direction: 'older', key: { likedAt: 1_759_276_800_000, id: '2104149044229055621' } });
    for (let i = 0; i < token.length; i++) {
      for (const ch of BASE36) {
        if (ch === token[i]) continue;
        const changed = token.slice(0, i) + ch + token.slice(i + 1);
        assert.equal(decodeCursor(changed), null, changed);
      }
    }
  });

  it('decode garbage to null', () => {
    for (const junk of [
      '', ' ', '0', '-1', 'null', 'undefined', 'meta.next_token', '7140dibdnow9c7btw4543y9ogasjr42z236pfnyg7hsts',
      '7140DIBDNOW9C7BTW4543Y9OGASJR42Z', 'z'.repeat(64), 'z'.repeat(65), '1'.repeat(200), 'abc def', 'abc\n', '%00', 'é',
    ]) {
      assert.equal(decodeCursor(junk), null, JSON.stringify(junk));
    }
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.array(fc.constantFrom(...BASE36), { minLength: 1, maxLength: 64 }).map((a) => a.join('')),
        ),
        (junk) => {
          assert.equal(decodeCursor(junk), null, JSON.stringify(junk));
        },
      ),
      { seed: 73004, numRuns: 1000 },
    );
  });
});
