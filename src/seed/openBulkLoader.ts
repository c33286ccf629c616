// The bulk loader of the configured store, chosen like openStore (src/services.ts) chooses the store.
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { BulkLoader } from '../ports/bulkLoader.ts';

export async function openBulkLoader(config: Config): Promise<BulkLoader> {
  if (config.databaseUrl) {
    const { PostgresBulkLoader } = await import('../adapters/postgres/postgresBulkLoader.ts');
    return new PostgresBulkLoader(config.databaseUrl);
  }
  const { SqliteBulkLoader } = await import('../adapters/sqlite/sqliteBulkLoader.ts');
  return new SqliteBulkLoader(join(config.dataDir, 'likes.db'));
}
