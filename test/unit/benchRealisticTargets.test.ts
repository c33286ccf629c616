// The realistic mix's targets (issue #13) as bench/lib/report/realistic.ts words them: the PostgreSQL ×2 / ×1 target
// says how far this machine's cores let a second instance go, from the cores the rows kept busy, and is decided by the
// rows whose instances were each held to a CPU share when a run measured them; the write-mix target
// adds the rows whose working set fits the cache when a run measured them.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { realisticTargets, renderRealisticTable } from '../../bench/lib/report/realistic.ts';
import type { RealisticResult, RealisticRow } from '../../bench/lib/results.ts';

const row = (id: string, instances: number, rps: number, machineCores: number): RealisticRow => ({
  id, server: 'likes', store: 'postgres', instances, cache: true, requests: 'mix', writes: false, label: id, connections: 16 * instances,
  rounds: [], rps, cpuUsPerRequest: 500, machineCores, p50: 5, p99: 20, rssMiB: [100], non2xx: 0, errors: 0,
});

const dataset = (rows: RealisticRow[]): RealisticResult => ({
  label: '1M', likes: 1_000_000,
  mix: { distinct: 6000, byKind: {}, full: 0, user: 0, defaultFields: 0, workingSetBytes: 1, cacheBudgetMiB: 1, writeShare: 0.1 },
  identical: { compared: 0, identical: 0, examples: [] }, rounds: 3, warmS: 1, loadS: 4, rows, notes: [],
});

/** A SQLite row with the cache on, as the write-mix target reads it. */
const sqliteRow = (id: string, requests: RealisticRow['requests'], writes: boolean, rps: number, cpuUsPerRequest: number, cacheHitRate: number): RealisticRow => ({
  ...row(id, 1, rps, 1), store: 'sqlite', requests, writes, cpuUsPerRequest, cacheHitRate,
});

const mixRows = () => [sqliteRow('likes-on', 'mix', false, 2000, 400, 0.004), sqliteRow('likes-on-writes', 'mix', true, 1900, 430, 0.003)];
const fitRows = () => [sqliteRow('likes-on-fit', 'default-fit', false, 17_200, 56, 1), sqliteRow('likes-on-fit-writes', 'default-fit', true, 4650, 210, 0.85)];
const fitMix = { fitDistinct: 600, fitBytes: 9.1 * 1024 * 1024 };

const writeTarget = (d: RealisticResult) => realisticTargets([d]).find((t) => t.name.startsWith('10 % write mix'))!;

const pgTarget = (rows: RealisticRow[]) => realisticTargets([dataset(rows)]).find((t) => t.name.startsWith('PostgreSQL + Redis: pages/s'))!;

