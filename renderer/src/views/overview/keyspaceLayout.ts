/**
 * The key-space treemap's data: `keyspace.analyze`'s prefixes → rectangles (d3-hierarchy's
 * squarified treemap), sized by bytes (key + value) or by records, at one level of the key
 * space (all level-1 prefixes, or the level-2 prefixes inside one of them). What is left out
 * by the service's `top` becomes one grey "N more" cell, so the areas still add up to the
 * whole. Labels are kept only where they fit. Pure, O(prefixes · log prefixes).
 */
import { hierarchy, treemap, treemapSquarify } from 'd3';
import type { KeySpacePrefix, KeySpaceResult, KeySpaceTotals, KeyView } from '../../../../app/contract';
import { formatBytes, formatCount } from '../../lib/format';

/** What a cell's area stands for. */
export type KeySpaceMeasure = 'bytes' | 'records';

/** One rectangle of the treemap. */
export interface KeySpaceCell {
  readonly id: string;
  readonly label: string;
  /** Its size in the chosen measure. */
  readonly value: number;
  /** Share of the level's total (0..1). */
  readonly share: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The prefix (null for the "N more" rest). */
  readonly prefix: KeyView | null;
  /** A click goes one level down (it has level-2 prefixes); else it opens Records. */
  readonly drillable: boolean;
  /** Tooltip: every number of the prefix, one per line. */
  readonly title: string;
  /** Whether the label (and the value under it) fit inside the cell. */
  readonly showLabel: boolean;
  readonly showValue: boolean;
  /** Colour slot (0..7), stable per prefix position; -1 for the rest. */
  readonly tone: number;
}

/** The measure of a prefix or of totals. */
export function measureOf(t: KeySpaceTotals, measure: KeySpaceMeasure): number {
  return measure === 'records' ? t.records : t.keyBytes + t.valueBytes;
}

/** A value as the cells print it. */
export function measureText(value: number, measure: KeySpaceMeasure): string {
  return measure === 'records' ? `${formatCount(value)} record${value === 1 ? '' : 's'}` : formatBytes(value);
}

/** The level shown: the level-1 prefixes, or the children of the one drilled into (by label). */
export function levelOf(result: KeySpaceResult, drill: string | null): { readonly items: readonly KeySpacePrefix[]; readonly total: KeySpaceTotals; readonly omitted: number; readonly parent: KeySpacePrefix | null } {
  if (drill !== null) {
    const parent = result.prefixes.find((p) => p.label === drill);
    if (parent) return { items: parent.children ?? [], total: parent, omitted: parent.omitted, parent };
  }
  return { items: result.prefixes, total: result.totals, omitted: result.omitted, parent: null };
}

/** Rough width of a label at the cells' 12 px font (px per character). */
const CHAR_PX = 7;

/** The treemap's cells for a `width` × `height` area. */
export function keySpaceCells(result: KeySpaceResult, drill: string | null, measure: KeySpaceMeasure, width: number, height: number): readonly KeySpaceCell[] {
  if (width <= 0 || height <= 0) return [];
  const level = levelOf(result, drill);
  const total = measureOf(level.total, measure);
  if (total <= 0) return [];
  interface Leaf { readonly id: string; readonly label: string; readonly value: number; readonly prefix: KeyView | null; readonly drillable: boolean; readonly source: KeySpaceTotals | null; readonly tone: number }
  const leaves: Leaf[] = level.items.map((p, i) => ({
    id: p.prefix.hex,
    label: p.label,
    value: measureOf(p, measure),
    prefix: p.prefix,
    drillable: level.parent === null && (p.children?.length ?? 0) > 0,
    source: p,
    tone: i % 8,
  }));
  // What `top` left out, plus keys that are not tuples (level 1 only): the rest of the area.
  const shown = leaves.reduce((sum, l) => sum + l.value, 0);
  const rest = Math.max(0, total - shown);
  if (rest > 0) {
    const parts = [level.omitted > 0 ? `${formatCount(level.omitted)} more prefix${level.omitted === 1 ? '' : 'es'}` : '', level.parent === null && result.other.records > 0 ? 'raw keys' : ''].filter(Boolean);
    leaves.push({ id: 'rest', label: parts.join(' + ') || 'the rest', value: rest, prefix: null, drillable: false, source: null, tone: -1 });
  }
  const root = hierarchy<{ readonly children?: readonly Leaf[] } | Leaf>({ children: leaves.filter((l) => l.value > 0) }, (d) => ('children' in d ? (d.children as Leaf[]) : undefined))
    .sum((d) => ('value' in d ? d.value : 0))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const laid = treemap<{ readonly children?: readonly Leaf[] } | Leaf>().tile(treemapSquarify).size([width, height]).paddingInner(2).round(true)(root);
  return laid.leaves().map((node) => {
    const leaf = node.data as Leaf;
    const w = node.x1 - node.x0;
    const h = node.y1 - node.y0;
    const title = leaf.source
      ? [`${level.parent ? `${level.parent.label} › ` : ''}${leaf.label}`, `${formatCount(leaf.source.records)} records`, `${formatBytes(leaf.source.keyBytes)} of keys`, `${formatBytes(leaf.source.valueBytes)} of values${leaf.source.largeValueBytes > 0 ? ` (${formatBytes(leaf.source.largeValueBytes)} large, off-tree)` : ''}`, `${((leaf.value / total) * 100).toFixed(1)}% of ${measure === 'records' ? 'the records' : 'the bytes'} here`].join('\n')
      : `${leaf.label}: ${measureText(leaf.value, measure)}`;
    return {
      id: leaf.id,
      label: leaf.label,
      value: leaf.value,
      share: leaf.value / total,
      x: node.x0,
      y: node.y0,
      width: w,
      height: h,
      prefix: leaf.prefix,
      drillable: leaf.drillable,
      title,
      showLabel: w >= Math.min(leaf.label.length, 12) * CHAR_PX + 10 && h >= 18,
      showValue: w >= 64 && h >= 36,
      tone: leaf.tone,
    };
  });
}
