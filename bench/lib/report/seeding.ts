// "Seeding": how fast `likes-api seed` filled each dataset, step by step.
import type { BenchResults } from '../results.ts';
import { n0, table } from './format.ts';

export function renderSeeding(r: BenchResults): string[] {
  const out: string[] = [];
  out.push('## Seeding');
  out.push('');
  out.push(
    '`likes-api seed` through the real CLI. likes/s covers generating and appending the like rows plus everything after ' +
      '(index rebuilds, both like_count recounts, commit). Wall is the whole process, users, tweets and credentials included.',
  );
  out.push('');
  out.push(
    table(
      ['store', 'likes', 'users / tweets', 'users ms', 'tweets ms', 'likes ms', 'finish ms (steps)', 'likes/s', 'wall s', 'most liked Tweet', 'heaviest liker'],
      r.seeds.map((s) => [
        s.store,
        s.label,
        `${n0(s.spec.users)} / ${n0(s.spec.tweets)}`,
        n0(s.ms.users),
        n0(s.ms.tweets),
        n0(s.ms.likes),
        `${n0(s.ms.finish)} (${s.finishSteps.map((x) => `${x.step} ${n0(x.ms)}`).join('; ')})`,
        n0(s.likesPerSecond),
        `${(s.wallMs / 1000).toFixed(1)}${s.reused ? ' (earlier run)' : ''}`,
        n0(s.popularTweetLikes),
        n0(s.heavyLikerLikes),
      ]),
      [':--', '--:', '--:', '--:', '--:', '--:', ':--', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');
  return out;
}
