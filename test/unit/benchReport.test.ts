// The benchmark report renders a results file into the same markdown every time: a golden copy per fixture
// (test/fixtures/bench/*.md, written by the renderer) guards the wording and the tables against refactoring. After an
// intended change of the report, write the copies again with renderMarkdown on the same inputs as below.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ANALYSIS_END, ANALYSIS_START, renderMarkdown } from '../../bench/lib/report.ts';
import type { BenchResults } from '../../bench/lib/results.ts';

const fixture = (name: string) => new URL(`../fixtures/bench/${name}`, import.meta.url);
const results = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as BenchResults;
const previous = `# Benchmarks\n\nold text\n\n${ANALYSIS_START}\nThe hand-written analysis.\n${ANALYSIS_END}\n`;

test('a full run renders as its golden copy, keeping the analysis of the previous document', () => {
  const md = renderMarkdown(results('results-full.json'), previous, 'benchmarks-scaling.svg');
  assert.equal(md, readFileSync(fixture('benchmarks-full.md'), 'utf8'));
  assert.match(md, /\nThe hand-written analysis\.\n/);
});

test('a quick run with empty sections renders as its golden copy', () => {
  const md = renderMarkdown(results('results-quick.json'), '', 'benchmarks-scaling-quick.svg');
  assert.equal(md, readFileSync(fixture('benchmarks-quick.md'), 'utf8'));
  assert.match(md, /_\(No analysis written yet\.\)_/);
});

test('a results file read back renders the numbers a run could not measure as dashes (JSON writes NaN as null)', () => {
  const full = results('results-full.json');
  const bare = { ...full.writes[1], instances: 0, p50: Number.NaN, p99: Number.NaN, rssMiB: [] };
  const sqlite = { ...full.writes[0], postgresCpuUsPerLike: Number.NaN };
  const readBack = JSON.parse(JSON.stringify({ ...full, writes: [sqlite, full.writes[1], bare] })) as BenchResults;
  assert.equal(readBack.writes[2].p50, null);
  const md = renderMarkdown(readBack, previous, 'benchmarks-scaling.svg');
  assert.equal(md, renderMarkdown({ ...full, writes: [sqlite, full.writes[1], bare] }, previous, 'benchmarks-scaling.svg'));
  assert.match(md, /\| postgres, \*\*bare `pg` script\*\* \| 0 \|[^\n]*\| – \| – \| – \|/);
});
