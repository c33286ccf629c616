// "Start to first answer": three starts of the server on each existing store (measured by the scaling section).
import type { BenchResults } from '../results.ts';
import { table } from './format.ts';

export function renderStartup(r: BenchResults): string[] {
  return [
    '## Start to first answer',
    '',
    'From spawning `bin/likes-api.mjs serve` (node with the environment and flags of its first line, as `npm start`) on an existing store to the first 200 of an authenticated liked_tweets request; three starts each (the first one after the previous measurements touched other files).',
    '',
    table(['store', 'likes', 'starts (ms)'], r.startup.map((s) => [s.store, s.label, s.ms.join(' / ')]), [':--', '--:', '--:']),
    '',
  ];
}
