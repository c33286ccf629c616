import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { storedDemoCredentials } from '../demo/demoSeed.ts';
import { openServices } from '../services.ts';
import type { Command } from './command.ts';

export const demoCredentialsCommand: Command = {
  summary: 'Print the demo credentials',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      console.log('Usage: likes-api demo-credentials\n\nPrints demo-credentials.json of the configured store (the file the server wrote, else the store\'s copy).');
      return 0;
    }
    const config = loadConfig();
    try {
      process.stdout.write(readFileSync(join(config.dataDir, 'demo-credentials.json'), 'utf8'));
      return 0;
    } catch {
      /* no file: fall back to the copy in the store */
    }
    const services = await openServices(config);
    try {
      const doc = await storedDemoCredentials(services);
      if (!doc) {
        console.error('likes-api: this store has no demo credentials (start `likes-api serve` with LIKES_API_DEMO=1 first)');
        return 1;
      }
      console.log(JSON.stringify({ ...doc, baseUrl: `http://${config.host}:${config.port}` }, null, 2));
      return 0;
    } finally {
      await services.close();
    }
  },
};
