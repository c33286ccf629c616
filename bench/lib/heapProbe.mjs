// Preloaded into a soaked server (`node --import`): prints its V8 heap use (used, total, and external memory, which
// holds Buffers such as cached responses) once a second on stderr, where bench/soak.ts reads it. The timer is unref'd, so it never keeps the server alive.
setInterval(() => {
  const m = process.memoryUsage();
  process.stderr.write(`soak-heap ${m.heapUsed} ${m.heapTotal} ${m.external}\n`);
}, 1000).unref();
