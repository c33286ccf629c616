import type { Wakeups } from '../../ports/wakeups.ts';

/** One process: its own likes wake its readers (the world's EventSignal); there is nobody else to tell or hear. */
export const processWakeups: Wakeups = {
  announce() {},
  listen() {
    return () => {};
  },
};
