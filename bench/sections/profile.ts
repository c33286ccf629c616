// Section "profile": CPU profiles of the SQLite server under the hot read path (response cache on and off) and the
// write path; only the samples of the measured load are summarised.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import type { BenchContext } from '../lib/context.ts';
import { sqliteProbe, workCopy, type SeedOutcome } from '../lib/data.ts';
import { runLoad, type AcRequest } from '../lib/load.ts';
import { ROOT, startLikesServer } from '../lib/proc.ts';
import { summariseProfile, type ProfileSummary } from '../lib/profile.ts';
import { likeRequests, likedPath, pairPools, readRequests } from '../lib/requests.ts';

type Profiled = ProfileSummary & { id: string; label: string; rps: number };

/** One CPU profile of a SQLite server under one workload; only the samples of the measured load are summarised. */
async function profileOne(
  ctx: BenchContext, id: string, label: string, dataDir: string, creds: DemoCredentials, requests: AcRequest[], env: Record<string, string> = {},
): Promise<Profiled> {
  ctx.log(`[${ctx.elapsed()}] CPU profile: ${label}`);
  const dir = join(ctx.runDir, `profile-${id}`);
  mkdirSync(dir, { recursive: true });
  const path = likedPath(creds.heavyLikerUserId);
  const server = await startLikesServer({
    name: `likes-profiled-${id}`, dataDir, probePath: path, bearer: creds.app.bearerToken, env,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  await runLoad({ urls: [server.baseUrl], connections: ctx.connections, durationS: ctx.warmS, requests });
  const r = await runLoad({ urls: [server.baseUrl], connections: ctx.connections, durationS: ctx.loadS, requests });
  const loadEnded = performance.now();
  await server.stop();
  // Samples of the measured load only: from its start to its end, counted back from when the profile ended.
  const tailMs = performance.now() - loadEnded;
  // One profile per thread (tsx's module loader runs in a worker): the main thread's is CPU.<date>.<time>.<pid>.0.<n>.
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir}:\n${server.output()}`);
  const mainThread = files.filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  const chosen = (mainThread.length ? mainThread : files).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  const summary = summariseProfile(chosen, 20, { fromEndMs: tailMs + r.seconds * 1000, toEndMs: tailMs });
  ctx.log(`  ${r.rps} req/s under the profiler; top areas: ${summary.areas.slice(0, 5).map((a) => `${a.area} ${a.pct}%`).join(', ')}`);
  return { ...summary, id, label, file: chosen.replace(`${ROOT}/`, ''), rps: r.rps };
}

export async function profiles(ctx: BenchContext, sqlite: SeedOutcome): Promise<Profiled[]> {
  const creds = sqlite.creds;
  const main = ctx.main.label;
  const out: Profiled[] = [];
  // The hot path: the liked_tweets page of 100 with the app bearer (read-only: the seeded dataset itself), as
  // served by default (the same page again: response cache hits) and computed every time (cache off).
  const liked = readRequests(likedPath(creds.heavyLikerUserId), 'bearer', creds);
  out.push(await profileOne(ctx, 'liked_tweets', `liked_tweets page of 100, app bearer, SQLite ${main} (default: response cache on)`, sqlite.dataDir, creds, liked));
  out.push(
    await profileOne(ctx, 'liked_tweets_nocache', `liked_tweets page of 100, app bearer, SQLite ${main}, response cache off`, sqlite.dataDir, creds, liked, { LIKES_API_CACHE: 'off' }),
  );
  // The write path: new likes (on a copy of the dataset).
  const work = workCopy(ctx.dataDir, sqlite);
  const probe = sqliteProbe(join(work, 'likes.db'));
  const { durable } = await pairPools(probe, creds, ctx.quick ? 20_000 : 60_000);
  await probe.close();
  out.push(await profileOne(ctx, 'like', `POST like (a new like each time), OAuth 2.0 user bearer, SQLite ${main}`, work, creds, likeRequests(creds, durable)));
  return out;
}
