// Whether a promise has settled once the work already queued has run: the event loop turned a few times (a write
// queue's batch starts on the next turn, its commit and its answer take a turn or two more), no timer waited for.
export async function settledYet(p: Promise<unknown>, turns = 3): Promise<boolean> {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
  return done;
}
