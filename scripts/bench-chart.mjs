#!/usr/bin/env node
// Draws the scaling curves of a benchmark run as an SVG (no dependencies): page latency against the number of likes,
// first / middle / deepest keyset page and liking_users of the most-liked Tweet, p50 and p99 side by side.
// Usage: node scripts/bench-chart.mjs [bench/results/latest.json] [docs/benchmarks-scaling.svg]
import { readFileSync, writeFileSync } from 'node:fs';

const [input = 'bench/results/latest.json', output = 'docs/benchmarks-scaling.svg'] = process.argv.slice(2);
const results = JSON.parse(readFileSync(input, 'utf8'));
const points = results.scaling ?? [];
if (points.length === 0) {
  console.error(`${input}: no scaling points`);
  process.exit(1);
}

const W = 1000;
const H = 470;
const PANEL_W = 410;
const PANEL_H = 300;
const TOP = 70;
const LEFT = [60, 560];
const SERIES = [
  { key: 'first', label: 'first page', color: '#1f77b4' },
  { key: 'middle', label: 'middle page', color: '#2ca02c' },
  { key: 'deepest', label: 'deepest page', color: '#d62728' },
  { key: 'liking_users', label: 'liking_users (most-liked Tweet)', color: '#9467bd' },
];
const STORES = [
  { store: 'sqlite', label: 'SQLite', dash: '' },
  { store: 'postgres', label: 'PostgreSQL + Redis', dash: '6 4' },
];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const valueOf = (p, key, stat) => (key === 'liking_users' ? p.likingUsers?.[stat] : p.pages.find((x) => x.name === key)?.[stat]);
const likes = points.map((p) => p.likes);
const xMin = Math.log10(Math.min(...likes));
const xMax = Math.log10(Math.max(...likes));
const xSpan = Math.max(1e-9, xMax - xMin);

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const out = [];
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">Likes API: page latency vs. likes in the store (${esc(results.date.slice(0, 10))}, ${esc(results.mode)} run)</text>`);
out.push(`<text x="${W / 2}" y="44" text-anchor="middle" fill="#555">pages of 100, sequential requests, app bearer, response cache off (every request runs the keyset query); keyset pagination keeps every line flat</text>`);

for (const [panel, stat] of [[0, 'p50'], [1, 'p99']]) {
  const x0 = LEFT[panel];
  const y0 = TOP;
  let yMax = 0;
  for (const p of points) for (const s of SERIES) yMax = Math.max(yMax, valueOf(p, s.key, stat) ?? 0);
  yMax = niceMax(yMax * 1.1);
  const X = (n) => x0 + (xSpan ? ((Math.log10(n) - xMin) / xSpan) * PANEL_W : PANEL_W / 2);
  const Y = (v) => y0 + PANEL_H - (v / yMax) * PANEL_H;
  out.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 - 8}" text-anchor="middle" font-weight="bold">${stat} latency (ms)</text>`);
  out.push(`<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    const y = Y(v);
    out.push(`<line x1="${x0}" y1="${y}" x2="${x0 + PANEL_W}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${x0 - 6}" y="${y + 4}" text-anchor="end" fill="#333">${v.toFixed(yMax < 5 ? 2 : 1)}</text>`);
  }
  for (const n of [...new Set(likes)]) {
    const x = X(n);
    out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + PANEL_H}" stroke="#eee"/>`);
    const label = points.find((p) => p.likes === n)?.label ?? n;
    out.push(`<text x="${x}" y="${y0 + PANEL_H + 16}" text-anchor="middle" fill="#333">${esc(label)}</text>`);
  }
  out.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 + PANEL_H + 34}" text-anchor="middle" fill="#555">likes in the store (log scale)</text>`);
  for (const st of STORES) {
    const mine = points.filter((p) => p.store === st.store).sort((a, b) => a.likes - b.likes);
    if (mine.length === 0) continue;
    for (const s of SERIES) {
      const pts = mine.map((p) => [X(p.likes), valueOf(p, s.key, stat)]).filter(([, v]) => typeof v === 'number');
      if (pts.length === 0) continue;
      const d = pts.map(([x, v], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${Y(v).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`);
      for (const [x, v] of pts) {
        out.push(`<circle cx="${x.toFixed(1)}" cy="${Y(v).toFixed(1)}" r="3.5" fill="${st.dash ? '#fff' : s.color}" stroke="${s.color}" stroke-width="1.5"><title>${esc(`${st.label} ${s.label} ${stat}: ${v} ms`)}</title></circle>`);
      }
    }
  }
}

// Legend
let lx = 60;
const ly = H - 20;
for (const s of SERIES) {
  out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`);
  out.push(`<text x="${lx + 30}" y="${ly + 4}">${esc(s.label)}</text>`);
  lx += 40 + s.label.length * 6.5;
}
for (const st of STORES) {
  if (!points.some((p) => p.store === st.store)) continue;
  out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="#333" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`);
  out.push(`<text x="${lx + 30}" y="${ly + 4}">${esc(st.label)}</text>`);
  lx += 40 + st.label.length * 6.5;
}
out.push('</svg>');
writeFileSync(output, `${out.join('\n')}\n`);
console.log(`wrote ${output}`);