test('the PostgreSQL x2 / x1 target bounds what a second instance could add by the cores the first left idle', () => {
  const cores = availableParallelism();
  const t = pgTarget([row('pg1', 1, 1000, cores * 0.8), row('pg2', 2, 1200, cores * 0.96)]);
  assert.equal(t.ok, false);
  assert.match(t.measured, /^1\.20× \(1,200 vs 1,000 req\/s; /);
  // 1 / 0.8 of the machine: 1.25× at most; the machine's CPU a request: cores * 0.8 s / 1,000 requests, then / 1,200.
  assert.ok(t.measured.includes(`one instance's row kept ${(cores * 0.8).toFixed(2)} of them busy, so a second could add at most 1.25× on this machine`), t.measured);
  assert.ok(t.measured.includes(`two kept ${(cores * 0.96).toFixed(2)} busy`), t.measured);
  const perRequest = (c: number, rps: number) => Math.round((c * 1e6) / rps).toLocaleString('en-US');
  assert.ok(t.measured.includes(`${perRequest(cores * 0.8, 1000)} µs with one instance, ${perRequest(cores * 0.96, 1200)} µs with two`), t.measured);
});

test('results written before the cores were measured name the shared cores only', () => {
  const old = (r: RealisticRow) => JSON.parse(JSON.stringify({ ...r, machineCores: Number.NaN })) as RealisticRow;
  const t = pgTarget([old(row('pg1', 1, 1000, 1)), old(row('pg2', 2, 1700, 1))]);
  assert.equal(t.ok, true);
  assert.match(t.measured, /^1\.70× \(1,700 vs 1,000 req\/s; \d+ cores shared by both instances, PostgreSQL, Redis and the load generator\)$/);
});

test('rows with each instance held to a CPU share decide the x2 / x1 target when the machine kept cores idle', () => {
  const cores = availableParallelism();
  const held = (id: string, instances: number, rps: number, machineCores: number) => ({ ...row(id, instances, rps, machineCores), instanceCores: 0.35 });
  const shared = [row('pg1', 1, 1000, cores * 0.8), row('pg2', 2, 1100, cores * 0.96)];
  const met = pgTarget([...shared, held('pg1-held', 1, 430, cores * 0.4), held('pg2-held', 2, 880, cores * 0.7)]);
  assert.equal(met.ok, true);
  assert.ok(met.measured.startsWith('2.05× with each instance held to 0.35 cores (a cgroup\'s CPU quota, as a container\'s limit): 880 vs 430 req/s, '), met.measured);
  assert.ok(met.measured.includes(`the machine ${(cores * 0.7).toFixed(2)} of ${cores} cores busy with two (cores to spare: they did not bind)`), met.measured);
  // The instances sharing the cores are still reported, with their bound.
  assert.ok(met.measured.includes('instances sharing the cores unheld: 1.10× (1,100 vs 1,000 req/s; '), met.measured);
  // Held rows that scaled short of 1.6x miss; held rows on a machine with no core to spare show nothing of the shared parts.
  assert.equal(pgTarget([...shared, held('pg1-held', 1, 430, cores * 0.4), held('pg2-held', 2, 600, cores * 0.6)]).ok, false);
  const bound = pgTarget([...shared, held('pg1-held', 1, 430, cores * 0.5), held('pg2-held', 2, 880, cores * 0.95)]);
  assert.equal(bound.ok, false);
  assert.ok(bound.measured.includes('nearly all: the cores bound'), bound.measured);
  // The table says which rows were held.
  const lines = renderRealisticTable([dataset([held('pg1-held', 1, 430, 0.8)])]);
  assert.ok(lines.some((l) => l.includes('| Likes API, PostgreSQL + Redis ×1, cache on, each instance held to 0.35 cores |')), lines.join('\n'));
});

test('the write-mix target adds the rows inside the cache when they were measured, its verdict still from the mix', () => {
  const d = dataset([...mixRows(), ...fitRows()]);
  const t = writeTarget({ ...d, mix: { ...d.mix, ...fitMix } });
  assert.equal(t.ok, true);
  assert.match(t.measured, /^0\.95× \(1,900 vs 2,000 req\/s; /);
  assert.ok(
    t.measured.includes(
      '; inside the cache (600 default-fields requests, 9.1 MiB): 0.27× (4,650 vs 17,200 req/s), hits 85.0 % with writes vs 100.0 % read-only, ' +
        'CPU 210 vs 56 µs/req: a write keeps the answers it did not change cached',
    ),
    t.measured,
  );
});

test('results without the rows inside the cache word the write-mix target as before', () => {
  const t = writeTarget(dataset(mixRows()));
  assert.ok(!t.measured.includes('inside the cache'), t.measured);
  assert.match(t.measured, /not what they throw away from the cache$/);
});

test('the table names the requests of the rows inside the cache, and the mix sentence their size', () => {
  const d = dataset(fitRows());
  const lines = renderRealisticTable([{ ...d, mix: { ...d.mix, ...fitMix } }]);
  assert.ok(lines.some((l) => l.includes('| default-fields requests inside the cache |')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('| default-fields requests inside the cache + 10 % likes/unlikes |')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('the rows inside the cache cycle the first 600 default-fields requests of that order, 9.1 MiB of bodies')), lines.join('\n'));
  assert.ok(!renderRealisticTable([dataset(fitRows())]).some((l) => l.includes('the rows inside the cache cycle')));
});

test('the start target judges every start of the section and says how settled the machine was for them', () => {
  const startTarget = (d: RealisticResult) => realisticTargets([d]).find((t) => t.name.startsWith('start to first answer'))!;
  const first = [sqliteRow('likes-off', 'mix', false, 1, 1, 0), sqliteRow('likes-on', 'mix', false, 1, 1, 0)].map((r, i) => ({ ...r, readyMs: 290 + i }));
  const settled = { ...dataset(first), startsMs: [231, 244, 252], startsSettled: { busyCores: 0.12, waitedMs: 2400 } };
  const met = startTarget(settled);
  assert.equal(met.ok, true);
  assert.equal(
    met.measured,
    "231 / 244 / 252 ms (three starts while the section's other servers idle, once the machine had settled (0.12 cores busy, after 2.4 s); " +
      'its first two, on a file just copied and while the benchmark hashed the answers: 290 / 291 ms)',
  );
  assert.equal(startTarget({ ...settled, startsMs: [231, 301, 252] }).ok, false);
  // Results written before the section waited for the machine say nothing of it.
  assert.match(startTarget({ ...settled, startsSettled: undefined }).measured, /^231 \/ 244 \/ 252 ms \(three starts while the section's other servers idle; its first two/);
});
