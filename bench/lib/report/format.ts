// Number and table formatting shared by the report's section renderers.

export const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
/** A number to two places; '–' for none (a results file read back holds null where the run had NaN). */
export const f2 = (x: number | null | undefined) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(2));
export const ratio = (a: number | undefined, b: number | undefined) => (a && b ? a / b : Number.NaN);
export const fx = (x: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(2)}×`);
export const mark = (ok: boolean | null) => (ok === null ? '⚪ not measured' : ok ? '✅ met' : '❌ not met');
export const mib = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' + ');

export function table(head: string[], rows: (string | number)[][], align?: string[]): string {
  const a = align ?? head.map((_, i) => (i === 0 ? ':--' : '--:'));
  return [`| ${head.join(' | ')} |`, `| ${a.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
