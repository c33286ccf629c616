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
  /** node's own flags, if any (none now: src/cli/memorySettings.ts says why). */
  flags: string[];
  /** The first line's words after `env -S`, as written. */
  words: string[];
}

export function likesCommand(): LikesCommand {
  const line = /^#!\/usr\/bin\/env -S (.*)$/m.exec(readFileSync(LIKES_BIN, 'utf8'))?.[1] ?? '';
  const words = line.trim().split(/\s+/).filter(Boolean);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`${LIKES_BIN}: the first line does not run node: ${line}`);
  const env = Object.fromEntries(words.slice(0, node).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  return { env, flags: words.slice(node + 1), words };
}
