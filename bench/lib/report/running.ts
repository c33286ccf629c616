// "Running it": how to run the bench and redraw this page.

export function renderRunning(): string[] {
  return [
    '## Running it',
    '',
    '```sh',
    'npm run bench             # full run (~20 min here): 10k / 1M / 10M likes, writes docs/benchmarks.md and docs/benchmarks-scaling.svg',
    'npm run bench -- --quick  # smaller run (a few minutes): results in bench/results/ only',
    'npm run bench -- --help   # --reseed, --no-pg, --no-peers, --keep-data, --only',
    'npm run bench -- --only main,peers   # some sections only (results in bench/results/, docs/ untouched)',
    'npm run bench -- --only realistic    # the realistic mix alone (~5 min): rewrites just its part of this page',
    'node scripts/bench-chart.mjs bench/results/latest.json docs/benchmarks-scaling.svg   # redraw the chart',
    'node --import tsx bench/render.ts bench/results/latest.json   # rewrite this page from a full run\'s results, keeping the analysis',
    '```',
    '',
    'Between full runs, `bench/spot.ts` compares builds on many distinct lookups of one kind, or on the realistic mix, in alternating ' +
      'rounds, with the CPU per request and peak RSS of each server (`npm run build` first; `--against` another checkout built the ' +
      'same way; `--cpu-prof <dir>` profiles each server and summarises where its CPU went):',
    '',
    '```sh',
    'LIKES_API_DATA_DIR=/tmp/d1m node bin/likes-api.mjs seed --likes 1M --users 20000 --tweets 200000 --seed 1 --quiet',
    'node --import tsx bench/spot.ts --data /tmp/d1m --bare                      # default-fields first pages: this checkout and the bare server',
    'node --import tsx bench/spot.ts --data /tmp/d1m --against ../old --listing liking --query user.fields=created_at',
    'node --import tsx bench/spot.ts --data /tmp/d1m --bare --listing mix --kind deep   # the mix\'s default-fields deep pages',
    'node --import tsx bench/spot.ts --data /tmp/d1m --listing whole-mix --cache on --writes   # every 10th request a like or unlike',
    '```',
    '',
    'A change of a few µs a request is below spot\'s noise here (its rounds drift by a few per cent, as the load shares the two ' +
      'cores). `bench/instructions.ts` counts the instructions a request of the default-fields mix takes, under ' +
      'valgrind\'s callgrind, which repeats to about 0.5 % whatever else the machine does; instructions are not ' +
      'time (a cache miss is one), so a change that moves memory rather than work still needs spot. Under callgrind a server ' +
      'is still tiering up after thousands of requests, so each count is also given without V8\'s optimizing compiler, the ' +
      'closer measure of a warm server; `--one-page` counts the cache-hit row\'s requests instead, and `--bare` counts the bare ' +
      'single-query server on the same requests too:',
    '',
    '```sh',
    'node --import tsx bench/instructions.ts --data /tmp/d1m --against ../old   # ~1 min a server; --keep for callgrind_annotate',
    'node --import tsx bench/instructions.ts --data /tmp/d1m --one-page --requests 3000   # one page from the response cache',
    'node --import tsx bench/instructions.ts --data /tmp/d1m --bare   # the gap to the bare server, counted',
    'node --import tsx bench/instructions.ts --data /tmp/d1m --functions 25   # where they go: JS by function, native by name',
    '```',
    '',
    'The bench installs its own tools on first use (`npm ci --prefix bench`: autocannon, @stoplight/prism-cli, json-server), seeds ' +
      'SQLite datasets under bench/results/data (reused by later runs; `--reseed` to seed again), creates PostgreSQL databases ' +
      '(LIKES_API_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and a Redis key prefix ' +
      '(LIKES_API_BENCH_REDIS_URL, default redis://127.0.0.1:6379) of its own and removes them at the end. Every server it starts ' +
      'listens on 127.0.0.1 with LIKES_API_LIMITS=off, and every load is bounded in time and in request count.',
    '',
  ];
}
