/**
 * The ASCII lineage drawn by `thunderhead log --graph`, in the style of `git log --graph`:
 * one lane per line of descent, `*` for a version, `|` for a lane passing by, `/` where a lane
 * joins the one on its left (a branch point seen from below) and `\` where a version with two
 * parents opens a lane for its second parent (a merge).
 */

/** The part of a version the drawing needs. */
export interface GraphNode {
  readonly id: number;
  readonly parents: readonly number[];
}

/** One printed row: a version's row (with its index in the input) or a connector. */
export type GraphRow =
  | { readonly kind: 'version'; readonly index: number; readonly lanes: string }
  | { readonly kind: 'connector'; readonly lanes: string };

/** Lanes take two characters each: the mark and the gap a diagonal is drawn in. */
function render(cells: string[]): string {
  return cells.join('').replace(/\s+$/, '');
}

/**
 * Lays out `versions` (newest first, parents after children, as `Store.versions()` returns
 * them) into rows. Lanes never move sideways except where they join, so a straight `|` always
 * means the same line of descent. O(versions × lanes).
 */
export function layoutGraph(versions: readonly GraphNode[]): GraphRow[] {
  const rows: GraphRow[] = [];
  // lanes[i] = the version id lane i is waiting for (its next row), or null when free.
  const lanes: (number | null)[] = [];

  versions.forEach((version, index) => {
    let column = lanes.indexOf(version.id);
    if (column < 0) {
      // A head nobody descends from in this listing (a branch tip): take the first free lane.
      column = lanes.indexOf(null);
      if (column < 0) column = lanes.push(null) - 1;
    }
    // Other lanes that waited for this version end here: they join `column`.
    const joining: number[] = [];
    lanes.forEach((waiting, i) => {
      if (i !== column && waiting === version.id) joining.push(i);
    });
    if (joining.length > 0) {
      const cells: string[] = lanes.map((waiting) => (waiting === null ? '  ' : '| '));
      for (const i of joining) {
        cells[i] = '  ';
        // The diagonal sits in the gap left of the joining lane.
        cells[i - 1] = `${cells[i - 1][0]}/`;
        lanes[i] = null;
      }
      rows.push({ kind: 'connector', lanes: render(cells) });
    }

    const cells: string[] = lanes.map((waiting, i) => (i === column ? '* ' : waiting === null ? '  ' : '| '));
    rows.push({ kind: 'version', index, lanes: render(cells) });

    const [first, ...others] = version.parents;
    lanes[column] = first ?? null;
    const opened: number[] = [];
    for (const parent of others) {
      if (lanes.includes(parent)) continue;
      let free = lanes.indexOf(null);
      if (free < 0 || free < column) free = lanes.push(null) - 1;
      lanes[free] = parent;
      opened.push(free);
    }
    if (opened.length > 0) {
      const connector: string[] = lanes.map((waiting) => (waiting === null ? '  ' : '| '));
      for (const i of opened) {
        connector[i - 1] = `${connector[i - 1][0]}\\`;
        connector[i] = '  ';
      }
      rows.push({ kind: 'connector', lanes: render(connector) });
      // Merged lanes continue as ordinary lanes from the next row on.
    }
    while (lanes.length > 0 && lanes[lanes.length - 1] === null) lanes.pop();
  });
  return rows;
}
