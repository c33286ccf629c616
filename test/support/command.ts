// How `likes-api` starts node: the environment and node flags of bin/likes-api.mjs's first line
// (`#!/usr/bin/env -S NAME=value … node --flag …`), which `npm start` passes too. The benchmarks start their servers
// with them (as users start the command) and test/cli/serve.test.ts checks them on a running process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
export const LIKES_BIN = join(ROOT, 'bin', 'likes-api.mjs');

export interface LikesCommand {
  /** Variables set before node starts (what node reads too early for a setting: glibc's malloc). */
  env: Record<string, string>;
  /** node's own flags (V8 fixes them before any code runs). */
  flags: string[];
  /** The first line's words after `env -S`, as written. */
  words: string[];
}

/**
 * How a PostgreSQL + Redis instance starts (README's Procfile): the first line's settings with V8's own young
 * generation, 16 MiB a semi-space. A page read from PostgreSQL is built from many more objects than one from SQLite,
 * and with the command's 2 MiB the instance spent about a quarter more CPU a request, most of it collecting them.
 */
export function postgresCommand(): LikesCommand {
  const { env, flags, words } = likesCommand();
  const young = (w: string) => (w.startsWith('--max-semi-space-size=') ? '--max-semi-space-size=16' : w);
  return { env, flags: flags.map(young), words: words.map(young) };
}

export function likesCommand(): LikesCommand {
  const line = /^#!\/usr\/bin\/env -S (.*)$/m.exec(readFileSync(LIKES_BIN, 'utf8'))?.[1] ?? '';
  const words = line.trim().split(/\s+/).filter(Boolean);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`${LIKES_BIN}: the first line does not run node: ${line}`);
  const env = Object.fromEntries(words.slice(0, node).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  return { env, flags: words.slice(node + 1), words };
}
