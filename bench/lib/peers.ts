// Peers measured beside the Likes API: Stoplight Prism mocking X's OpenAPI document, and json-server on the same
// Tweets. Both come from bench/node_modules (bench/package.json); a peer that is not installed is reported as such.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '../../test/support/net.ts';
import { ROOT, startProc, type Proc } from './proc.ts';

const benchRequire = createRequire(join(ROOT, 'bench', 'package.json'));

/** The CLI script of an installed package's bin, or null when the package is not installed. */
export function peerBin(pkg: string, bin: string): { script: string; version: string } | null {
  try {
    const manifest = benchRequire.resolve(`${pkg}/package.json`);
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; bin: string | Record<string, string> };
    const rel = typeof json.bin === 'string' ? json.bin : json.bin[bin];
    const script = join(dirname(manifest), rel);
    return existsSync(script) ? { script, version: json.version } : null;
  } catch {
    return null;
  }
}

export async function startPrism(spec: string, probePath: string, bearer: string): Promise<Proc> {
  const bin = peerBin('@stoplight/prism-cli', 'prism');
  if (!bin) throw new Error('@stoplight/prism-cli is not installed in bench/node_modules');
  const port = await freePort();
  // Logging silenced: Prism's best case (its per-request log lines cost it throughput otherwise).
  return startProc({
    name: 'prism',
    command: process.execPath,
    args: [bin.script, 'mock', '-h', '127.0.0.1', '-p', String(port), '--verboseLevel', 'silent', spec],
    port,
    probePath,
    probeHeaders: { authorization: `Bearer ${bearer}` },
    timeoutMs: 60_000,
  });
}

export async function startJsonServer(dbFile: string, probePath: string): Promise<Proc> {
  const bin = peerBin('json-server', 'json-server');
  if (!bin) throw new Error('json-server is not installed in bench/node_modules');
  const port = await freePort();
  return startProc({
    name: 'json-server',
    command: process.execPath,
    args: [bin.script, '--port', String(port), '--host', '127.0.0.1', '--quiet', '--read-only', dbFile],
    cwd: dirname(dbFile),
    port,
    probePath,
    timeoutMs: 60_000,
  });
}
