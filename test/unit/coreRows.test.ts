import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { likedTweetCoreFromValues, likingUserCoreFromValues, ownerFlagsOf, pageOwner } from '../../src/adapters/rows.ts';

// The default-fields readers take a row as PostgreSQL gives it (an array: numbers, null for NULL) and as SQLite's field
// rows give it (strings from an offset of the page's values, '' for NULL): both must make the same records.
const noFlags = async () => {
  throw new Error('a page with rows carries its owner flags');
};

describe('default-fields row readers', () => {
  it('read a liked_tweets row alike from an array and from field rows at an offset', () => {
    // Each row with its author's flags (protected + 2 × suspended, NULL: no author) as PostgreSQL and SQLite give them.
    const cases: [unknown[], string[], unknown][] = [
      [['1234567890123456789', '42', '"text"', 0, 1733000000123], ['1234567890123456789', '42', '"text"', '0', '1733000000123'], 0],
      [['7', '42', '"gone"', 1, 5], ['7', '42', '"gone"', '1', '5'], 3],
      // No such Tweet (and so no author); a Tweet whose author is missing.
      [['8', null, 'null', null, 0], ['8', '', 'null', '', '0'], null],
      [['9', '43', '"orphan"', 0, 1733000000999], ['9', '43', '"orphan"', '0', '1733000000999'], null],
    ];
    for (const [array, fields, flags] of cases) {
      const fromArray = likedTweetCoreFromValues('5', array, 0, flags);
      const page = ['junk', ...fields, 'more junk'];
      assert.deepEqual(likedTweetCoreFromValues('5', page, 1, flags), fromArray);
      assert.equal(typeof fromArray.like.likedAt, 'number');
    }
    assert.equal(likedTweetCoreFromValues('5', cases[0][1], 0, 0).like.likedAt, 1733000000123);
    assert.deepEqual(likedTweetCoreFromValues('5', cases[1][1], 0, 3).author, { id: '42', protected: true, suspended: true });
    assert.deepEqual(likedTweetCoreFromValues('5', cases[1][1], 0, '2').author, { id: '42', protected: false, suspended: true });
    assert.equal(likedTweetCoreFromValues('5', cases[2][1], 0, null).tweet, null);
    assert.equal(likedTweetCoreFromValues('5', cases[3][1], 0, null).author, null);
  });

  it('read a liking_users row alike from an array and from field rows at an offset', () => {
    const fromArray = likingUserCoreFromValues('9', ['42', '"Name"', '"name"', 0, 1733000000123]);
    assert.deepEqual(likingUserCoreFromValues('9', ['x', 'y', '42', '"Name"', '"name"', '0', '1733000000123'], 2), fromArray);
    assert.equal(likingUserCoreFromValues('9', ['42', 'null', 'null', '', '1']).user, null);
  });

  it('read times of any text as Number does', () => {
    for (const text of ['0', '007', '1733000000123', '999999999999999', '1234567890123456', '-5', '1.5', '1e3', ' 12', '12x']) {
      const liked = likedTweetCoreFromValues('5', ['1', '2', '"t"', '0', text], 0, 0);
      assert.equal(liked.like.likedAt, Number(text), text);
    }
  });

  it('take the owner flags from a page, NULL as no such user, and ask when the page has no rows', async () => {
    assert.deepEqual(await pageOwner('5', 3, noFlags), { id: '5', protected: true, suspended: true });
    assert.deepEqual(await pageOwner('5', '2', noFlags), { id: '5', protected: false, suspended: true });
    assert.equal(await pageOwner('5', null, noFlags), null);
    assert.equal(await pageOwner('5', '', noFlags), null);
    assert.deepEqual(await pageOwner('5', undefined, async (id) => ({ id, protected: true, suspended: false })), { id: '5', protected: true, suspended: false });
    assert.equal(ownerFlagsOf([]), undefined);
    assert.equal(ownerFlagsOf([['a', 1, 2]]), 2);
  });
});
