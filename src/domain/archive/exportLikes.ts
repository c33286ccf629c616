// Writing a user's likes as X's data/like.js, newest first as X lists them, read page by page through the store's
// keyset walk so that memory stays bounded whatever the number of likes. What the parser reads back is what was
// written: a Tweet that is gone, deleted, or was created by an import without its text has no fullText, as in X's
// own archives.
import type { ContentStore } from '../../ports/contentStore.ts';
import { MISSING_TEXT } from './importLikes.ts';
import { ARCHIVE_HEAD, expandedUrlOf, formatEntry } from './likeArchive.ts';

export interface ExportOptions {
  /** Likes read per store call (default 1000). */
  pageSize?: number;
  /** Called after each page with the number of likes written so far. */
  onProgress?: (written: number) => void;
}

/** The text of the archive, in pieces (one per page); pipe it to a file or stdout. */
export async function* exportLikes(store: ContentStore, userId: string, options: ExportOptions = {}): AsyncGenerator<string> {
  const limit = options.pageSize ?? 1000;
  let written = 0;
  let from: { likedAt: number; id: string } | undefined;
  yield ARCHIVE_HEAD;
  for (;;) {
    const { rows: page } = await store.likedTweetsByUser(userId, { limit, direction: 'older', ...(from ? { from } : {}) });
    if (!page.length) break;
    let text = '';
    for (const { like, tweet } of page) {
      const fullText = tweet && !tweet.deleted && tweet.text !== MISSING_TEXT ? tweet.text : undefined;
      text += `${written++ ? ',' : ''}\n${formatEntry({ tweetId: like.tweetId, ...(fullText !== undefined ? { fullText } : {}), expandedUrl: expandedUrlOf(like.tweetId) })}`;
    }
    yield text;
    options.onProgress?.(written);
    const last = page[page.length - 1].like;
    from = { likedAt: last.likedAt, id: last.tweetId };
    if (page.length < limit) break;
  }
  yield written ? '\n]\n' : ' ]\n';
}
