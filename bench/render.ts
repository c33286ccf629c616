// `node --import tsx bench/render.ts [bench/results/latest.json] [--note TEXT]...`: writes docs/benchmarks.md again from
// the results of a full run (no measuring), keeping the hand-written analysis, e.g. after the report's wording changed.
// Each --note is shown under "Machine and versions" with the run's own notes (it is not written into the JSON).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/proc.ts';
import { renderMarkdown } from './lib/report.ts';
import type { BenchResults } from './lib/results.ts';

const args = process.argv.slice(2);
const notes: string[] = [];
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--note') notes.push(args[++i] ?? '');
  else files.push(args[i]);
}
const input = files[0] ?? join(ROOT, 'bench', 'results', 'latest.json');
const results = JSON.parse(readFileSync(input, 'utf8')) as BenchResults;
if (results.mode !== 'full') {
  console.error(`${input} is a ${results.mode} run; docs/benchmarks.md shows full runs only`);
  process.exit(2);
}
results.notes = [...results.notes, ...notes.filter(Boolean)];
const target = join(ROOT, 'docs', 'benchmarks.md');
const previous = existsSync(target) ? readFileSync(target, 'utf8') : '';
writeFileSync(target, renderMarkdown(results, previous, 'benchmarks-scaling.svg'));
console.log(`${target} rendered from ${input}`);
