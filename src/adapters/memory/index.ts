import type { SharedState } from '../../ports/shared.ts';
import { MemoryChangeCounter } from './memoryChangeCounter.ts';
import { MemoryEphemeral } from './memoryEphemeral.ts';
import { MemoryNonceStore } from './memoryNonceStore.ts';
import { MemoryRateLimiter } from './memoryRateLimiter.ts';
import { MemoryRequestJournal } from './memoryRequestJournal.ts';
import { MemorySandboxControls } from './memorySandboxControls.ts';
import { MemoryUsageLedger } from './memoryUsageLedger.ts';
import { MemoryUsageMeter } from './memoryUsageMeter.ts';
import { processWakeups } from './memoryWakeups.ts';

export { MemoryEphemeral } from './memoryEphemeral.ts';
export { MemoryNonceStore } from './memoryNonceStore.ts';
export { MemoryRateLimiter } from './memoryRateLimiter.ts';
export { MemoryRequestJournal } from './memoryRequestJournal.ts';
export { MemoryUsageMeter } from './memoryUsageMeter.ts';

type MemoryShared = SharedState & {
  readonly rateLimiter: MemoryRateLimiter;
  readonly nonceStore: MemoryNonceStore;
  readonly usageMeter: MemoryUsageMeter;
  readonly ephemeral: MemoryEphemeral;
};

/** Shared state for a single process: nothing to connect to, so `ping` always succeeds. Each world has its own. */
export function openMemoryShared(): MemoryShared {
  const worlds = new Map<string, MemoryShared>();
  const root = memoryWorld(worlds);
  return root;
}

function memoryWorld(worlds: Map<string, MemoryShared>, changes = new MemoryChangeCounter()): MemoryShared {
  const rateLimiter = new MemoryRateLimiter();
  const nonceStore = new MemoryNonceStore();
  const usageMeter = new MemoryUsageMeter();
  const ephemeral = new MemoryEphemeral();
  const closeOwn = () => Promise.all([rateLimiter.close(), nonceStore.close(), usageMeter.close(), ephemeral.close()]);
  return {
    rateLimiter,
    nonceStore,
    usageMeter,
    ephemeral,
    changes,
    controls: new MemorySandboxControls(),
    journal: new MemoryRequestJournal(),
    ledger: new MemoryUsageLedger(),
    wakeups: processWakeups,
    forWorld(world) {
      let state = worlds.get(world);
      if (!state) worlds.set(world, (state = memoryWorld(worlds)));
      return state;
    },
    async forgetWorld(world, options = {}) {
      const state = worlds.get(world);
      worlds.delete(world);
      if (state && options.keepVersions) worlds.set(world, memoryWorld(worlds, state.changes as MemoryChangeCounter));
      await state?.close();
    },
    async ping() {},
    async close() {
      await closeOwn();
    },
  };
}
