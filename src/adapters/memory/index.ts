import type { SharedState } from '../../ports/shared.ts';
import { MemoryChangeCounter } from './memoryChangeCounter.ts';
import { MemoryEphemeral } from './memoryEphemeral.ts';
import { MemoryNonceStore } from './memoryNonceStore.ts';
import { MemoryRateLimiter } from './memoryRateLimiter.ts';
import { MemoryUsageMeter } from './memoryUsageMeter.ts';

export { MemoryEphemeral } from './memoryEphemeral.ts';
export { MemoryNonceStore } from './memoryNonceStore.ts';
export { MemoryRateLimiter } from './memoryRateLimiter.ts';
export { MemoryRequestJournal } from './memoryRequestJournal.ts';
export { MemoryUsageMeter } from './memoryUsageMeter.ts';

/** Shared state for a single process: nothing to connect to, so `ping` always succeeds. */
export function openMemoryShared(): SharedState & {
  readonly rateLimiter: MemoryRateLimiter;
  readonly nonceStore: MemoryNonceStore;
  readonly usageMeter: MemoryUsageMeter;
  readonly ephemeral: MemoryEphemeral;
} {
  const rateLimiter = new MemoryRateLimiter();
  const nonceStore = new MemoryNonceStore();
  const usageMeter = new MemoryUsageMeter();
  const ephemeral = new MemoryEphemeral();
  return {
    rateLimiter,
    nonceStore,
    usageMeter,
    ephemeral,
    changes: new MemoryChangeCounter(),
    async ping() {},
    async close() {
      await Promise.all([rateLimiter.close(), nonceStore.close(), usageMeter.close(), ephemeral.close()]);
    },
  };
}
