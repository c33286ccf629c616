import { MemoryUsageLedger } from '../../src/adapters/memory/memoryUsageLedger.ts';
import { usageLedgerContract } from './usageLedgerContract.ts';

usageLedgerContract('memory', async () => {
  const ledger = new MemoryUsageLedger();
  const other = new MemoryUsageLedger();
  return { ledger, other, cleanup: async () => {} };
});
