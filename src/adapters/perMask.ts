/** How many attribute sets (attributeMask) of one kind of record a store keeps statements prepared for. */
export const LAYOUTS_PREPARED = 32;

/**
 * What `make` builds for an attribute mask (a layout and the statements that read it), made once for each of the
 * first LAYOUTS_PREPARED masks asked for and kept; a further mask's is made on each use (`kept` false), so that a
 * client cycling through field sets cannot fill memory with prepared statements. Clients ask for a few sets.
 */
export function perMask<W>(make: (mask: number, kept: boolean) => W): (mask: number) => W {
  const made = new Map<number, W>();
  return (mask) => {
    let w = made.get(mask);
    if (w === undefined) {
      const keep = made.size < LAYOUTS_PREPARED;
      w = make(mask, keep);
      if (keep) made.set(mask, w);
    }
    return w;
  };
}
