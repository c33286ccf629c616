// The module graph of src/: no import cycles, the domain free of adapters, the HTTP edge and database/Redis
// drivers, and the ports free of adapters. Imports are read with a regex (static, re-exports, side-effect and
// dynamic imports with a literal specifier), type-only ones included: a cycle of types is still a tangle.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/** Known cycles left for later, as exact edges `from -> to`; none are left. Any edge closing a cycle fails the test. */
const ALLOWED_BACK_EDGES = new Set<string>([]);

/** Modules a domain file may not import: adapters, the HTTP edge, frameworks and drivers. */
const DOMAIN_FORBIDDEN = [/^src\/adapters\//, /^src\/http\//, /^(fastify|ioredis|pg|pg-copy-streams|better-sqlite3)(\/|$)/];
const PORTS_FORBIDDEN = [/^src\/adapters\//];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:^|[\s;}])(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;}])import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Import specifiers of a source file, comments removed first so commented-out imports do not count. */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...code.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Repository-relative path of a relative import, or the bare package name. */
function target(fromFile: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(ROOT, resolve(dirname(join(ROOT, fromFile)), specifier)).split('\\').join('/');
}

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = relative(ROOT, file).split('\\').join('/');
    edges.set(from, importSpecifiers(readFileSync(file, 'utf8')).map((s) => target(from, s)));
  }
  return edges;
}

/** Strongly connected components of more than one module (or a module importing itself), Tarjan's algorithm. */
export function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('src/ imports', () => {
  const edges = graph();

  it('finds the modules and their imports', () => {
    // Guards the parser: a regex that matched nothing would pass every check below.
    assert.ok(edges.size > 50, `only ${edges.size} modules under src/`);
    assert.ok(edges.get('src/http/server.ts')?.includes('fastify'));
    assert.ok(edges.get('src/cli/main.ts')?.includes('src/cli/serve.ts'), 'dynamic imports are read');
  });

  it('has no import cycle (beyond allow-listed edges)', () => {
    const kept = new Map([...edges].map(([from, tos]) => [from, tos.filter((to) => !ALLOWED_BACK_EDGES.has(`${from} -> ${to}`))]));
    assert.deepEqual(cycles(kept), []);
    // The allow-list only holds edges that exist: drop a line once its import is gone.
    for (const edge of ALLOWED_BACK_EDGES) {
      const [from, to] = edge.split(' -> ');
      assert.ok(edges.get(from)?.includes(to), `allow-listed edge no longer exists: ${edge}`);
    }
  });

  it('keeps the domain free of adapters, the HTTP edge and drivers', () => {
    const bad = [...edges]
      .filter(([from]) => from.startsWith('src/domain/'))
      .flatMap(([from, tos]) => tos.filter((to) => DOMAIN_FORBIDDEN.some((re) => re.test(to))).map((to) => `${from} -> ${to}`));
    assert.deepEqual(bad, []);
  });

  it('keeps the ports free of adapters', () => {
    const bad = [...edges]
      .filter(([from]) => from.startsWith('src/ports/'))
      .flatMap(([from, tos]) => tos.filter((to) => PORTS_FORBIDDEN.some((re) => re.test(to))).map((to) => `${from} -> ${to}`));
    assert.deepEqual(bad, []);
  });
});

describe('the import checker itself', () => {
  it('reads every form of import and skips comments', () => {
    const source = [
      "import a from './a.ts';",
      "import type { B } from '../b.ts';",
      "import {\n  c,\n  d,\n} from './cd.ts';",
      "export { e } from './e.ts';",
      "export * from './f.ts';",
      "import './side.ts';",
      "const g = await import('./g.ts');",
      "// import h from './h.ts';",
      "/* import i from './i.ts'; */",
      "const url = 'http://x/'; import j from 'fastify';",
    ].join('\n');
    assert.deepEqual(importSpecifiers(source), ['./a.ts', '../b.ts', './cd.ts', './e.ts', './f.ts', './side.ts', './g.ts', 'fastify']);
  });

  it('reports a cycle and nothing for a tree', () => {
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
    assert.deepEqual(cycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), []);
    assert.deepEqual(cycles(new Map([['a', ['a']]])), [['a']]);
  });
});
