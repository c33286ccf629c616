// `node --import tsx bench/archiveImport.ts [--rows N] [--batch B]`: imports a generated X archive like.js of N likes
// (default 1,000,000; every 10th without fullText, as for deleted Tweets; text with escapes and non-ASCII) into a
// fresh SQLite store, streaming the file, and prints rows/s and peak RSS. Memory must stay flat whatever N: the
// parser keeps one entry at a time and the importer one batch. Not part of npm test.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/adapters/sqlite/sqliteStore.ts';
import { importLikes } from '../src/domain/archive/importLikes.ts';
import { ARCHIVE_HEAD, expandedUrlOf, formatEntry, parseLikeArchive } from '../src/domain/archive/likeArchive.ts';
import { SnowflakeIds } from '../src/domain/ids.ts';
import { systemClock } from '../src/ports/clock.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const rows = opt('rows', 1_000_000);
const batchSize = opt('batch', 2000);

const dir = mkdtempSync(join(tmpdir(), 'likes-archive-bench-'));
const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

try {
  const file = join(dir, 'like.js');
  const t0 = performance.now();
  const out = createWriteStream(file);
  out.write(`${ARCHIVE_HEAD}\n`);
  for (let i = 0; i < rows; i++) {
    const tweetId = String(1_800_000_000_000_000_000n - BigInt(i) * 4_194_304n);
    const like = i % 10 === 9
      ? { tweetId, expandedUrl: expandedUrlOf(tweetId) }
      : { tweetId, fullText: `Like n°${i}: "quoted" \\ café 😀 https://t.co/${i.toString(36)}`, expandedUrl: expandedUrlOf(tweetId) };
    if (!out.write(`${formatEntry(like)}${i + 1 < rows ? ',' : ''}\n`)) await once(out, 'drain');
  }
  out.end(']\n');
  await once(out, 'finish');
  const size = statSync(file).size;
  console.log(`generated ${rows} likes, ${mib(size)}, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const store = new SqliteStore(join(dir, 'likes.db'));
  await store.migrate();
  await store.insertUsers([{
    id: '1', username: 'bench', name: 'Bench', createdAt: 0, description: '', location: null, url: null,
    profileImageUrl: '', protected: false, verified: false, suspended: false, pinnedTweetId: null,
    metrics: { followers_count: 0, following_count: 0, tweet_count: 0, listed_count: 0, like_count: 0 },
  }]);
  peak = process.memoryUsage().rss;
  const rssBefore = peak;
  const t1 = performance.now();
  let last = 0;
  const report = await importLikes(store, systemClock, {
    userId: '1',
    ids: new SnowflakeIds(systemClock, 1),
    rows: parseLikeArchive(createReadStream(file, { highWaterMark: 256 * 1024 })),
    batchSize,
    onProgress: (p) => {
      if (p.entries - last >= 200_000) {
        last = p.entries;
        console.log(`  ${p.entries} rows, rss ${mib(process.memoryUsage().rss)}`);
      }
    },
  });
  const seconds = (performance.now() - t1) / 1000;
  const [user] = await store.usersByIds(['1']);
  await store.close();
  console.log(JSON.stringify({ ...report, skipped: report.skipped.length }));
  console.log(`imported ${rows} rows in ${seconds.toFixed(1)} s: ${Math.round(rows / seconds)} rows/s`);
  console.log(`rss before import ${mib(rssBefore)}, peak during import ${mib(peak)}; user like_count ${user.metrics.like_count}`);
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
