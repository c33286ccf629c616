import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRequestJournal } from '../../src/adapters/memory/memoryRequestJournal.ts';
import type { RequestJournal } from '../../src/ports/requestJournal.ts';
import { entry, requestJournalContract } from './requestJournalContract.ts';

// In memory a world's journal is one object: the fixture hands out the same one for the same world.
requestJournalContract('memory', async () => {
  const journals = new Map<string, RequestJournal>();
  return {
    open(namespace, capacity) {
      let journal = journals.get(namespace);
      if (!journal) journals.set(namespace, (journal = new MemoryRequestJournal(capacity)));
      return journal;
    },
    async cleanup() {},
  };
});

describe('memory: request journal', () => {
  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) assert.throws(() => new MemoryRequestJournal(capacity), /capacity/);
  });

  it('holds no more than its capacity however much is recorded', async () => {
    const journal = new MemoryRequestJournal(4);
    for (let i = 0; i < 1000; i++) await journal.record(entry(i));
    assert.equal((await journal.latest(Number.MAX_SAFE_INTEGER)).length, 4);
  });
});
