// The streaming parser of X's like.js: every chunking of a small file reads the same entries, escapes and unicode
// decode as JSON says, bad entries are skipped with a reason and position, and a file that is not a like archive
// is a clear error.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  ArchiveFormatError, LikeArchiveParser, MAX_ENTRY_BYTES, formatEntry, parseLikeArchive, type ArchiveEntry,
} from '../../src/domain/archive/likeArchive.ts';

const SAMPLE = `window.YTD.like.part0 = [
  {
    "like" : {
      "tweetId" : "1790000000000000001",
      "fullText" : "Quotes \\"inside\\", a comma, ] and } and \\\\ a backslash \\u00e9t\\u00e9 😀 日本語",
      "expandedUrl" : "https://twitter.com/i/web/status/1790000000000000001"
    }
  },
  {
    "like" : {
      "tweetId" : "20",
      "expandedUrl" : "https://twitter.com/i/web/status/20"
    }
  },
  {
    "like" : {
      "tweetId" : "1790000000000000003",
      "fullText" : "line\\nbreak {\\"nested\\": [1, 2]}",
      "expandedUrl" : "https://twitter.com/i/web/status/1790000000000000003"
    }
  }
]`;

function parseAll(bytes: Buffer, cuts: number[] = []): ArchiveEntry[] {
  const parser = new LikeArchiveParser();
  const out: ArchiveEntry[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...parser.push(bytes.subarray(from, cut)));
    from = cut;
  }
  out.push(...parser.end());
  return out;
}

const likes = (entries: ArchiveEntry[]) => entries.map((e) => (e.kind === 'like' ? e.like : e));

describe('like.js parser', () => {
  it('reads the entries of a real-shaped archive, decoding escapes and unicode', () => {
    const entries = parseAll(Buffer.from(SAMPLE));
    assert.deepEqual(likes(entries), [
      {
        tweetId: '1790000000000000001',
        fullText: 'Quotes "inside", a comma, ] and } and \\ a backslash été 😀 日本語',
        expandedUrl: 'https://twitter.com/i/web/status/1790000000000000001',
      },
      { tweetId: '20', expandedUrl: 'https://twitter.com/i/web/status/20' },
      {
        tweetId: '1790000000000000003',
        fullText: 'line\nbreak {"nested": [1, 2]}',
        expandedUrl: 'https://twitter.com/i/web/status/1790000000000000003',
      },
    ]);
    assert.deepEqual(entries.map((e) => [e.index, e.line]), [[0, 2], [1, 9], [2, 15]]);
  });

  it('reads the same entries whatever byte the chunks are cut at (one cut, and every byte its own chunk)', () => {
    const bytes = Buffer.from(SAMPLE);
    const whole = parseAll(bytes);
    for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(parseAll(bytes, [cut]), whole, `cut at byte ${cut}`);
    assert.deepEqual(parseAll(bytes, Array.from({ length: bytes.length }, (_, i) => i)), whole);
  });

  it('reads from a Node Readable in batches', async () => {
    const batches: ArchiveEntry[][] = [];
    for await (const batch of parseLikeArchive(Readable.from([Buffer.from(SAMPLE.slice(0, 100)), Buffer.from(SAMPLE.slice(100))]))) batches.push(batch);
    assert.deepEqual(batches.flat(), parseAll(Buffer.from(SAMPLE)));
  });

  it('skips malformed entries with a reason and position, and reads on', () => {
    const text = [
      'window.YTD.like.part3 = [',
      '{ "like" : { "tweetId" : "1" } },',
      '{ "like" : { "tweetId" : 12345 } },',
      '{ "like" : { "tweetId" : "12a" } },',
      '{ "like" : { "fullText" : "no id" } },',
      '{ "like" : { "tweetId" : "5", } },',
      '"just a string",',
      '{ "notlike" : {} },',
      ',',
      '{ "like" : { "tweetId" : "12345678901234567890" } },',
      '{ "like" : { "tweetId" : "9", "fullText" : 7 } }',
      '];',
    ].join('\n');
    const entries = parseAll(Buffer.from(text));
    const shape = entries.map((e) => (e.kind === 'like' ? ['like', e.index, e.line, e.like.tweetId] : ['skip', e.index, e.line, e.tweetId, e.reason.split(':')[0]]));
    assert.deepEqual(shape, [
      ['like', 0, 2, '1'],
      ['skip', 1, 3, '12345', 'tweetId is not a string of digits'],
      ['skip', 2, 4, '12a', 'tweetId is not an id of 1 to 19 digits'],
      ['skip', 3, 5, undefined, 'missing tweetId'],
      ['skip', 4, 6, undefined, 'malformed JSON'],
      ['skip', 5, 7, undefined, 'entry is not of the form {"like"'],
      ['skip', 6, 8, undefined, 'entry is not of the form {"like"'],
      ['skip', 7, 9, undefined, 'empty entry'],
      ['skip', 8, 10, '12345678901234567890', 'tweetId is not an id of 1 to 19 digits'],
      ['like', 9, 11, '9'],
    ]);
    assert.deepEqual((entries[9] as { like: object }).like, { tweetId: '9' }, 'a fullText that is not a string is left out');
  });

  it('skips an entry larger than the cap without keeping it, and reads on', () => {
    const big = `{ "like" : { "tweetId" : "1", "fullText" : "${'x'.repeat(MAX_ENTRY_BYTES)}" } }`;
    const bytes = Buffer.from(`window.YTD.like.part0 = [${big}, { "like" : { "tweetId" : "2" } }]`);
    const cuts = Array.from({ length: Math.floor(bytes.length / 4096) }, (_, i) => (i + 1) * 4096);
    const entries = parseAll(bytes, cuts);
    assert.equal(entries[0].kind, 'skip');
    assert.match((entries[0] as { reason: string }).reason, /larger than/);
    assert.deepEqual(likes(entries.slice(1)), [{ tweetId: '2' }]);
  });

  it('reads an empty archive, a byte-order mark and another part number', () => {
    assert.deepEqual(parseAll(Buffer.from('window.YTD.like.part0 = [ ]')), []);
    assert.deepEqual(likes(parseAll(Buffer.from('\ufeffwindow.YTD.like.part12=[{"like":{"tweetId":"7"}}]\n'))), [{ tweetId: '7' }]);
  });

  it('refuses a file that is not a like archive, is cut short or goes on after the array', () => {
    for (const text of ['window.YTD.tweets.part0 = []', '[{"like":{"tweetId":"1"}}]', 'var x = [', 'window.YTD.like.part0 = ', '', 'x'.repeat(5000)]) {
      assert.throws(() => parseAll(Buffer.from(text)), (e: unknown) => e instanceof ArchiveFormatError && /not an X like archive/.test(e.message), text.slice(0, 40));
    }
    assert.throws(() => parseAll(Buffer.from('window.YTD.like.part0 = [{"like":{"tweetId":"1"}},')), /ends inside the array/);
    assert.throws(() => parseAll(Buffer.from('window.YTD.like.part0 = [{"like":{"tweetId":"1"}}] junk')), /after the array/);
    assert.throws(() => parseAll(Buffer.from('window.YTD.like.part0 = [ } ]')), /unbalanced/);
  });

  it('reads back what formatEntry writes', () => {
    const like = { tweetId: '42', fullText: 'a "b" \\ c\u2028 😀', expandedUrl: 'https://twitter.com/i/web/status/42' };
    assert.deepEqual(likes(parseAll(Buffer.from(`window.YTD.like.part0 = [\n${formatEntry(like)},\n${formatEntry({ tweetId: '43' })}\n]`))), [like, { tweetId: '43' }]);
  });
});
