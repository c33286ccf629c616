// The bench's share of CPU by part of the code (bench/lib/profile.ts partShares): a sample counts for a part when a
// frame of its stack is in it, unless a frame the part calls is one of its exceptions (that frame and its callees).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { partShares } from '../../bench/lib/profile.ts';

const frame = (functionName: string, file: string) => ({ functionName, url: `file:///app/src/${file}`, lineNumber: 0, columnNumber: 0, scriptId: '0' });

test('partShares counts a part with its callees, except the frames it excepts and theirs; idle is not busy', () => {
  // root → routing → versions → store (a read routing waits for); root → routing → journal; root → handler; idle.
  const nodes = [
    { id: 1, callFrame: { ...frame('(root)', ''), url: '' }, children: [2, 6, 7] },
    { id: 2, callFrame: frame('route', 'http/plugins/worldRouting.ts'), children: [3, 5] },
    { id: 3, callFrame: frame('read', 'http/plugins/api/versions.ts'), children: [4] },
    { id: 4, callFrame: frame('dataVersion', 'adapters/sqlite/sqliteStore.ts'), children: [] },
    { id: 5, callFrame: frame('record', 'adapters/memory/memoryRequestJournal.ts'), children: [] },
    { id: 6, callFrame: frame('handle', 'http/plugins/api/handler.ts'), children: [] },
    { id: 7, callFrame: { ...frame('(idle)', ''), url: '' }, children: [] },
  ];
  // Ten samples of 1 ms: routing itself 1, versions 1, the store under versions 2, the journal 1, the handler 3, idle 2.
  const samples = [2, 3, 4, 4, 5, 6, 6, 6, 7, 7];
  const dir = mkdtempSync(join(tmpdir(), 'parts-'));
  try {
    const file = join(dir, 'p.cpuprofile');
    writeFileSync(file, JSON.stringify({ nodes, startTime: 0, endTime: 10_000, samples, timeDeltas: samples.map(() => 1000) }));
    const routing = { name: 'routing', test: (f: { url: string }) => f.url.endsWith('worldRouting.ts') };
    const shares = partShares(file, [
      routing,
      { ...routing, name: 'routing, not the versions', except: (f: { url: string }) => f.url.endsWith('versions.ts') },
      { name: 'handler', test: (f: { url: string }) => f.url.endsWith('handler.ts') },
    ]);
    assert.equal(shares.busyMs, 8);
    assert.deepEqual(shares.parts, [
      { name: 'routing', pct: 62.5 },
      { name: 'routing, not the versions', pct: 25 },
      { name: 'handler', pct: 37.5 },
    ]);
    assert.equal(shares.anyPct, 100);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
