import type { Layout, Layouts } from './rows.ts';

/** How many attribute sets (attributeMask) of one kind of record a store keeps statements prepared for. */
export const LAYOUTS_PREPARED = 32;

/**
 * For an attribute mask, its layout (of `layouts`) and what `make` builds to read it (its statements), made once for
 * each of the first LAYOUTS_PREPARED masks asked for and kept; a further mask's is made on each use (`kept` false),
 * so that a client cycling through field sets cannot fill memory with prepared statements. Clients ask for a few sets.
 */
export function perLayout<R, Read>(
  layouts: Layouts<R>,
  make: (layout: Layout<R>, kept: boolean, mask: number) => Read,
): (mask: number) => { layout: Layout<R>; read: Read } {
  const made = new Map<number, { layout: Layout<R>; read: Read }>();
  return (mask) => {
    let m = made.get(mask);
    if (m === undefined) {
      const keep = made.size < LAYOUTS_PREPARED;
      const layout = layouts.of(mask);
      m = { layout, read: make(layout, keep, mask) };
      if (keep) made.set(mask, m);
    }
    return m;
  };
}
