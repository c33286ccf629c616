// Section "peers": Stoplight Prism mocking X's OpenAPI document (as it is, and with our page as its example) and
// json-server serving the same Tweets, under the same load as the side-by-side table. A peer that cannot run is
// recorded with its error, not fatal.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.ts';
import type { SeedOutcome } from '../lib/data.ts';
import { capture, measure, row, sha } from '../lib/measure.ts';
import { peerBin, startJsonServer, startPrism } from '../lib/peers.ts';
import { ROOT } from '../lib/proc.ts';
import { likedPath, readRequests } from '../lib/requests.ts';
import type { BenchResults } from '../lib/results.ts';

const SPEC_FILE = join(ROOT, 'test', 'fixtures', 'x', 'x-openapi-likes-v2.159.json');

/** Needs the page and the 1000 Tweets the side-by-side section captured in the run directory. */
export async function peers(ctx: BenchContext, results: BenchResults, sqlite: SeedOutcome): Promise<void> {
  const { log, elapsed } = ctx;
  const creds = sqlite.creds;
  const path = likedPath(creds.heavyLikerUserId);
  log(`[${elapsed()}] Peers`);
  const page = JSON.parse(readFileSync(join(ctx.runDir, 'liked-page.json'), 'utf8')) as { body: string };

  // Prism on X's OpenAPI document as it is, and on a copy whose liked_tweets example is our exact page.
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8'));
  const withPage = structuredClone(spec);
  withPage.paths['/2/users/{id}/liked_tweets'].get.responses['200'].content['application/json'].example = JSON.parse(page.body);
  const withPageFile = join(ctx.runDir, 'x-openapi-with-our-page.json');
  writeFileSync(withPageFile, JSON.stringify(withPage));
  const prismVersion = peerBin('@stoplight/prism-cli', 'prism')?.version;
  for (const [id, file, label] of [
    ['prism', SPEC_FILE, `Stoplight Prism ${prismVersion ?? ''} mock of x-openapi-likes-v2.159.json (its own example)`],
    ['prism-our-page', withPageFile, `Stoplight Prism ${prismVersion ?? ''} mock, our page as the example (same bytes)`],
  ] as const) {
    try {
      const prism = await startPrism(file, path, creds.app.bearerToken);
      const sample = await capture(`${prism.baseUrl}${path}`, { authorization: `Bearer ${creds.app.bearerToken}` });
      const r = await measure(ctx, `peer: ${label}`, [prism.baseUrl], ctx.connections, readRequests(path, 'bearer', creds), [prism.pid]);
      await prism.stop();
      results.peers.push({ ...row(id, id, label, 1, r), sameBytes: sha(sample.body) === results.pageSha, bodyBytes: Buffer.byteLength(sample.body) });
    } catch (error) {
      log(`  ${id}: not measured: ${(error as Error).message.split('\n')[0]}`);
      results.peers.push({ store: id, id, label, error: (error as Error).message.split('\n')[0] });
    }
  }

  // json-server on the same Tweets: the heavy liker's first 1000 liked Tweets, paged 100 at a time.
  try {
    const tweets = JSON.parse(readFileSync(join(ctx.runDir, 'liked-tweets-1000.json'), 'utf8')) as unknown[];
    const db = join(ctx.runDir, 'json-server');
    mkdirSync(db, { recursive: true });
    writeFileSync(join(db, 'db.json'), JSON.stringify({ liked_tweets: tweets.slice(0, 1000) }));
    const jsPath = '/liked_tweets?_page=1&_limit=100';
    const js = await startJsonServer(join(db, 'db.json'), jsPath);
    const sample = await capture(`${js.baseUrl}${jsPath}`, {});
    const label = `json-server ${peerBin('json-server', 'json-server')?.version ?? ''}: the same 100 Tweets (GET ${jsPath})`;
    const r = await measure(ctx, `peer: ${label}`, [js.baseUrl], ctx.connections, [{ method: 'GET', path: jsPath }], [js.pid]);
    await js.stop();
    results.peers.push({ ...row('json-server', 'json-server', label, 1, r), sameBytes: false, bodyBytes: Buffer.byteLength(sample.body) });
  } catch (error) {
    log(`  json-server: not measured: ${(error as Error).message.split('\n')[0]}`);
    results.peers.push({ store: 'json-server', id: 'json-server', label: 'json-server', error: (error as Error).message.split('\n')[0] });
  }
}
