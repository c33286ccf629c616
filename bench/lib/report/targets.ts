// "Targets": the project's performance goals, each met, not met or not measured in this run.
import { sqliteLikedRow, type BenchResults, type PeerRow, type ScalingPoint } from '../results.ts';
import { f2, fx, mark, n0, ratio, table } from './format.ts';

export interface Target {
  name: string;
  goal: string;
  measured: string;
  ok: boolean | null;
}

export function evaluateTargets(r: BenchResults): Target[] {
  const ours = sqliteLikedRow(r, true);
  const ceiling = r.main.find((m) => m.store === 'ceiling');
  const peer = (id: string) => r.peers.find((p): p is Extract<PeerRow, { rps: number }> => p.id === id && !p.error);
  const prism = peer('prism');
  const json = peer('json-server');
  const sqlitePoints = r.scaling.filter((p) => p.store === 'sqlite');
  const smallest = sqlitePoints[0];
  const largest = sqlitePoints[sqlitePoints.length - 1];
  const first = (p: ScalingPoint | undefined) => p?.pages.find((x) => x.name === 'first');
  const deepest = (p: ScalingPoint | undefined) => p?.pages.find((x) => x.name === 'deepest');
  const sqliteWrites = r.writes.find((w) => w.store === 'sqlite');
  const pgWrites = r.writes.find((w) => w.store === 'postgres' && w.instances === 2);
  const start = r.startup.filter((s) => s.store === 'sqlite').pop();
  const seedSqlite = r.seeds.filter((s) => s.store === 'sqlite').pop();
  const seedPg = r.seeds.filter((s) => s.store === 'postgres').pop();
  const t: Target[] = [];
  const cold = sqliteLikedRow(r, false);
  const coldNote = (peerRps: number | undefined) => (cold && peerRps ? `; cache off ${fx(ratio(cold.rps, peerRps))}` : '');
  const c = ratio(ours?.rps, ceiling?.rps);
  t.push({
    name: 'liked_tweets (SQLite, app bearer) vs the ceiling', goal: '≥ 0.5× ceiling req/s',
    measured: `${fx(c)} (${n0(ours?.rps ?? 0)} vs ${n0(ceiling?.rps ?? 0)} req/s)${coldNote(ceiling?.rps)}`, ok: Number.isNaN(c) ? null : c >= 0.5,
  });
  const p = ratio(ours?.rps, prism?.rps);
  t.push({ name: 'vs Stoplight Prism', goal: '≥ 10× Prism req/s', measured: prism ? `${fx(p)} (Prism ${n0(prism.rps)} req/s)${coldNote(prism.rps)}` : 'Prism not measured', ok: prism ? p >= 10 : null });
  const j = ratio(ours?.rps, json?.rps);
  t.push({ name: 'vs json-server', goal: '≥ 5× json-server req/s', measured: json ? `${fx(j)} (json-server ${n0(json.rps)} req/s)${coldNote(json.rps)}` : 'json-server not measured', ok: json ? j >= 5 : null });
  const growth = ratio(first(largest)?.p50, first(smallest)?.p50);
  t.push({
    name: `first-page p50 at ${largest?.label ?? '?'} vs ${smallest?.label ?? '?'} likes`, goal: '≤ 1.2×',
    measured: `${fx(growth)} (${f2(first(largest)?.p50)} vs ${f2(first(smallest)?.p50)} ms)`, ok: Number.isNaN(growth) ? null : growth <= 1.2,
  });
  const deep = ratio(deepest(largest)?.p50, first(largest)?.p50);
  t.push({
    name: `deepest page vs first page (${largest?.label ?? '?'} likes, page ${deepest(largest)?.index ?? '?'})`, goal: '≤ 1.2× (keyset: flat)',
    measured: `${fx(deep)} (${f2(deepest(largest)?.p50)} vs ${f2(first(largest)?.p50)} ms)`, ok: Number.isNaN(deep) ? null : deep <= 1.2,
  });
  t.push({ name: 'durable likes/s, SQLite, 1 process', goal: '≥ 5,000/s', measured: sqliteWrites ? `${n0(sqliteWrites.likesPerSecond)}/s` : 'not measured', ok: sqliteWrites ? sqliteWrites.likesPerSecond >= 5000 : null });
  t.push({ name: 'durable likes/s, PostgreSQL + Redis, 2 instances', goal: '≥ 8,000/s', measured: pgWrites ? `${n0(pgWrites.likesPerSecond)}/s` : 'not measured', ok: pgWrites ? pgWrites.likesPerSecond >= 8000 : null });
  t.push({
    name: `RSS serving ${largest?.label ?? '?'} likes (SQLite, under load)`, goal: '≤ 120 MiB',
    measured: largest?.load
      ? `${largest.load.rssMiB} MiB (same page)${largest.varied ? `; ${largest.varied.rssMiB} MiB with ${n0(largest.varied.pages)} pages in turn` : ''}`
      : 'not measured',
    ok: largest?.load ? Math.max(largest.load.rssMiB, largest.varied?.rssMiB ?? 0) <= 120 : null,
  });
  t.push({
    name: `start to first answer, existing ${start?.label ?? '?'} store (SQLite)`, goal: '≤ 1 s (every start)',
    measured: start ? `${start.ms.join(' / ')} ms` : 'not measured', ok: start ? Math.max(...start.ms) <= 1000 : null,
  });
  t.push({
    name: `seed into SQLite (${seedSqlite?.label ?? '?'} likes)`, goal: '≥ 200,000 likes/s',
    measured: seedSqlite ? `${n0(seedSqlite.likesPerSecond)} likes/s; whole seed ${(seedSqlite.wallMs / 1000).toFixed(1)} s${seedSqlite.reused ? ' (from an earlier run)' : ''}` : 'not measured',
    ok: seedSqlite ? seedSqlite.likesPerSecond >= 200_000 : null,
  });
  if (seedPg) {
    t.push({
      name: `seed into PostgreSQL with COPY (${seedPg.label} likes)`, goal: 'practical (completes in minutes)',
      measured: `${n0(seedPg.likesPerSecond)} likes/s; whole seed ${(seedPg.wallMs / 1000).toFixed(1)} s`, ok: seedPg.wallMs < 10 * 60_000,
    });
  }
  return t;
}

export function renderTargets(r: BenchResults): string[] {
  return [
    '## Targets',
    '',
    table(['target', 'goal', 'measured', 'verdict'], evaluateTargets(r).map((t) => [t.name, t.goal, t.measured, mark(t.ok)]), [':--', ':--', ':--', ':--']),
    '',
  ];
}
